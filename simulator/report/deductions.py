"""Deductions as the log tells them in two events (initiated, then succeeded or failed): paired
by id, each with its trigger, amount, outcome and the billing month it settles (AUTO-2, AUTO-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from simulator.report.inputs import Event, month_of

OUTCOMES = ("succeeded", "failed")
#: a deduction whose outcome the log does not reach (the run ended while it was in flight)
PENDING = "pending"


@dataclass(slots=True)  # a large run has hundreds of thousands
class Deduction:
    account: str
    deduction: str
    trigger: str  # threshold | month_end
    amount: Decimal
    initiated: datetime
    outcome: str = PENDING  # succeeded | failed | pending
    reason: str | None = None
    settled: datetime | None = None

    @property
    def month(self) -> str:
        """The month whose fees it collects. A month-end deduction runs on the 1st (or minutes
        later, after one in flight settles) for the month before; a threshold deduction starts
        when an hour's fee is recorded, at that hour's end, so 00:00 on the 1st still belongs
        to the month before."""
        if self.trigger == "month_end":
            return month_of(self.initiated - timedelta(days=1))
        return month_of(self.initiated - timedelta(seconds=1))


class DeductionBook:
    """Feed it every event; it keeps each account's deductions in order of initiation."""

    def __init__(self) -> None:
        self.deductions: list[Deduction] = []
        self._open: dict[tuple[str | None, object], Deduction] = {}

    def add(self, event: Event) -> Deduction | None:
        """The deduction this event started or settled, None for any other event."""
        if event.type == "deduction.initiated":
            fields = event.fields
            started = Deduction(  # by position: quicker than keywords, and in field order
                event.account or "",
                str(fields.get("deduction")),
                str(fields.get("trigger")),
                event.amount(),
                event.at,
            )
            self._open[(event.account, fields.get("deduction"))] = started
            self.deductions.append(started)
            return started
        if event.type in ("deduction.succeeded", "deduction.failed", "deduction.reconciled"):
            settled = self._open.pop((event.account, event.fields.get("deduction")), None)
            if settled is None:  # an outcome without its start: record it as it stands
                settled = Deduction(
                    account=event.account or "",
                    deduction=str(event.fields.get("deduction")),
                    trigger="unknown",
                    amount=event.amount(),
                    initiated=event.at,
                )
                self.deductions.append(settled)
            settled.outcome = event.fields.get("outcome") or event.type.split(".", 1)[1]
            settled.reason = event.fields.get("reason")
            settled.settled = event.at
            return settled
        return None
