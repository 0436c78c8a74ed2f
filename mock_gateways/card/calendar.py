"""Business days of an issuer's country: weekends and that country's public holidays (from the
`holidays` package) are skipped; a country the package does not know has weekends only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(country: str) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return None


def is_business_day(day: date, country: str) -> bool:
    if day.weekday() >= 5:
        return False
    calendar = _holidays(country)
    return calendar is None or day not in calendar


def add_business_days(start: datetime, days: int, country: str) -> datetime:
    """The same UTC time of day on the `days`-th business day after `start`'s date."""
    start = start.astimezone(UTC)
    day = start.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day, country):
            remaining -= 1
    return datetime.combine(day, start.timetz())
