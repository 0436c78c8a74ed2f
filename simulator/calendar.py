"""Business days per country (weekends and public holidays from the `holidays` package) and the
month arithmetic the world and the scenario schema share. All datetimes are tz-aware UTC."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _holidays_of(country: str) -> holidays.HolidayBase | None:
    """The country's public holidays (years expand lazily), or None when the package does not
    know the country: then only weekends are non-business days."""
    try:
        return holidays.country_holidays(country.upper())
    except NotImplementedError:
        return None


def is_business_day(day: date | datetime, country: str) -> bool:
    """Monday to Friday and not a public holiday of `country` (ISO 3166 alpha-2)."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date()
    if day.weekday() >= 5:
        return False
    public = _holidays_of(country)
    return public is None or day not in public


def add_business_days(day: date | datetime, n: int, country: str) -> date:
    """The date `n` business days after `day` (`day` itself does not count; n=0 gives `day`)."""
    if n < 0:
        raise ValueError(f"add_business_days: n must be >= 0, got {n}")
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date()
    while n > 0:
        day += timedelta(days=1)
        if is_business_day(day, country):
            n -= 1
    return day


def _require_utc(dt: datetime, name: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name}: expected a timezone-aware UTC datetime, got naive {dt}")
    return dt.astimezone(UTC)


def month_start(dt: datetime) -> datetime:
    """00:00 UTC on the 1st of `dt`'s month."""
    dt = _require_utc(dt, "month_start")
    return dt.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def add_months(dt: datetime, n: int) -> datetime:
    """`dt` moved by `n` calendar months, the day clamped to the target month's length
    (31 January + 1 month = 28 or 29 February); time of day kept."""
    dt = _require_utc(dt, "add_months")
    index = dt.year * 12 + (dt.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return dt.replace(year=year, month=month, day=min(dt.day, last_day))


def month_starts_between(start: datetime, end: datetime) -> list[datetime]:
    """Every month end (00:00 UTC on a 1st, AUTO-4) in the half-open span (start, end]: the
    month ends a run from `start` to `end` reaches. A run starting exactly on a 1st does not
    close the month before it."""
    start = _require_utc(start, "month_starts_between start")
    end = _require_utc(end, "month_starts_between end")
    boundaries = []
    boundary = add_months(month_start(start), 1)
    while boundary <= end:
        boundaries.append(boundary)
        boundary = add_months(boundary, 1)
    return boundaries


def hours_in_month(dt: datetime) -> int:
    """How many hours the month containing `dt` has (672 to 744): a `monthly` usage amount is
    spread over them."""
    first = month_start(dt)
    return int((add_months(first, 1) - first) / timedelta(hours=1))
