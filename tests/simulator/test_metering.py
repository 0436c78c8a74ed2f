"""The meter's batches give exactly what hour-by-hour metering gives (issue 4), and the clock
runs engine timers after the usage of the same instant (AUTO-4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_engine.domain.accrual import DailyFees
from simulator.clock import SimClock
from simulator.customers import customer_usage
from simulator.metering import HOUR, Meter, UsagePlan
from simulator.scenario import UsageEntry

START = datetime(2026, 1, 30, 0, tzinfo=UTC)


class ThresholdLedger:
    """A stand-in engine: a pool that resets when it reaches the threshold, noting when."""

    def __init__(self, clock: SimClock, threshold: Fraction) -> None:
        self.clock = clock
        self.threshold = threshold
        self.pool = Fraction(0)
        self.records: list[tuple[datetime, str, Fraction]] = []
        self.deductions: list[tuple[datetime, Fraction]] = []
        self.total = Fraction(0)
        #: the fees by the day each hour starts on, as the engine dates a batch: hours ending now
        self.days = DailyFees()

    def record_hours(self, account_id, rates, *, hours):
        """Every product's fees of an hour together, then the threshold (AUTO-2)."""
        per_hour = sum(rates.values(), Fraction(0))
        for rate in rates.values():
            self.days.add(self.clock.now(), hours, rate)
        for _ in range(hours):
            self.pool += per_hour
            self.total += per_hour
            if self.pool >= self.threshold:
                self.deductions.append((self.clock.now(), self.pool))
                self.pool = Fraction(0)

    def hours_until_threshold(self, account_id, total):
        if total <= 0:
            return None
        missing = self.threshold - self.pool
        return max(1, -(-missing // total))

    def is_metering(self, account_id):
        return True


def run_meter(plan: UsagePlan, days: int, threshold: Fraction, batched: bool) -> ThresholdLedger:
    clock = SimClock(START)
    engine = ThresholdLedger(clock, threshold)
    end = START + timedelta(days=days)
    meter = Meter("acme", plan, engine, START, end)
    if batched:
        clock.env.process(customer_usage(type("W", (), {"env": clock.env, "clock": clock}), meter))
    else:

        def hourly():
            while meter.fed_until < end:
                yield clock.env.timeout(3600)
                meter.catch_up(clock.now())

        clock.env.process(hourly())
    clock.env.run(until=int((end - START).total_seconds()) + 1)
    return engine


rates = st.lists(
    st.tuples(
        st.sampled_from(["qwen-max", "qwen-plus"]),
        st.integers(1, 50_000).map(lambda c: Decimal(c) / 100),
        st.sampled_from(["hourly", "daily", "monthly"]),
        st.integers(0, 72 * 60),
        st.one_of(st.none(), st.integers(1, 200 * 60)),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(rates, st.integers(1, 2000))
def test_batches_equal_hour_by_hour(entries, threshold):
    plan = UsagePlan(
        (
            UsageEntry.model_validate(
                {
                    "product": product,
                    per: amount,
                    "from": START + timedelta(minutes=h),
                    "until": None if d is None else START + timedelta(minutes=h + d),
                }
            )
            for product, amount, per, h, d in entries
        ),
        START,
        START + timedelta(days=5),
    )
    hourly = run_meter(plan, 5, Fraction(threshold), batched=False)
    batched = run_meter(plan, 5, Fraction(threshold), batched=True)
    assert batched.deductions == hourly.deductions
    assert batched.total == hourly.total
    assert batched.days.by_day() == hourly.days.by_day()  # every batch ends when recorded


def metered(entries: list[dict], threshold: str = "1000") -> ThresholdLedger:
    plan = UsagePlan((UsageEntry.model_validate(e) for e in entries), START)
    return run_meter(plan, 2, Fraction(threshold), batched=True)


def test_auto2_an_hours_fees_of_every_product_count_before_the_threshold_in_any_order():
    """60.00 + 47.00 an hour: the hour that reaches 1,000 deducts 1,070.00 whichever product is
    listed first (once 1,023.00 or 1,010.00 by the products' order)."""
    max_first = [
        {"product": "qwen-max", "hourly": Decimal("60.00")},
        {"product": "qwen-plus", "hourly": Decimal("47.00")},
    ]
    plus_first = list(reversed(max_first))
    assert metered(max_first).deductions[0] == (START + 10 * HOUR, Fraction(1070))
    assert metered(plus_first).deductions == metered(max_first).deductions


def test_a_part_hour_is_billed_pro_rata_by_the_minute():
    """Usage from 00:15 until 02:40: 45 minutes of the first hour, 40 of the third."""
    engine = metered(
        [
            {
                "product": "qwen-max",
                "hourly": Decimal("6.00"),
                "from": START + timedelta(minutes=15),
                "until": START + timedelta(hours=2, minutes=40),
            }
        ]
    )
    assert engine.total == Fraction("4.50") + 6 + 4
    assert engine.days.by_day()[START.date()] == Fraction("14.50")


def test_auto4_timer_at_month_end_runs_after_the_last_hour_is_metered():
    plan = UsagePlan([UsageEntry(product="qwen-max", hourly=Decimal(1))], START)
    clock = SimClock(START)
    engine = ThresholdLedger(clock, Fraction(10**9))
    month_end = datetime(2026, 2, 1, tzinfo=UTC)
    meter = Meter("acme", plan, engine, START, month_end)
    seen = []
    clock.call_at(month_end, lambda: seen.append(engine.total))
    clock.env.process(customer_usage(type("W", (), {"env": clock.env, "clock": clock}), meter))
    clock.env.run(until=int((month_end - START).total_seconds()) + 1)
    assert seen == [Fraction(48)]


def test_auto7_suspension_meters_no_part_hour_at_either_end():
    """AUTO-7: hours while suspended are not metered, nor the part-hours at suspension and at
    resumption: metering resumes with the first whole hour after the account resumes."""
    plan = UsagePlan([UsageEntry(product="qwen-max", hourly=Decimal(1))], START)
    clock = SimClock(START)
    engine = ThresholdLedger(clock, Fraction(10**9))
    meter = Meter("acme", plan, engine, START, START + timedelta(days=2))
    metering = True
    engine.is_metering = lambda account_id: metering

    def at(hours: float) -> datetime:
        return START + timedelta(hours=hours)

    meter.catch_up(at(10.5))  # suspended at 10:30: hours up to 10:00 metered
    metering = False
    meter.catch_up(at(20.25))  # resumed at 20:15
    metering = True
    meter.catch_up(at(24))
    assert engine.total == 10 + 3  # 21:00-24:00 after the resumption
