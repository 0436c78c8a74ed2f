"""Coding Plan subscriptions (PLAN-1, OV-4): bought at once, renewed monthly on the same
day-of-month from the default method; never PAYG fees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Literal

from billing_engine.domain.months import add_months
from billing_engine.money import Cents


def split_tax_inclusive(price: Cents, tax_rate: Fraction) -> tuple[Fraction, Fraction]:
    """A plan price includes tax: (pretax, tax) exactly, for OV-1."""
    pretax = price.fraction / (1 + tax_rate)
    return pretax, price.fraction - pretax


@dataclass
class Subscription:
    plan: str
    price: Cents
    started_at: datetime
    renewals: int = 0
    status: Literal["active", "lapsed"] = "active"

    @property
    def next_renewal(self) -> datetime:
        return add_months(self.started_at, self.renewals + 1)


@dataclass
class PlanOrder:
    """A purchase (PLAN-1), possibly waiting for the customer at a 3DS challenge (3DS-1/2)."""

    plan: str
    price: Cents
    method_id: int
    key: str
    #: unknown: the charge went unanswered and waits to be reconciled
    status: Literal["pending", "unknown", "purchased", "refused"] = "pending"
    reason: str | None = None
    threeds_transaction_id: str | None = None
    acs_url: str | None = None
