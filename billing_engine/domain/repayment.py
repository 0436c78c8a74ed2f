"""The record of a manual repayment (PAY-1..5): the amount the customer chose, the part taken
from the balance and the part charged to a method, where it came from, and its status until
it settles; and a card repayment waiting at its 3D Secure challenge. `use_cases.repayments`
makes and settles them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from billing_engine.money import Cents


@dataclass
class Repayment:
    id: str
    amount: Cents
    from_balance: Cents
    charged: Cents
    method_id: int | None
    submitted_at: datetime
    #: where the amount was taken from, so a failure puts it back exactly
    from_billed: Cents
    from_undeducted: Cents
    status: Literal["pending", "unknown", "paid", "failed"] = "pending"
    outcome_reason: str | None = None
    #: the gateway never answered: at settlement the repayment waits to be reconciled
    outcome_unknown: bool = False
    reason: str | None = None


@dataclass
class RepaymentChallenge:
    """A card repayment waiting for the customer at the bank's 3D Secure page (3DS-1/2):
    nothing is reserved or charged until they pass it."""

    id: str
    amount: Cents
    method_id: int
    transaction_id: str
    acs_url: str | None
    #: None while the customer is at the page; then how it ended
    outcome: str | None = None
