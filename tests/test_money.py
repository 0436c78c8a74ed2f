"""Money parsing and rounding (H-3)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_engine.errors import InvalidAmount
from billing_engine.money import (
    Cents,
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


def test_h3_settled_amounts_are_whole_cents_rounded_once():
    assert round_cents(Fraction("0.125")) == Cents(12)
    assert round_cents(Fraction("0.135")) == Cents(14)
    assert Cents.exact(Fraction("12.34")) == Cents(1234)
    assert Cents.exact(Fraction(1, 3)) is None
    assert Cents(123456).decimal == Decimal("1234.56") and str(Cents(-5)) == "-0.05"
    assert format_amount(Cents(100050)) == "1000.50"
    assert parse_amount(Cents(1050)) == Fraction("10.50")


def test_h3_cents_add_as_cents_and_mix_with_accrued_fractions_exactly():
    total = Cents(1050) + Cents(25)
    assert type(total) is Cents and total == Cents(1075)
    assert type(Cents(1050) - Cents(50)) is Cents
    assert Cents(1050) + Fraction(1, 3) == Fraction(1050, 100) + Fraction(1, 3)
    assert Fraction(1, 3) - Cents(1) == Fraction(1, 3) - Fraction(1, 100)
    assert Cents(100050) == Fraction("1000.50") == Decimal("1000.50") and Cents(200) == 2
    assert Cents(1) < Fraction(1, 50) and Cents(0) >= 0 and not Cents(0)
    assert hash(Cents(250)) == hash(Fraction(5, 2))
    with pytest.raises(TypeError):
        Cents(Fraction(1))  # type: ignore[arg-type]
