"""A scenario's usage as the driver protocol declares it: rates over windows. An entry's rate is
fixed within a month (a `monthly` amount is spread over that month's hours), so each entry
becomes one window per month it runs in, clipped to the run's span."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from simulator.metering import Usage, floor_hour


@dataclass(frozen=True)
class Window:
    product: str
    hourly_fee: Fraction
    start: datetime
    until: datetime


def next_month(at: datetime) -> datetime:
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def usage_windows(entries: Iterable[Usage], start: datetime, end: datetime) -> Iterator[Window]:
    """Each entry's windows in entry order (the order the engine first sees its products)."""
    for entry in entries:
        since = entry.from_ or start
        until = min(entry.until or end, end)
        while since < until:
            stop = min(until, next_month(since))
            fee = entry.pretax_per_hour(floor_hour(since))
            if fee:
                yield Window(entry.product, fee, since, stop)
            since = stop
