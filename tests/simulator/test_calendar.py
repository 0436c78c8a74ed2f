"""Business calendar (CARD-5 business days: weekends and the country's public holidays) and the
month arithmetic of AUTO-4 month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.calendar import (
    add_business_days,
    add_months,
    hours_in_month,
    is_business_day,
    month_start,
    month_starts_between,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekend_is_not_a_business_day_card5():
    assert is_business_day(date(2026, 1, 9), "US")  # Friday
    assert not is_business_day(date(2026, 1, 10), "US")  # Saturday
    assert not is_business_day(date(2026, 1, 11), "DE")  # Sunday


def test_public_holidays_depend_on_country_card5():
    """CARD-5: the issuer country's public holidays are not business days."""
    assert not is_business_day(date(2026, 7, 3), "US")  # Independence Day observed (Friday)
    assert is_business_day(date(2026, 7, 3), "DE")
    assert not is_business_day(date(2026, 12, 25), "MY")


def test_unknown_country_counts_weekends_only():
    assert is_business_day(date(2026, 12, 25), "ZZ")
    assert not is_business_day(date(2026, 12, 26), "ZZ")


def test_add_business_days_skips_weekend_card5():
    """CARD-5: a Friday hold released 1 business day later is released on Monday."""
    assert add_business_days(date(2026, 1, 9), 1, "US") == date(2026, 1, 12)
    assert add_business_days(date(2026, 1, 9), 0, "US") == date(2026, 1, 9)
    assert add_business_days(utc(2026, 1, 5, 15), 5, "US") == date(2026, 1, 12)


def test_add_business_days_skips_public_holiday_card5():
    """CARD-5: a link the day before a public holiday: 1 business day skips the holiday."""
    # 2026-12-24 Thursday; 25th Christmas (holiday) -> next business day is Monday the 28th
    assert add_business_days(date(2026, 12, 24), 1, "US") == date(2026, 12, 28)
    # in Germany the 26th is a holiday too but a Saturday anyway
    assert add_business_days(date(2026, 12, 24), 1, "DE") == date(2026, 12, 28)
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_business_days(date(2026, 1, 1), -1, "US")


def test_add_months_clamps_day_and_crosses_years():
    assert add_months(utc(2026, 1, 31, 12), 1) == utc(2026, 2, 28, 12)
    assert add_months(utc(2028, 1, 31), 1) == utc(2028, 2, 29)
    assert add_months(utc(2026, 11, 15), 3) == utc(2027, 2, 15)
    assert add_months(utc(2026, 1, 1), -1) == utc(2025, 12, 1)


def test_month_starts_between_is_start_exclusive_end_inclusive_auto4():
    """AUTO-4: a run over January closes January at 1 Feb 00:00 UTC, not December at its start."""
    assert month_starts_between(utc(2026, 1, 1), utc(2026, 2, 1)) == [utc(2026, 2, 1)]
    assert month_starts_between(utc(2026, 1, 15), utc(2026, 2, 15)) == [utc(2026, 2, 1)]
    year = month_starts_between(utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(year) == 12 and year[-1] == utc(2027, 1, 1)
    assert month_starts_between(utc(2026, 1, 2), utc(2026, 1, 31)) == []


def test_month_helpers_refuse_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        month_start(datetime(2026, 1, 5))


def test_hours_in_month():
    assert hours_in_month(utc(2026, 1, 15)) == 744
    assert hours_in_month(utc(2026, 2, 1)) == 672
    assert hours_in_month(utc(2028, 2, 29, 23)) == 696


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=10),
    country=st.sampled_from(["US", "DE", "MY", "GB"]),
)
def test_add_business_days_counts_exactly_n_business_days_card5(day, n, country):
    """CARD-5: n business days later lands on a business day with exactly n in between."""
    later = add_business_days(day, n, country)
    assert is_business_day(later, country)
    between = [day + timedelta(days=k) for k in range(1, (later - day).days + 1)]
    assert sum(is_business_day(d, country) for d in between) == n


@settings(max_examples=60, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)),
    n=st.integers(min_value=-36, max_value=36),
)
def test_add_months_round_trips_below_day_29(moment, n):
    moment = moment.replace(day=min(moment.day, 28), tzinfo=UTC)
    assert add_months(add_months(moment, n), -n) == moment
    assert add_months(moment, n).day == moment.day
