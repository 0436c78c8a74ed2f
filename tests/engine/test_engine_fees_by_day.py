"""Run-wide PAYG fees per UTC day (the report's accrued line): exact (H-3), each hour counted on
the day it starts, however the hours were batched; Coding Plan charges are not fees (PLAN-1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from billing_engine.domain.accrual import DailyFees

from .conftest import World

F = Fraction
HOUR = timedelta(hours=1)
ORIGIN = datetime(2026, 1, 25, tzinfo=UTC)  # batches cross the end of January


def hour_by_hour(batches: list[tuple[datetime, int, Fraction]]) -> dict[date, Fraction]:
    """The naive reading: every hour of every batch added to the day it starts on."""
    days: dict[date, Fraction] = {}
    for end, hours, fee in batches:
        for back in range(1, hours + 1):
            day = (end - back * HOUR).date()
            days[day] = days.get(day, F(0)) + fee
    return {day: total for day, total in days.items() if total}


#: ends within twelve days, so that batches often share a start or an end
batch = st.tuples(
    st.integers(0, 24 * 12).map(lambda hours: ORIGIN + hours * HOUR),
    st.integers(0, 3599).map(lambda seconds: timedelta(seconds=seconds)),
    st.integers(0, 24 * 10),
    st.fractions(min_value=0, max_value=50, max_denominator=744 * 100),
)


@given(st.lists(batch, max_size=30))
def test_h3_daily_fees_equal_hour_by_hour_accrual(drawn) -> None:
    """H-3: batches at any instant, of any length (across midnights and month ends), give each
    day exactly the fees of the hours that start on it."""
    batches = [(at + phase, hours, fee) for at, phase, hours, fee in drawn]
    fees = DailyFees()
    for end, hours, fee in batches:
        fees.add(end, hours, fee)
    assert fees.by_day() == hour_by_hour(batches)


def test_the_last_hour_before_midnight_belongs_to_its_own_day() -> None:
    """An hour metered at 00:00 counts on the day before, as the last hour of a month counts in
    that month; a batch from 22:30 to 01:30 splits two hours and one."""
    fees = DailyFees()
    fees.add(datetime(2026, 2, 1, tzinfo=UTC), 1, F(3))
    fees.add(datetime(2026, 2, 2, 1, 30, tzinfo=UTC), 3, F(1, 3))
    assert fees.by_day() == {
        date(2026, 1, 31): F(3),
        date(2026, 2, 1): F(2, 3),
        date(2026, 2, 2): F(1, 3),
    }


def test_h3_fees_by_day_add_up_to_every_accounts_fees(world: World) -> None:
    """H-3: the days' fees together are the ledgers' fees to the last fraction of a cent, tax
    included, Coding Plan charges and hours not metered left out; January's days are January's
    PAYG spend (OV-4)."""
    world.open("acme", tax_rate="0.19")
    world.link_card("acme")
    world.engine.buy_plan("acme", "lite", 0)  # PLAN-1: a charge, not a fee
    world.open("bistro")
    for account in ("acme", "bistro"):
        world.engine.activate_product(account, "qwen-max")
    world.time.advance_to(datetime(2026, 1, 31, 13, 30, tzinfo=UTC), run_due=False)
    world.engine.record_usage("acme", "qwen-max", hours=45, pretax_per_hour="0.0371")
    world.engine.record_usage("bistro", "qwen-max", hours=20, pretax_per_hour=F(100, 744))
    world.time.advance_to(datetime(2026, 2, 1, 2, 30, tzinfo=UTC))
    world.engine.record_usage("acme", "qwen-max", hours=13, pretax_per_hour="900")  # threshold
    world.engine.deactivate("bistro")
    world.engine.record_usage("bistro", "qwen-max", hours=13, pretax_per_hour="5")  # not metered
    world.time.advance(days=3)
    by_day = world.engine.fees_by_day()
    ledgers = [world.engine.account(a).ledger for a in ("acme", "bistro")]
    assert sum(by_day.values()) == sum(ledger.fees for ledger in ledgers)
    assert world.engine.ledger().plan_paid > 0
    january = sum(total for day, total in by_day.items() if day.month == 1)
    payg = [world.engine.total_spend(a, 2026, 1, mode="payg").total for a in ("acme", "bistro")]
    assert january == sum(payg)
    taxed, untaxed, heavy = F("0.0371") * F("1.19"), F(100, 744), 900 * F("1.19")
    assert by_day == {
        date(2026, 1, 29): 8 * taxed,  # the 45 hours to 31 Jan 13:30 start on 29 Jan 16:30
        date(2026, 1, 30): 24 * taxed + 7 * untaxed,
        date(2026, 1, 31): 13 * taxed + 13 * untaxed + 11 * heavy,
        date(2026, 2, 1): 2 * heavy,
    }
