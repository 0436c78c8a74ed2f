"""The mock PayPal's domain objects and PayPal's documented lifetimes; time-dependent states
(expired setup tokens, authorizations, access tokens) are derived from the time asked about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

SETUP_TOKEN_TTL = timedelta(days=3)
AUTHORIZATION_TTL = timedelta(days=29)
HONOR_PERIOD = timedelta(days=3)
ACCESS_TOKEN_TTL = timedelta(seconds=32400)

Decline = Literal["none", "charges", "all"]
DECLINES: tuple[str, ...] = ("none", "charges", "all")
Intent = Literal["AUTHORIZE", "CAPTURE"]
#: what the buyer last did at the approval page
BuyerAction = Literal["approved", "cancelled", "no_funding_source"]


@dataclass
class Buyer:
    """A PayPal account a simulated customer logs in with."""

    email: str
    payer_id: str
    given_name: str
    surname: str
    #: PAYPAL-2: without a bank account or card the buyer cannot complete an agreement
    funding_source: bool = True
    #: "charges": authorizations pass but payments taken at once (intent CAPTURE) are declined;
    #: "all": both are declined
    decline: Decline = "none"


@dataclass
class SetupToken:
    id: str
    customer_id: str
    merchant_customer_id: str | None
    created_at: datetime
    return_url: str
    cancel_url: str | None
    brand_name: str | None
    description: str | None
    usage_type: str
    usage_pattern: str | None
    customer_type: str
    permit_multiple_payment_tokens: bool
    status: Literal["PAYER_ACTION_REQUIRED", "APPROVED", "VAULTED"] = "PAYER_ACTION_REQUIRED"
    buyer_email: str | None = None
    last_action: BuyerAction | None = None
    payment_token_id: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.status != "VAULTED" and now >= self.created_at + SETUP_TOKEN_TTL


@dataclass
class PaymentToken:
    id: str
    setup_token: SetupToken
    buyer_email: str
    created_at: datetime


@dataclass
class Authorization:
    id: str
    order_id: str
    amount: Decimal
    created_at: datetime
    updated_at: datetime
    state: Literal["CREATED", "PARTIALLY_CAPTURED", "CAPTURED", "VOIDED"] = "CREATED"
    captured: Decimal = Decimal("0.00")
    capture_ids: tuple[str, ...] = ()

    @property
    def expiration_time(self) -> datetime:
        return self.created_at + AUTHORIZATION_TTL

    def status(self, now: datetime) -> str:
        """PayPal's status, with EXPIRED derived from the clock."""
        if self.state in ("CREATED", "PARTIALLY_CAPTURED") and now >= self.expiration_time:
            return "EXPIRED"
        return self.state


@dataclass
class Capture:
    id: str
    order_id: str
    authorization_id: str | None
    amount: Decimal
    final_capture: bool
    created_at: datetime
    invoice_id: str | None = None
    status: str = "COMPLETED"


@dataclass
class Order:
    id: str
    intent: Intent
    amount: Decimal
    reference_id: str
    description: str | None
    custom_id: str | None
    invoice_id: str | None
    soft_descriptor: str | None
    created_at: datetime
    updated_at: datetime
    status: Literal["CREATED", "COMPLETED"] = "CREATED"
    payment_token_id: str | None = None
    #: tuples, not lists: a run keeps every order, and a tuple of strings drops out of the
    #: cyclic collector's scans where a list would stay in them
    authorization_ids: tuple[str, ...] = ()
    capture_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessToken:
    token: str
    client_id: str
    app_id: str
    expires_at: datetime


ApprovalResult = Literal[
    "APPROVED",
    "CANCELLED",
    "NO_FUNDING_SOURCE",
    "UNKNOWN_BUYER",
    "ALREADY_COMPLETED",
    "EXPIRED_OR_UNKNOWN",
]


@dataclass(frozen=True)
class ApprovalOutcome:
    """What the approval page did for the buyer. `result` is the stable code; `redirect_url` is
    where a browser goes next (the merchant's return or cancel URL) when it leaves the page."""

    setup_token_id: str
    result: ApprovalResult
    message: str
    redirect_url: str | None = None

    @property
    def ok(self) -> bool:
        return self.result == "APPROVED"

    def to_json(self) -> dict[str, str | None]:
        return {
            "approval_session_id": self.setup_token_id,
            "result": self.result,
            "message": self.message,
            "redirect_url": self.redirect_url,
        }


def email_key(email: str) -> str:
    """PayPal logins are case-insensitive."""
    return email.strip().lower()
