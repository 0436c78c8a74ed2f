"""CardProcessor: tokens (never the number or CVV), authorizations, charges and refunds; a hold's
release by the issuer is derived lazily from the clock. Each call is about the card (its
fingerprint): draws and ids come from that and the call's other coordinates."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from mock_gateways.card.brands import brand_of, luhn_valid
from mock_gateways.card.calendar import add_business_days
from mock_gateways.card.test_cards import IssuerProfile, names_match, profile_for
from mock_gateways.common import fields
from mock_gateways.common.clock import Clock, format_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import GatewayError, bad_request, conflict, not_found
from mock_gateways.common.seeded import make_id, pick
from mock_gateways.operations import CARD_OPERATIONS

#: the issuer's foreign-exchange fee on charges settled in another currency (CARD-7)
ISSUER_FX_FEE_RATE = Decimal("0.02")
MIN_RELEASE_DAYS, MAX_RELEASE_DAYS = 1, 5
DEFAULT_FINGERPRINT_KEY = b"billing-sim card fingerprint v1"
DEFAULT_DESCRIPTOR = "BILLING-SIM"


def card_error(code: str, message: str) -> GatewayError:
    """A refusal by the card or its issuer: 402, stored and replayed like a result."""
    return GatewayError(code, message, status=402, details={"type": "card_error"})


@dataclass
class Card:
    token: str
    brand: str
    last4: str
    fingerprint: str
    exp_month: int
    exp_year: int
    name: str
    profile: IssuerProfile

    def expired_at(self, now: datetime) -> bool:
        # Valid through the end of the expiry month (CARD-4).
        return (now.year, now.month) > (self.exp_year, self.exp_month)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.token,
            "object": "token",
            "brand": self.brand,
            "last4": self.last4,
            "fingerprint": self.fingerprint,
            "exp_month": self.exp_month,
            "exp_year": self.exp_year,
            "issuer_country": self.profile.issuer_country,
            "settlement_currency": self.profile.settlement_currency,
        }


@dataclass
class Authorization:
    id: str
    card: Card
    amount: Decimal
    currency: str
    descriptor: str
    created_at: datetime
    release_at: datetime
    status: str = "held"  # held | voided | captured; "released" is derived from the clock
    captured_amount: Decimal | None = None
    charge_id: str | None = None

    def status_at(self, now: datetime) -> str:
        if self.status == "held" and now >= self.release_at:
            return "released"
        return self.status

    def to_json(self, now: datetime) -> dict[str, Any]:
        status = self.status_at(now)
        out = {
            "id": self.id,
            "object": "authorization",
            "status": status,
            "amount": fields.format_amount(self.amount),
            "currency": self.currency,
            "descriptor": self.descriptor,
            "brand": self.card.brand,
            "last4": self.card.last4,
            "created_at": format_instant(self.created_at),
            "release_at": format_instant(self.release_at),
            "released_at": format_instant(self.release_at) if status == "released" else None,
        }
        if self.charge_id is not None and self.captured_amount is not None:
            out["charge"] = self.charge_id
            out["captured_amount"] = fields.format_amount(self.captured_amount)
        return out


@dataclass
class Charge:
    id: str
    card: Card
    amount: Decimal
    currency: str
    created_at: datetime
    merchant_initiated: bool
    authorization: str | None = None
    refunded: Decimal = Decimal("0.00")
    #: a tuple, not a list: a run keeps every charge and almost none is refunded, and a tuple of
    #: strings drops out of the cyclic collector's scans where a list would stay in them
    refunds: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "charge",
            "status": "succeeded",
            "amount": fields.format_amount(self.amount),
            "amount_refunded": fields.format_amount(self.refunded),
            "currency": self.currency,
            "brand": self.card.brand,
            "last4": self.card.last4,
            "settlement_currency": self.card.profile.settlement_currency,
            "merchant_initiated": self.merchant_initiated,
            "authorization": self.authorization,
            "created_at": format_instant(self.created_at),
        }


class CardProcessor(GatewayCore):
    """The card processor core. Every operation takes the JSON-shaped request body (the same
    dict the HTTP API receives) and returns the JSON-shaped result, raising GatewayError."""

    name = "card"
    default_public_url = "http://card.sim"
    operations = CARD_OPERATIONS
    #: a key's answer is replayed for 24 h, as public card APIs keep keys
    idempotency_window = timedelta(hours=24)
    payment_operations = frozenset({"authorize", "void", "capture", "charge", "refund"})

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        public_url: str | None = None,
        merchant_country: str = "US",
        fingerprint_key: bytes = DEFAULT_FINGERPRINT_KEY,
    ) -> None:
        super().__init__(clock=clock, seed=seed, public_url=public_url)
        self.merchant_country = merchant_country
        self._fingerprint_key = fingerprint_key
        self._clear()

    def _clear(self) -> None:
        self.cards: dict[str, Card] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.declines: list[dict[str, Any]] = []
        self.issuer_ledger: list[dict[str, Any]] = []

    # --- tokenize ---------------------------------------------------------------------------

    def fingerprint(self, digits: str) -> str:
        """Keyed hash of the number: stable per card (LINK-1), reveals nothing about it."""
        mac = hmac.new(self._fingerprint_key, digits.encode(), hashlib.sha256)
        return mac.hexdigest()[:24]

    def tokenize(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        body = fields.require_object(body)
        raw_number = fields.get_str(body, "number", max_length=40) or ""
        exp_month = fields.get_int(body, "exp_month", low=1, high=12)
        exp_year = fields.get_int(body, "exp_year", low=2000, high=2199)
        cvv = fields.get_str(body, "cvv", max_length=8) or ""
        name = fields.get_str(body, "name", max_length=100) or ""
        digits = raw_number.replace(" ", "").replace("-", "")
        well_formed = digits.isdigit() and digits.isascii() and 12 <= len(digits) <= 19
        card_fingerprint = self.fingerprint(digits)
        params = {
            # Never the number or CVV, not even in memory records: their keyed hashes.
            "number": card_fingerprint,
            "cvv": self.fingerprint("cvv:" + cvv),
            "exp": [exp_month, exp_year],
            "name": name,
        }

        def execute(_decline: str | None) -> dict[str, Any]:
            if not well_formed or not luhn_valid(digits):
                raise card_error("invalid_number", "the card number is not a valid card number")
            brand = brand_of(digits)
            if brand is None:
                raise card_error("unsupported_brand", "this card brand is not supported")
            if len(digits) not in brand.lengths:
                raise card_error("invalid_number", f"a {brand.name} number has the wrong length")
            if not (cvv.isdigit() and cvv.isascii() and len(cvv) == brand.cvv_length):
                raise card_error(
                    "invalid_cvv", f"the CVV of a {brand.name} card has {brand.cvv_length} digits"
                )
            profile = profile_for(digits)
            card = Card(
                self._new_id("tok", self.cards),
                brand.name,
                digits[-4:],
                card_fingerprint,
                exp_month,
                exp_year,
                name,
                profile,
            )
            if card.expired_at(self.now()):
                raise card_error("expired", "the card has expired")
            if profile.holder is not None and not names_match(name, profile.holder):
                raise card_error("name_mismatch", "the name does not match the issuer's record")
            self.cards[card.token] = card
            return card.to_json()

        return self.mutate("tokenize", key, params, execute, subject=card_fingerprint)

    def get_token(self, token: str) -> dict[str, Any]:
        subject = self._subject_of_token(token)
        return self.read("get_token", token, lambda: self._card(token).to_json(), subject=subject)

    # --- authorize, void, capture ------------------------------------------------------------

    def authorize(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        body = fields.require_object(body)
        params = self._payment_params(body)
        params["descriptor"] = (
            fields.get_str(body, "descriptor", required=False, max_length=22) or DEFAULT_DESCRIPTOR
        )

        def execute(decline: str | None) -> dict[str, Any]:
            card = self._card(params["token"])
            auth_id = self._new_id("auth", self.authorizations)
            self._check_issuer(card, params, decline, operation="authorize", ref=auth_id)
            now = self.now()
            # The issuer's own timing: from the authorize's coordinates (the card, the instant,
            # its ordinal), so every engine that holds this card then gets the same day.
            span = MAX_RELEASE_DAYS - MIN_RELEASE_DAYS + 1
            days = MIN_RELEASE_DAYS + pick(span, self.seed, "release", *self.coordinates())
            auth = Authorization(
                auth_id,
                card,
                params["amount"],
                params["currency"],
                params["descriptor"],
                now,
                add_business_days(now, days, card.profile.issuer_country),
            )
            self.authorizations[auth_id] = auth
            return auth.to_json(now)

        subject = self._subject_of_token(params["token"])
        return self.mutate("authorize", key, self._storable(params), execute, subject=subject)

    def void(self, authorization_id: str, key: str | None) -> dict[str, Any]:
        def execute(_decline: str | None) -> dict[str, Any]:
            auth = self._held(authorization_id)
            auth.status = "voided"
            return auth.to_json(self.now())

        params = {"authorization": authorization_id}
        subject = self._subject_of_authorization(authorization_id)
        return self.mutate("void", key, params, execute, subject=subject)

    def capture(
        self, authorization_id: str, body: dict[str, Any], key: str | None
    ) -> dict[str, Any]:
        body = fields.require_object(body)
        amount = fields.get_amount(body, required=False)
        params = {"authorization": authorization_id, "amount": amount}

        def execute(_decline: str | None) -> dict[str, Any]:
            auth = self._held(authorization_id)
            captured = auth.amount if amount is None else amount
            if captured > auth.amount:
                raise bad_request("invalid_amount", "amount exceeds the authorized amount")
            charge = self._record_charge(
                self._new_id("ch", self.charges),
                auth.card,
                captured,
                auth.currency,
                merchant_initiated=False,
                authorization=auth.id,
            )
            auth.status, auth.captured_amount, auth.charge_id = "captured", captured, charge.id
            return auth.to_json(self.now())

        subject = self._subject_of_authorization(authorization_id)
        return self.mutate("capture", key, self._storable(params), execute, subject=subject)

    def hold(self, authorization_id: str) -> dict[str, Any]:
        """The authorization as the issuer sees it now (held, released, voided, captured)."""

        def fetch() -> dict[str, Any]:
            return self._authorization(authorization_id).to_json(self.now())

        subject = self._subject_of_authorization(authorization_id)
        return self.read("hold", authorization_id, fetch, subject=subject)

    # --- charge, refund ---------------------------------------------------------------------

    def charge(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        body = fields.require_object(body)
        params = self._payment_params(body)
        params["merchant_initiated"] = fields.get_bool(body, "merchant_initiated", default=False)

        def execute(decline: str | None) -> dict[str, Any]:
            card = self._card(params["token"])
            charge_id = self._new_id("ch", self.charges)
            decline = decline or card.profile.charge_decline
            self._check_issuer(card, params, decline, operation="charge", ref=charge_id)
            charge = self._record_charge(
                charge_id,
                card,
                params["amount"],
                params["currency"],
                merchant_initiated=params["merchant_initiated"],
            )
            return charge.to_json()

        subject = self._subject_of_token(params["token"])
        return self.mutate("charge", key, self._storable(params), execute, subject=subject)

    def refund(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        body = fields.require_object(body)
        charge_id = fields.get_str(body, "charge", max_length=64) or ""
        amount = fields.get_amount(body, required=False)
        params = {"charge": charge_id, "amount": amount}

        def execute(_decline: str | None) -> dict[str, Any]:
            charge = self.charges.get(charge_id)
            if charge is None:
                raise not_found("unknown_charge", f"no charge {charge_id!r}")
            refund_amount = charge.amount - charge.refunded if amount is None else amount
            if refund_amount <= 0 or charge.refunded + refund_amount > charge.amount:
                raise bad_request("invalid_amount", "refund exceeds what is left of the charge")
            refund_id = self._new_id("re", self.refunds)
            charge.refunded += refund_amount
            charge.refunds += (refund_id,)
            refund = {
                "id": refund_id,
                "object": "refund",
                "status": "succeeded",
                "charge": charge.id,
                "amount": fields.format_amount(refund_amount),
                "currency": charge.currency,
                "created_at": format_instant(self.now()),
            }
            self.refunds[refund_id] = refund
            return refund

        charge = self.charges.get(charge_id)
        subject = "" if charge is None else charge.card.fingerprint
        return self.mutate("refund", key, self._storable(params), execute, subject=subject)

    # --- rules ------------------------------------------------------------------------------

    def _payment_params(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "token": fields.get_str(body, "token", max_length=64),
            "amount": fields.get_amount(body),
            "currency": fields.get_currency(body),
            "merchant_country": fields.get_country(
                body, "merchant_country", default=self.merchant_country
            ),
            "threeds_transaction_id": fields.get_str(
                body, "threeds_transaction_id", required=False, max_length=64
            ),
        }

    @staticmethod
    def _storable(params: dict[str, Any]) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}

    def _check_issuer(
        self,
        card: Card,
        params: dict[str, Any],
        decline: str | None,
        *,
        operation: str,
        ref: str,
    ) -> None:
        """The issuer's decision, in the order a real issuer checks; raises a 402 card error."""
        profile = card.profile
        code: str | None = None
        if card.expired_at(self.now()):
            code = "expired"
        elif not profile.online_enabled:
            code = "online_disabled"
        elif (
            not profile.international_enabled
            and profile.issuer_country != params["merchant_country"]
        ):
            code = "international_disabled"
        elif (
            profile.threeds == "challenge"
            and not params.get("merchant_initiated", False)
            and params["threeds_transaction_id"] is None
        ):
            code = "authentication_required"
        elif profile.decline is not None:
            code = profile.decline
        elif decline is not None:
            code = decline
        if code is None:
            return
        self.declines.append(
            {
                "id": ref,
                "operation": operation,
                "code": code,
                "token": card.token,
                "amount": fields.format_amount(params["amount"]),
                "at": format_instant(self.now()),
            }
        )
        raise card_error(code, f"the card was declined: {code}")

    def _record_charge(
        self,
        charge_id: str,
        card: Card,
        amount: Decimal,
        currency: str,
        *,
        merchant_initiated: bool,
        authorization: str | None = None,
    ) -> Charge:
        charge = Charge(
            charge_id, card, amount, currency, self.now(), merchant_initiated, authorization
        )
        self.charges[charge_id] = charge
        if card.profile.settlement_currency != currency:
            # The issuer's fee, on the cardholder's statement; never part of the merchant amount.
            fee = (amount * ISSUER_FX_FEE_RATE).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
            self.issuer_ledger.append(
                {
                    "charge": charge_id,
                    "token": card.token,
                    "amount": fields.format_amount(amount),
                    "currency": currency,
                    "settlement_currency": card.profile.settlement_currency,
                    "fx_fee": fields.format_amount(fee),
                    "fx_fee_currency": currency,
                }
            )
        return charge

    def _new_id(self, prefix: str, taken: Container[str]) -> str:
        """A `prefix_...` id drawn from the running call's coordinates, not in `taken`."""
        return self.new_id(lambda *parts: make_id(prefix, self.seed, *parts), taken)

    def _subject_of_token(self, token: str | None) -> str:
        """The card a call naming this token is about: its fingerprint ("" if unknown)."""
        card = self.cards.get(token or "")
        return "" if card is None else card.fingerprint

    def _subject_of_authorization(self, authorization_id: str) -> str:
        auth = self.authorizations.get(authorization_id)
        return "" if auth is None else auth.card.fingerprint

    def _card(self, token: str | None) -> Card:
        card = self.cards.get(token or "")
        if card is None:
            raise not_found("unknown_token", f"no card token {token!r}")
        return card

    def _authorization(self, authorization_id: str) -> Authorization:
        auth = self.authorizations.get(authorization_id)
        if auth is None:
            raise not_found("unknown_authorization", f"no authorization {authorization_id!r}")
        return auth

    def _held(self, authorization_id: str) -> Authorization:
        auth = self._authorization(authorization_id)
        status = auth.status_at(self.now())
        if status != "held":
            raise conflict("authorization_not_held", f"the authorization is {status}")
        return auth

    def payment_body(self, operation: str, payment_id: str) -> dict[str, Any]:
        """The authorization, charge or refund a payment operation made, as it is now."""
        if operation == "charge":
            return self.charges[payment_id].to_json()
        if operation == "refund":
            return dict(self.refunds[payment_id])
        return self.authorizations[payment_id].to_json(self.now())  # authorize, void, capture

    # --- directory for the 3DS server and admin state ----------------------------------------

    def card_profile(self, token: str) -> tuple[IssuerProfile, dict[str, Any]] | None:
        """The issuer profile and public fields of a token (the 3DS server's card directory)."""
        with self.lock:
            card = self.cards.get(token)
            return None if card is None else (card.profile, card.to_json())

    def state(self) -> dict[str, Any]:
        now = self.now()
        return {
            "merchant_country": self.merchant_country,
            "tokens": [card.to_json() for card in self.cards.values()],
            "authorizations": [a.to_json(now) for a in self.authorizations.values()],
            "charges": [c.to_json() for c in self.charges.values()],
            "refunds": list(self.refunds.values()),
            "declines": list(self.declines),
            "issuer_ledger": list(self.issuer_ledger),
        }
