"""The world's calendar, in UTC: business days per country as the card issuers count them
(mock_gateways.card.calendar) and the month arithmetic the engine bills by
(billing_engine.domain.months), with the checks a scenario author's input needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from billing_engine.domain import months
from mock_gateways.card import calendar as issuer_calendar


def _day(day: date | datetime) -> date:
    return day.astimezone(UTC).date() if isinstance(day, datetime) else day


def is_business_day(day: date | datetime, country: str) -> bool:
    """Monday to Friday and not a public holiday of `country` (ISO 3166 alpha-2)."""
    return issuer_calendar.is_business_day(_day(day), country.upper())


def add_business_days(day: date | datetime, n: int, country: str) -> date:
    """The date `n` business days after `day` (`day` itself does not count; n=0 gives `day`)."""
    if n < 0:
        raise ValueError(f"add_business_days: n must be >= 0, got {n}")
    midnight = datetime.combine(_day(day), time(), UTC)
    return issuer_calendar.add_business_days(midnight, n, country.upper()).date()


def _require_utc(dt: datetime, name: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name}: expected a timezone-aware UTC datetime, got naive {dt}")
    return dt.astimezone(UTC)


def month_start(dt: datetime) -> datetime:
    """00:00 UTC on the 1st of `dt`'s month."""
    return months.month_start(*months.month_of(_require_utc(dt, "month_start")))


def add_months(dt: datetime, n: int) -> datetime:
    """`dt` moved by `n` calendar months, the day clamped to the target month's length
    (31 January + 1 month = 28 or 29 February); time of day kept."""
    return months.add_months(_require_utc(dt, "add_months"), n)


def month_starts_between(start: datetime, end: datetime) -> list[datetime]:
    """Every month end (00:00 UTC on a 1st, AUTO-4) in the half-open span (start, end]: the
    month ends a run from `start` to `end` reaches. A run starting exactly on a 1st does not
    close the month before it."""
    boundary = months.next_month_start(_require_utc(start, "month_starts_between start"))
    end = _require_utc(end, "month_starts_between end")
    boundaries = []
    while boundary <= end:
        boundaries.append(boundary)
        boundary = months.next_month_start(boundary)
    return boundaries


def hours_in_month(dt: datetime) -> int:
    """How many hours the month containing `dt` has (672 to 744): a `monthly` usage amount is
    spread over them."""
    first = month_start(dt)
    return int((months.next_month_start(first) - first) / timedelta(hours=1))
