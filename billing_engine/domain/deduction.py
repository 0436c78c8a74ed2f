"""The record of an automatic deduction (AUTO-1..8): one charge of every payable fee, taken from
the prepaid balance first (PAY-3), whose status is known a settlement delay after it was made
(PAY-5). `use_cases.deductions` makes and settles them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from billing_engine.domain.months import YearMonth
from billing_engine.money import NO_CENTS, Cents

Trigger = Literal["threshold", "month_end"]
PaymentStatus = Literal["pending", "unknown", "succeeded", "failed"]


@dataclass
class Deduction:
    id: str
    trigger: Trigger
    amount: Cents
    from_balance: Cents
    charged: Cents
    method_id: int | None
    initiated_at: datetime
    #: the part that a failed deduction had left unpaid (AUTO-6, AUTO-7)
    from_billed: Cents = NO_CENTS
    #: for a month-end deduction: the month it closes
    month: YearMonth | None = None
    status: PaymentStatus = "pending"
    #: the gateway's verdict, known at once and revealed at settlement
    outcome_reason: str | None = None
    #: the gateway never answered: at settlement the deduction waits to be reconciled
    outcome_unknown: bool = False
    reason: str | None = None
