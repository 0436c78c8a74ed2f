"""A charge whose answer was lost (domain): its key, what it was for, the amount it may have
taken, and when it is looked up next (5 minutes, 1 hour and 1 day after, then daily)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from billing_engine.money import Cents

#: when an unknown payment is looked up, counted from when it became unknown; then daily
LOOK_AFTER = (timedelta(minutes=5), timedelta(hours=1), timedelta(days=1))
LOOK_EVERY = timedelta(days=1)


Purpose = Literal["deduction", "repayment", "plan"]


@dataclass
class UnknownPayment:
    """A charge whose answer was lost: what it was for, its key, the amount sent."""

    key: str
    account: str
    purpose: Purpose
    method_id: int
    charged: Cents
    since: datetime
    looks: int = 0

    def next_look(self) -> datetime:
        if self.looks < len(LOOK_AFTER):
            return self.since + LOOK_AFTER[self.looks]
        return self.since + LOOK_AFTER[-1] + LOOK_EVERY * (self.looks - len(LOOK_AFTER) + 1)
