"""summary.json's fees_by_day: every account's PAYG fees accrued to the end of each UTC day of the
span, exact to the cent (H-3), the last one the run's total fees; worlds add theirs day by day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.summary import Tally, fees_to_date

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_fees_to_date_follow_card_threshold_hour_by_hour() -> None:
    """card-threshold: 12.50 an hour all January; 999.99 and 2 x 1500.00 on the 1st only."""
    run = run_scenario(load_scenario(SCENARIOS / "card-threshold.yaml"), transport="direct")
    fees = run.summary["fees_by_day"]
    assert fees["first"] == "2026-01-01"
    assert len(fees["to_date"]) == 31
    first_day = Decimal("300.00") + Decimal("999.99") + 2 * Decimal("1500.00")
    assert [Decimal(value) for value in fees["to_date"]] == [
        first_day + 300 * day for day in range(31)
    ]
    assert fees["to_date"][14] == "8499.99"  # to the end of 15 January
    assert fees["to_date"][-1] == run.summary["totals"]["fees"]


def test_each_day_is_the_exact_sum_rounded_once() -> None:
    """H-3: a third of a cent a day shows as 0.00, 0.01, 0.01, not as three rounded zeros."""
    third = Fraction(1, 300)
    by_day = {date(2026, 1, day): third for day in (1, 2, 3)}
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)
    assert fees_to_date(by_day, start, end) == {
        "first": "2026-01-01",
        "to_date": ["0.00", "0.01", "0.01", "0.01"],  # 4 January: no fees, still counted
    }


def test_tallies_of_several_worlds_add_their_days() -> None:
    one = Tally(fees_by_day={date(2026, 1, 1): Fraction(1, 3), date(2026, 1, 2): Fraction(1)})
    other = Tally(fees_by_day={date(2026, 1, 2): Fraction(2, 3), date(2026, 1, 3): Fraction(5)})
    assert (one + other).fees_by_day == {
        date(2026, 1, 1): Fraction(1, 3),
        date(2026, 1, 2): Fraction(5, 3),
        date(2026, 1, 3): Fraction(5),
    }
    assert one.fees_by_day == {date(2026, 1, 1): Fraction(1, 3), date(2026, 1, 2): Fraction(1)}
