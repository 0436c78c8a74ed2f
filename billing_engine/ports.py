"""The engine's ports: what it needs from time, timers, event output and the payment gateways.
Adapters in `billing_engine.adapters` implement the gateway ports over httpx or in process.

Gateway amounts are two-place `Decimal`s (always whole cents); gateway outcomes are reason codes
from DESIGN.md, never exceptions, except `GatewayUnavailable` when no answer could be had."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from billing_engine.events import Event


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class Scheduler(Protocol):
    def call_at(
        self, when: datetime, fn: Callable[[], None], *, account: str | None = None
    ) -> None:
        """Run `fn` at `when`. Timers due at the same instant run in the order they were set,
        and after any usage recorded for that instant. `account` names the account whose state
        the timer reads or changes (None: several, like month end), so a caller that meters
        usage lazily can bring that account's usage up to date before the timer runs."""
        ...


class EventSink(Protocol):
    def emit(self, event: Event) -> None: ...


class GatewayUnavailable(Exception):
    """The gateway gave no usable answer after the adapter's retries, and none of the attempts
    can have been carried out (503 before acting, no connection): nothing was done."""


class OutcomeUnknown(GatewayUnavailable):
    """No usable answer after the retries, and an attempt may have been carried out (a lost
    response, a timeout, a reset): the outcome is unknown until the request is looked up."""


# --- card processor -----------------------------------------------------------------------


@dataclass(frozen=True)
class CardDetails:
    """What the customer types. Its repr never shows the number or the CVV (H-4)."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int  # four digits
    cvv: str = field(repr=False)
    name: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class CardToken:
    """A tokenized card: everything the engine keeps. No number, no CVV."""

    token: str
    brand: str  # visa | mastercard | amex | discover | jcb | unionpay | diners
    last4: str
    fingerprint: str  # stable per card number, for LINK-1
    exp_month: int
    exp_year: int
    issuer_country: str  # ISO 3166 alpha-2


@dataclass(frozen=True)
class TokenizeResult:
    ok: bool
    card: CardToken | None = None
    reason: str | None = None  # invalid_number | unsupported_brand | invalid_cvv | expired ...


@dataclass(frozen=True)
class GatewayResult:
    """Outcome of authorize, void, capture or charge."""

    ok: bool
    id: str | None = None
    reason: str | None = None  # insufficient_funds | declined | online_disabled | ...
    #: for an authorization: when the issuer will release the hold if it is not captured
    release_at: datetime | None = None
    #: no answer came and the request may have been carried out (`OutcomeUnknown`)
    unknown: bool = False


#: what a look-up by idempotency key says of a payment: its result, or None when the gateway
#: never carried out a request with that key
PaymentFound = GatewayResult | None


@dataclass(frozen=True)
class HoldStatus:
    id: str
    status: Literal["held", "released", "voided", "captured"]
    released_at: datetime | None = None


class CardGateway(Protocol):
    def tokenize(self, card: CardDetails, *, idempotency_key: str) -> TokenizeResult: ...

    def authorize(
        self,
        token: str,
        amount: Decimal,
        *,
        descriptor: str,
        idempotency_key: str,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult:
        """A hold. `release_at` on the result says when the issuer lets it go."""
        ...

    def void(self, authorization_id: str, *, idempotency_key: str) -> GatewayResult: ...

    def hold(self, authorization_id: str) -> HoldStatus: ...

    def charge(
        self,
        token: str,
        amount: Decimal,
        *,
        idempotency_key: str,
        merchant_initiated: bool,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult: ...

    def find_charge(self, idempotency_key: str) -> PaymentFound:
        """The result of the charge made with this key, None if none was made; raises
        GatewayUnavailable when the gateway cannot say."""
        ...


# --- 3D Secure server ---------------------------------------------------------------------

TransStatus = Literal["Y", "A", "N", "U", "R", "C"]


@dataclass(frozen=True)
class ThreeDSResult:
    transaction_id: str
    trans_status: TransStatus
    #: for `C`: where the customer completes the challenge
    acs_url: str | None = None
    #: why, for N/U/R: not_enrolled | wrong_code | cancelled | timed_out | risk
    reason: str | None = None


class ThreeDSGateway(Protocol):
    def authenticate(
        self,
        card_token: str,
        amount: Decimal,
        *,
        challenge_mandated: bool,
        return_url: str,
        idempotency_key: str,
    ) -> ThreeDSResult: ...

    def result(self, transaction_id: str) -> ThreeDSResult:
        """The final status after a challenge: C while still open (not yet timed out)."""
        ...


# --- PayPal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayPalSetup:
    setup_token_id: str
    approve_url: str


@dataclass(frozen=True)
class PayPalVaultResult:
    ok: bool
    payment_token_id: str | None = None
    payer_id: str | None = None
    payer_email: str | None = None
    reason: str | None = None  # paypal_agreement_not_approved | paypal_no_funding_source


class PayPalGateway(Protocol):
    def create_setup_token(self, *, return_url: str, request_id: str) -> PayPalSetup: ...

    def create_payment_token(self, setup_token_id: str, *, request_id: str) -> PayPalVaultResult:
        """After the customer was at the approve page: the vaulted agreement, or why not."""
        ...

    def authorize(
        self, payment_token_id: str, amount: Decimal, *, request_id: str
    ) -> GatewayResult:
        """An order with intent AUTHORIZE on the vaulted token."""
        ...

    def void(self, authorization_id: str, *, request_id: str) -> GatewayResult: ...

    def capture(
        self, authorization_id: str, amount: Decimal, *, request_id: str
    ) -> GatewayResult: ...

    def charge(self, payment_token_id: str, amount: Decimal, *, request_id: str) -> GatewayResult:
        """Authorize and capture in one step (how deductions are taken)."""
        ...

    def find_charge(self, request_id: str) -> PaymentFound:
        """The result of the charge made with this PayPal-Request-Id, None if none was made;
        raises GatewayUnavailable when PayPal cannot say."""
        ...
