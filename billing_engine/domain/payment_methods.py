"""Payment methods an account links: bank cards (CARD-*) and PayPal agreements (PAYPAL-*), with
their status and the PAYG threshold each implies as default method (AUTO-2, AUTO-3)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from billing_engine.policy import Policy

MethodStatus = Literal["pending", "active", "rejected", "unlinked"]


@dataclass
class CardMethod:
    id: int
    brand: str | None
    last4: str
    status: MethodStatus = "pending"
    token: str | None = None
    fingerprint: str | None = None
    exp_month: int = 0
    exp_year: int = 0
    reason: str | None = None
    #: the open 3DS challenge while status is pending
    threeds_transaction_id: str | None = None
    acs_url: str | None = None
    kind: Literal["card"] = "card"

    @property
    def registry_key(self) -> str | None:
        return f"card:{self.fingerprint}" if self.fingerprint else None

    def threshold(self, policy: Policy) -> Fraction:
        return policy.card_threshold

    def describe(self) -> dict[str, object]:
        return {"kind": "card", "brand": self.brand, "last4": self.last4}


@dataclass
class PayPalMethod:
    id: int
    threshold_amount: Fraction
    status: MethodStatus = "pending"
    setup_token_id: str | None = None
    approve_url: str | None = None
    payment_token_id: str | None = None
    payer_id: str | None = None
    payer_email: str | None = None
    agreement: Literal["pending", "approved", "not_approved"] = "pending"
    reason: str | None = None
    kind: Literal["paypal"] = "paypal"

    @property
    def registry_key(self) -> str | None:
        return f"paypal:{self.payer_id}" if self.payer_id else None

    def threshold(self, policy: Policy) -> Fraction:
        return self.threshold_amount

    def describe(self) -> dict[str, object]:
        return {"kind": "paypal", "payer": self.payer_email or self.payer_id}


PaymentMethod = CardMethod | PayPalMethod
