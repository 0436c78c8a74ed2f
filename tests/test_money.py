"""Money parsing and rounding (H-3)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_engine.errors import InvalidAmount
from billing_engine.money import (
    RunningSum,
    format_amount,
    format_cents,
    parse_amount,
    round_cents,
)


def test_h3_amounts_are_read_exactly_and_floats_refused():
    assert parse_amount("0.10") == Fraction(1, 10)
    assert parse_amount(Decimal("1000.005")) == Fraction(1000005, 1000)
    with pytest.raises(InvalidAmount, match="decimal string"):
        parse_amount(0.1)
    with pytest.raises(InvalidAmount, match="not a decimal"):
        parse_amount("ten")


def test_h3_rounding_is_half_even_to_the_cent():
    assert round_cents(Fraction("0.125")) == Fraction("0.12")
    assert round_cents(Fraction("0.135")) == Fraction("0.14")
    assert format_amount(Fraction(1000)) == "1000.00"
    assert format_amount(Fraction(1, 3)) == "0.33"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_h3_whole_cents_read_as_the_decimal_they_are(count: int) -> None:
    text = format_cents(count)
    assert Decimal(text) == Decimal(count) / 100
    assert text == str(Decimal(count).scaleb(-2).quantize(Decimal("0.01")))


@given(st.lists(st.fractions(max_denominator=10**6)))
def test_h3_a_running_sum_is_the_exact_sum(amounts: list[Fraction]) -> None:
    total = RunningSum()
    for amount in amounts:
        total.add(amount)
    assert total.value == sum(amounts, Fraction(0))
