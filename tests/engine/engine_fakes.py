"""Small in-test fakes of the engine's ports: a clock that fires scheduler timers in order as it
advances, scripted card / 3DS / PayPal gateways that record their calls, and a list sink."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from billing_engine.domain.card_validation import brand_of, digits_of
from billing_engine.events import Event
from billing_engine.ports import (
    CardDetails,
    CardToken,
    GatewayResult,
    GatewayUnavailable,
    HoldStatus,
    OutcomeUnknown,
    PayPalSetup,
    PayPalVaultResult,
    ThreeDSResult,
    TokenizeResult,
)


class FakeTime:
    """Clock and Scheduler: timers run in (time, order set) order as time advances."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._timers: list[tuple[datetime, int, Callable[[], None]]] = []
        self._seq = 0

    def now(self) -> datetime:
        return self._now

    def call_at(
        self, when: datetime, fn: Callable[[], None], *, account: str | None = None
    ) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (when, self._seq, fn))

    def advance_to(self, when: datetime, *, run_due: bool = True) -> None:
        """Move to `when`, running the timers due on the way; `run_due=False` leaves those due
        exactly at `when` for later (usage recorded at an instant comes before its timers)."""
        while self._timers and (
            self._timers[0][0] < when or (run_due and self._timers[0][0] == when)
        ):
            due, _, fn = heapq.heappop(self._timers)
            self._now = max(self._now, due)
            fn()
        self._now = max(self._now, when)

    def advance(self, **delta: float) -> None:
        self.advance_to(self._now + timedelta(**delta))

    def due_times(self) -> list[datetime]:
        return sorted(when for when, _, _ in self._timers)


@dataclass
class ListSink:
    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def of(self, type_: str, account: str | None = None) -> list[Event]:
        return [
            e for e in self.events if e.type == type_ and (account is None or e.account == account)
        ]

    def types(self, account: str | None = None) -> list[str]:
        return [e.type for e in self.events if account is None or e.account == account]


def _unavailable(down: set[str], operation: str) -> None:
    if operation in down:
        raise GatewayUnavailable(f"{operation}: no answer")


@dataclass
class ChargesByKey:
    """What a fake gateway charged, by idempotency key, so a charge whose answer is `lost` (it
    was carried out, then OutcomeUnknown) can be found again, as the mocks' look-up does."""

    lost: bool = False
    #: the look-up itself gives no answer
    lookup_down: bool = False
    results: dict[str, GatewayResult] = field(default_factory=dict)

    def answer(self, key: str, result: GatewayResult) -> GatewayResult:
        self.results[key] = result
        if self.lost:
            raise OutcomeUnknown("charge: the answer was lost")
        return result

    def find(self, key: str) -> GatewayResult | None:
        if self.lookup_down:
            raise GatewayUnavailable("lookup: no answer")
        return self.results.get(key)


@dataclass
class FakeCards:
    """Scripted card processor: a reason set on an operation makes it fail with that reason;
    `fail_charges` lists the outcomes of the next charges (None: success)."""

    clock: FakeTime
    tokenize_reason: str | None = None
    authorize_reason: str | None = None
    charge_reason: str | None = None
    fail_charges: list[str | None] = field(default_factory=list)
    down: set[str] = field(default_factory=set)
    hold_release: timedelta = timedelta(days=3)
    charges: list[tuple[str, Decimal, bool, str | None]] = field(default_factory=list)
    authorizations: list[tuple[str, Decimal, str, str | None]] = field(default_factory=list)
    holds: dict[str, datetime] = field(default_factory=dict)
    by_key: ChargesByKey = field(default_factory=ChargesByKey)

    def tokenize(self, card: CardDetails, *, idempotency_key: str) -> TokenizeResult:
        _unavailable(self.down, "tokenize")
        if self.tokenize_reason:
            return TokenizeResult(ok=False, reason=self.tokenize_reason)
        digits = digits_of(card.number) or ""
        fingerprint = hashlib.sha256(digits.encode()).hexdigest()[:16]
        token = CardToken(
            token=f"tok_{fingerprint}",
            brand=brand_of(digits) or "unknown",
            last4=digits[-4:],
            fingerprint=fingerprint,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            issuer_country="US",
        )
        return TokenizeResult(ok=True, card=token)

    def authorize(
        self,
        token: str,
        amount: Decimal,
        *,
        descriptor: str,
        idempotency_key: str,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult:
        _unavailable(self.down, "authorize")
        self.authorizations.append((token, amount, descriptor, threeds_transaction_id))
        if self.authorize_reason:
            return GatewayResult(ok=False, reason=self.authorize_reason)
        release_at = self.clock.now() + self.hold_release
        auth_id = f"auth_{len(self.authorizations)}"
        self.holds[auth_id] = release_at
        return GatewayResult(ok=True, id=auth_id, release_at=release_at)

    def void(self, authorization_id: str, *, idempotency_key: str) -> GatewayResult:
        raise AssertionError("card holds are never voided by the engine (CARD-5)")

    def hold(self, authorization_id: str) -> HoldStatus:
        _unavailable(self.down, "hold")
        release_at = self.holds[authorization_id]
        released = self.clock.now() >= release_at
        return HoldStatus(authorization_id, "released" if released else "held", release_at)

    def charge(
        self,
        token: str,
        amount: Decimal,
        *,
        idempotency_key: str,
        merchant_initiated: bool,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult:
        _unavailable(self.down, "charge")
        if idempotency_key in self.by_key.results:  # a replay: the first answer again
            return self.by_key.answer(idempotency_key, self.by_key.results[idempotency_key])
        reason = self.fail_charges.pop(0) if self.fail_charges else self.charge_reason
        self.charges.append((token, amount, merchant_initiated, threeds_transaction_id))
        result = (
            GatewayResult(ok=False, reason=reason)
            if reason
            else GatewayResult(ok=True, id=f"ch_{len(self.charges)}")
        )
        return self.by_key.answer(idempotency_key, result)

    def find_charge(self, idempotency_key: str) -> GatewayResult | None:
        return self.by_key.find(idempotency_key)


@dataclass
class FakeThreeDS:
    """`status` is the first answer; `final_status`/`final_reason` what a challenge ends with."""

    status: str = "Y"
    reason: str | None = None
    final_status: str = "Y"
    final_reason: str | None = None
    down: set[str] = field(default_factory=set)
    requests: list[tuple[Decimal, bool]] = field(default_factory=list)

    def authenticate(
        self,
        card_token: str,
        amount: Decimal,
        *,
        challenge_mandated: bool,
        return_url: str,
        idempotency_key: str,
    ) -> ThreeDSResult:
        _unavailable(self.down, "authenticate")
        self.requests.append((amount, challenge_mandated))
        transaction_id = f"3ds_{len(self.requests)}"
        acs_url = f"https://acs.test/{transaction_id}" if self.status == "C" else None
        return ThreeDSResult(transaction_id, self.status, acs_url, self.reason)  # type: ignore[arg-type]

    def result(self, transaction_id: str) -> ThreeDSResult:
        _unavailable(self.down, "result")
        return ThreeDSResult(transaction_id, self.final_status, None, self.final_reason)  # type: ignore[arg-type]


@dataclass
class FakePayPal:
    payer_id: str = "PAYER1"
    vault_reason: str | None = None
    authorize_reason: str | None = None
    charge_reason: str | None = None
    fail_charges: list[str | None] = field(default_factory=list)
    down: set[str] = field(default_factory=set)
    authorizations: list[Decimal] = field(default_factory=list)
    voids: list[str] = field(default_factory=list)
    charges: list[Decimal] = field(default_factory=list)
    by_key: ChargesByKey = field(default_factory=ChargesByKey)
    _setups: int = 0

    def create_setup_token(self, *, return_url: str, request_id: str) -> PayPalSetup:
        _unavailable(self.down, "create_setup_token")
        self._setups += 1
        return PayPalSetup(f"setup_{self._setups}", f"https://paypal.test/approve/{self._setups}")

    def create_payment_token(self, setup_token_id: str, *, request_id: str) -> PayPalVaultResult:
        _unavailable(self.down, "create_payment_token")
        if self.vault_reason:
            return PayPalVaultResult(ok=False, reason=self.vault_reason)
        return PayPalVaultResult(
            ok=True,
            payment_token_id=f"pt_{setup_token_id}",
            payer_id=self.payer_id,
            payer_email=f"{self.payer_id.lower()}@paypal.test",
        )

    def authorize(
        self, payment_token_id: str, amount: Decimal, *, request_id: str
    ) -> GatewayResult:
        _unavailable(self.down, "authorize")
        self.authorizations.append(amount)
        if self.authorize_reason:
            return GatewayResult(ok=False, reason=self.authorize_reason)
        return GatewayResult(ok=True, id=f"ppauth_{len(self.authorizations)}")

    def void(self, authorization_id: str, *, request_id: str) -> GatewayResult:
        self.voids.append(authorization_id)
        return GatewayResult(ok=True, id=authorization_id)

    def capture(self, authorization_id: str, amount: Decimal, *, request_id: str) -> GatewayResult:
        raise AssertionError("the engine never captures a verification authorization")

    def charge(self, payment_token_id: str, amount: Decimal, *, request_id: str) -> GatewayResult:
        _unavailable(self.down, "charge")
        if request_id in self.by_key.results:  # a replay: the first answer again
            return self.by_key.answer(request_id, self.by_key.results[request_id])
        reason = self.fail_charges.pop(0) if self.fail_charges else self.charge_reason
        self.charges.append(amount)
        result = (
            GatewayResult(ok=False, reason=reason)
            if reason
            else GatewayResult(ok=True, id=f"ppch_{len(self.charges)}")
        )
        return self.by_key.answer(request_id, result)

    def find_charge(self, request_id: str) -> GatewayResult | None:
        return self.by_key.find(request_id)
