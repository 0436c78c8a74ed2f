"""The engine and the mock card processor read a card number the same way: the same Luhn check,
the same brand for the same number range and length, the same CVV length (CARD-4). Each side
keeps its own table (the engine may not import the mocks, nor the mocks the engine); this test
holds them together, on the test cards and on numbers at every edge of either table."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_engine.domain import card_validation as engine
from billing_engine.ports import CardDetails
from mock_gateways.card import brands as mock
from mock_gateways.card.test_cards import MAGIC_CARDS, table_markdown

NOW = datetime(2026, 1, 5, tzinfo=UTC)
EVERY_BRAND = frozenset(brand.name for brand in mock.BRANDS)


def with_check_digit(partial: str) -> str:
    """`partial` and the digit that makes it pass Luhn."""
    return next(partial + d for d in "0123456789" if mock.luhn_valid(partial + d))


def edge_numbers() -> list[str]:
    """For every range bound of either table, the prefixes just inside and outside it, at every
    length from 12 to 19, Luhn-valid and not."""
    bounds = {
        (low, high) for _name, ranges, _lengths in engine._BRAND_RANGES for low, high in ranges
    }
    bounds |= {(str(low), str(high)) for _width, low, high, _brand in mock._RANGES}
    prefixes = set()
    for low, high in bounds:
        width = len(low)
        for value in (int(low) - 1, int(low), int(high), int(high) + 1):
            if 0 <= value < 10**width:
                prefixes.add(str(value).zfill(width))
    numbers = []
    for prefix in sorted(prefixes):
        for length in range(12, 20):
            valid = with_check_digit(prefix.ljust(length - 1, "7"))
            numbers += [valid, valid[:-1] + str((int(valid[-1]) + 1) % 10)]
    return numbers


TEST_CARDS = sorted(
    set(MAGIC_CARDS)
    | set(re.findall(r"^\| (\d{12,19}) \|", table_markdown(), re.MULTILINE))
    | {"3056930009020004", "36227206271667"}
)


def mock_brand(digits: str) -> str | None:
    brand = mock.brand_of(digits)
    return brand.name if brand is not None and len(digits) in brand.lengths else None


def engine_cvv_length(digits: str) -> int | None:
    """The CVV length the engine takes for a card of this number (None: it takes none)."""
    for length in (3, 4):
        card = CardDetails(digits, 12, 2030, "7" * length, "A")
        if engine.rejection_reason(card, EVERY_BRAND, NOW) is None:
            return length
    return None


def assert_same_reading(digits: str) -> None:
    assert engine.luhn_valid(digits) == mock.luhn_valid(digits), digits
    assert engine.brand_of(digits) == mock_brand(digits), digits
    brand = mock.brand_of(digits)
    if mock.luhn_valid(digits) and mock_brand(digits) is not None and brand is not None:
        assert engine_cvv_length(digits) == brand.cvv_length, digits


def test_the_test_cards_include_every_brand_of_either_side():
    assert {mock_brand(number) for number in TEST_CARDS} == EVERY_BRAND
    assert {name for name, _ranges, _lengths in engine._BRAND_RANGES} == EVERY_BRAND


@pytest.mark.parametrize("number", TEST_CARDS)
def test_both_sides_read_every_test_card_alike(number):
    assert mock_brand(number) is not None and mock.luhn_valid(number)
    assert_same_reading(number)


def test_both_sides_read_the_numbers_at_every_range_edge_alike():
    numbers = edge_numbers()
    assert len(numbers) > 500
    for number in numbers:
        assert_same_reading(number)


@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_both_sides_read_any_number_alike(digits):
    assert_same_reading(digits)


LOW_PREFIXES = sorted(
    {low for _name, ranges, _lengths in engine._BRAND_RANGES for low, _ in ranges}
)


@given(
    st.sampled_from(LOW_PREFIXES),
    st.integers(12, 19),
    st.text(alphabet="0123456789", min_size=18, max_size=18),
)
def test_luhn_valid_numbers_in_any_range_are_read_alike(prefix, length, fill):
    assert_same_reading(with_check_digit((prefix + fill)[: length - 1]))
