"""Run-wide PAYG fees per UTC day, exact: each batch of metered hours changes the run's hourly fee
rate at two instants, and a sweep over those changes splits the rate's stretches at midnights."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from itertools import pairwise

from billing_engine.money import ZERO, RunningSum

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class DailyFees:
    """Fees by the UTC day of each hour's start (as months.hours_by_month counts months). A
    batch costs two dict updates; memory grows with the run's hours, never with its accounts."""

    def __init__(self) -> None:
        #: whole UTC hour -> the change of the run's fee per hour from that hour on, summed over
        #: a common denominator (Fraction additions, normalised each time, were most of a
        #: batch's cost)
        self._changes: dict[datetime, RunningSum] = {}

    def add(self, end: datetime, hours: int, fee_per_hour: Fraction) -> None:
        """`hours` whole hours ending at `end`, each costing `fee_per_hour` (tax included)."""
        if not hours or not fee_per_hour:
            return
        if end.tzinfo is not UTC:
            end = end.astimezone(UTC)
        if end.minute or end.second or end.microsecond:
            # every hour of the batch keeps its day when moved back to its whole hour, and
            # whole hours keep the change points few: one per hour of the run at most
            end = end.replace(minute=0, second=0, microsecond=0)
        self._change(end - hours * HOUR, fee_per_hour)
        self._change(end, -fee_per_hour)

    def _change(self, at: datetime, amount: Fraction) -> None:
        entry = self._changes.get(at)
        if entry is None:
            entry = self._changes[at] = RunningSum()
        entry.add(amount)

    def by_day(self) -> dict[date, Fraction]:
        """Each UTC day with fees, in order, with their exact sum."""
        days: dict[date, Fraction] = {}
        rate = ZERO
        for at, until in pairwise(sorted(self._changes)):
            rate += self._changes[at].value
            while rate and at < until:
                stop = min(until, datetime.combine(at.date() + DAY, time(), UTC))
                day = at.date()
                days[day] = days.get(day, ZERO) + rate * ((stop - at) // HOUR)
                at = stop
        return days
