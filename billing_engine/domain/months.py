"""Calendar arithmetic in UTC for billing months: month boundaries (AUTO-4), the month an hour of
usage belongs to, and same-day-of-month renewals (PLAN-1)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache

HOUR = timedelta(hours=1)
YearMonth = tuple[int, int]


def month_of(at: datetime) -> YearMonth:
    if at.tzinfo is not UTC:  # the simulated clock's instants are UTC already
        at = at.astimezone(UTC)
    return at.year, at.month


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def next_month(year: int, month: int) -> YearMonth:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> YearMonth:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month_start(at: datetime) -> datetime:
    """The first 00:00 UTC on a 1st strictly after `at`."""
    return _start_after(*month_of(at))


@lru_cache(maxsize=1024)
def _start_after(year: int, month: int) -> datetime:
    # every meter asks for its month's end each time it plans: a run spans few months
    return month_start(*next_month(year, month))


def months_in(first: YearMonth, last: YearMonth) -> Iterator[YearMonth]:
    current = first
    while current <= last:
        yield current
        current = next_month(*current)


def hours_by_month(end: datetime, hours: int) -> list[tuple[YearMonth, int]]:
    """The `hours` whole hours ending at `end`, counted per month of each hour's start (the last
    hour of a month, metered at 00:00 on the 1st, belongs to that month)."""
    start = end - hours * HOUR
    first = month_of(start)
    if hours and first == month_of(end - HOUR):
        return [(first, hours)]  # the usual case: the meter cuts its batches at month ends
    counts: list[tuple[YearMonth, int]] = []
    counted = 0
    while counted < hours:
        boundary = next_month_start(start + counted * HOUR)
        # hours i in [counted, hours) whose start lies before the boundary
        upto = min(hours, -(-(boundary - start) // HOUR))
        counts.append((month_of(start + counted * HOUR), upto - counted))
        counted = upto
    return counts


def add_months(anchor: datetime, months: int) -> datetime:
    """Same day-of-month and time `months` later; a day the month lacks becomes its last day."""
    total = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(total, 12)
    day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
    return anchor.replace(year=year, month=month + 1, day=day)
