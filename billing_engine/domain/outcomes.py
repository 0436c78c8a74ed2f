"""What the engine's use cases return to their caller (the simulator, step definitions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from billing_engine.money import Cents


@dataclass(frozen=True)
class LinkOutcome:
    status: Literal["linked", "rejected", "challenge", "approval"]
    method_id: int
    kind: Literal["card", "paypal"]
    reason: str | None = None
    #: for "challenge": where the customer completes 3D Secure
    acs_url: str | None = None
    threeds_transaction_id: str | None = None
    #: for "approval": the PayPal page where the customer approves the agreement
    approve_url: str | None = None


@dataclass(frozen=True)
class ActivationOutcome:
    product: str
    status: Literal["activated", "refused"]
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "activated"


@dataclass(frozen=True)
class RepaymentOutcome:
    repayment_id: str
    #: challenge: the card's bank asks 3D Secure first; refused: it failed or was abandoned
    status: Literal["pending", "challenge", "refused"]
    amount: Cents
    from_balance: Cents
    charged: Cents
    method_id: int | None
    reason: str | None = None
    #: for "challenge": where the customer completes 3D Secure
    acs_url: str | None = None


@dataclass(frozen=True)
class PlanOutcome:
    plan: str
    status: Literal["purchased", "refused", "challenge", "unknown"]
    amount: Cents
    reason: str | None = None
    #: for "challenge": where the customer completes 3D Secure for the order
    acs_url: str | None = None
    threeds_transaction_id: str | None = None
