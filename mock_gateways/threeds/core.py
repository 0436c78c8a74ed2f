"""ThreeDSServer: EMV 3DS authentications, frictionless by issuer profile and merchant request or
challenged; a challenge left open for 10 simulated minutes is `U` (timed_out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlencode

from mock_gateways.card.brands import brand_of, luhn_valid
from mock_gateways.card.test_cards import CHALLENGE_CODE, IssuerProfile, profile_for
from mock_gateways.common import fields
from mock_gateways.common.clock import Clock, format_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import bad_request, not_found
from mock_gateways.common.seeded import digest
from mock_gateways.operations import THREEDS_OPERATIONS

CHALLENGE_TIMEOUT = timedelta(minutes=10)
MESSAGE_VERSION = "2.2.0"

# reason word -> EMV transStatusReason
_EMV_REASONS = {"risk": "11", "not_enrolled": "13", "wrong_code": "01", "timed_out": "14"}
# reason word -> EMV challengeCancel
_EMV_CANCEL = {"cancelled": "01", "timed_out": "04"}


class CardDirectory(Protocol):
    def card_profile(self, token: str) -> tuple[IssuerProfile, dict[str, Any]] | None:
        """The issuer profile and public card fields of a card processor token."""
        ...


@dataclass
class Transaction:
    id: str
    acs_id: str
    brand: str
    last4: str
    amount: Decimal
    currency: str
    merchant_name: str
    return_url: str
    created_at: datetime
    status: str  # Y A N U R C
    #: the card the authentication is about (what a result read is placed by)
    subject: str = ""
    reason: str | None = None
    completed_at: datetime | None = None

    def status_at(self, now: datetime) -> tuple[str, str | None]:
        """(transStatus, reason) now: an open challenge is `U` timed_out after 10 minutes."""
        if self.status == "C" and now >= self.created_at + CHALLENGE_TIMEOUT:
            return "U", "timed_out"
        return self.status, self.reason


class ThreeDSServer(GatewayCore):
    """The 3DS server core. `cards` resolves card processor tokens (`cardToken`); requests may
    instead carry the PAN as EMV `acctNumber`, which is never stored or returned."""

    name = "threeds"
    default_public_url = "http://threeds.sim"
    operations = THREEDS_OPERATIONS

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        public_url: str | None = None,
        cards: CardDirectory | None = None,
    ) -> None:
        super().__init__(clock=clock, seed=seed, public_url=public_url)
        self.cards = cards
        self._clear()

    def _clear(self) -> None:
        self.transactions: dict[str, Transaction] = {}
        self._challenged: set[str] = set()

    # --- merchant side ----------------------------------------------------------------------

    def authenticate(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        """AReq/ARes in one: frictionless Y/A/N/U/R or C with an acsURL."""
        body = fields.require_object(body)
        token = fields.get_str(body, "cardToken", required=False, max_length=64)
        pan = fields.get_str(body, "acctNumber", required=False, max_length=40)
        if (token is None) == (pan is None):
            raise bad_request(
                "missing_field", "exactly one of cardToken and acctNumber is required"
            )
        params: dict[str, Any] = {
            "card": token if pan is None else self._pan_ref(pan),
            "purchaseAmount": str(fields.get_amount(body, "purchaseAmount")),
            "purchaseCurrency": fields.get_currency(body, "purchaseCurrency"),
            "challengeMandated": fields.get_bool(body, "challengeMandated", default=False),
            "notificationURL": fields.get_url(body, "notificationURL"),
            "merchantName": fields.get_str(body, "merchantName", required=False, max_length=40)
            or "billing-sim merchant",
        }
        subject = params["card"] if token is None else self._subject_of_token(token)

        def execute(decline: str | None) -> dict[str, Any]:
            profile, brand, last4 = self._card(token, pan)
            status, reason = self._risk_decision(profile, params["challengeMandated"])
            if decline is not None and status != "U":
                status, reason = "N", "risk"  # an injected issuer refusal
            trans_id = self.new_id(lambda *parts: self._uuid("trans", *parts), self.transactions)
            tx = Transaction(
                trans_id,
                self._uuid("acs", trans_id),
                brand,
                last4,
                Decimal(params["purchaseAmount"]),
                params["purchaseCurrency"],
                params["merchantName"],
                params["notificationURL"],
                self.now(),
                status,
                subject,
                reason,
            )
            self.transactions[trans_id] = tx
            if status == "C":
                self._challenged.add(trans_id)
            return self._to_json(tx)

        return self.mutate("authenticate", key, params, execute, subject=subject)

    def result(self, trans_id: str) -> dict[str, Any]:
        """The transaction's status now (RReq): C while a challenge is open."""
        found = self.transactions.get(trans_id)
        subject = "" if found is None else found.subject

        def fetch() -> dict[str, Any]:
            return self._to_json(self._transaction(trans_id))

        return self.read("result", trans_id, fetch, subject=subject)

    # --- customer side (the challenge page, or a simulated customer in process) ---------------

    def challenge_page(self, trans_id: str) -> dict[str, Any]:
        """What the challenge page shows: merchant, amount, card, and the current status."""
        with self.lock:
            tx = self._challenge(trans_id)
            status, reason = tx.status_at(self.now())
            return {
                "threeDSServerTransID": tx.id,
                "merchantName": tx.merchant_name,
                "purchaseAmount": fields.format_amount(tx.amount),
                "purchaseCurrency": tx.currency,
                "cardBrand": tx.brand,
                "last4": tx.last4,
                "transStatus": status,
                "reason": reason,
                "open": status == "C",
            }

    def complete_challenge(self, trans_id: str, code: str) -> dict[str, Any]:
        """The customer types `code`: Y if it is the one-time code (123456), N otherwise. After
        the 10-minute time-out, or once answered, nothing changes. Returns the result."""
        with self.lock:
            tx = self._challenge(trans_id)
            if tx.status_at(self.now())[0] == "C":
                ok = code.strip() == CHALLENGE_CODE
                tx.status, tx.reason = ("Y", None) if ok else ("N", "wrong_code")
                tx.completed_at = self.now()
            return self._to_json(tx)

    def cancel_challenge(self, trans_id: str) -> dict[str, Any]:
        """The customer presses Cancel: U (cancelled), unless already final."""
        with self.lock:
            tx = self._challenge(trans_id)
            if tx.status_at(self.now())[0] == "C":
                tx.status, tx.reason, tx.completed_at = "U", "cancelled", self.now()
            return self._to_json(tx)

    def return_url(self, trans_id: str) -> str:
        """Where the browser goes after the challenge: the merchant's URL with transactionId."""
        with self.lock:
            tx = self._challenge(trans_id)
            separator = "&" if "?" in tx.return_url else "?"
            return f"{tx.return_url}{separator}{urlencode({'transactionId': tx.id})}"

    # --- rules ------------------------------------------------------------------------------

    @staticmethod
    def _risk_decision(profile: IssuerProfile, mandated: bool) -> tuple[str, str | None]:
        """The issuer's risk decision for this card and request."""
        behaviour = profile.threeds
        if behaviour == "not_enrolled":
            return "U", "not_enrolled"
        if behaviour == "attempted":
            return "A", None  # the issuer's ACS is not participating: proof of attempt
        if behaviour == "deny":
            return "N", "risk"
        if behaviour == "reject":
            return "R", "risk"
        if behaviour == "challenge" or mandated:
            return "C", None
        return "Y", None

    def _card(self, token: str | None, pan: str | None) -> tuple[IssuerProfile, str, str]:
        if token is not None:
            found = self.cards.card_profile(token) if self.cards is not None else None
            if found is None:
                raise not_found("unknown_card_token", f"no card token {token!r}")
            profile, public = found
            return profile, public["brand"], public["last4"]
        digits = (pan or "").replace(" ", "")
        brand = brand_of(digits) if digits.isdigit() and digits.isascii() else None
        if brand is None or not luhn_valid(digits) or len(digits) not in brand.lengths:
            raise bad_request("invalid_field", "acctNumber is not a valid card number")
        return profile_for(digits), brand.name, digits[-4:]

    def _pan_ref(self, pan: str) -> str:
        # Keeps the PAN out of idempotency records: a keyed hash stands in for it.
        return "pan:" + digest(self.seed, "pan", pan).hex()

    def _subject_of_token(self, token: str) -> str:
        """The card behind a card processor token: its fingerprint ("" if unknown)."""
        found = self.cards.card_profile(token) if self.cards is not None else None
        return "" if found is None else str(found[1]["fingerprint"])

    def _uuid(self, purpose: str, *parts: object) -> str:
        return str(uuid.UUID(bytes=digest(self.seed, purpose, *parts), version=4))

    def _transaction(self, trans_id: str) -> Transaction:
        tx = self.transactions.get(trans_id)
        if tx is None:
            raise not_found("unknown_transaction", f"no 3DS transaction {trans_id!r}")
        return tx

    def _challenge(self, trans_id: str) -> Transaction:
        tx = self._transaction(trans_id)
        if trans_id not in self._challenged:
            raise not_found("no_challenge", "this transaction has no challenge")
        return tx

    def _to_json(self, tx: Transaction) -> dict[str, Any]:
        status, reason = tx.status_at(self.now())
        out: dict[str, Any] = {
            "threeDSServerTransID": tx.id,
            "acsTransID": tx.acs_id,
            "messageVersion": MESSAGE_VERSION,
            "transStatus": status,
            "reason": reason,
            "cardBrand": tx.brand,
            "last4": tx.last4,
            "purchaseAmount": fields.format_amount(tx.amount),
            "purchaseCurrency": tx.currency,
            "challenged": tx.id in self._challenged,
            "createdAt": format_instant(tx.created_at),
        }
        if reason in _EMV_REASONS:
            out["transStatusReason"] = _EMV_REASONS[reason]
        if reason in _EMV_CANCEL:
            out["challengeCancel"] = _EMV_CANCEL[reason]
        if status == "C":
            out["acsURL"] = f"{self.public_url}/acs/challenge/{tx.id}"
            out["challengeExpiresAt"] = format_instant(tx.created_at + CHALLENGE_TIMEOUT)
        return out

    def state(self) -> dict[str, Any]:
        return {"transactions": [self._to_json(tx) for tx in self.transactions.values()]}
