"""Card number rules: Luhn, brand by number range, allowed lengths and CVV length per brand.

The mock's one brand table; it agrees with the engine's (`billing_engine/domain/
card_validation.py`), which `tests/test_card_brands.py` checks number by number."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Brand:
    name: str
    lengths: tuple[int, ...]
    cvv_length: int


VISA = Brand("visa", (13, 16, 19), 3)
MASTERCARD = Brand("mastercard", (16,), 3)
AMEX = Brand("amex", (15,), 4)
DISCOVER = Brand("discover", (16, 17, 18, 19), 3)
JCB = Brand("jcb", (16, 17, 18, 19), 3)
UNIONPAY = Brand("unionpay", (16, 17, 18, 19), 3)
DINERS = Brand("diners", (14, 16, 19), 3)
BRANDS = (VISA, MASTERCARD, AMEX, DISCOVER, JCB, UNIONPAY, DINERS)

# (first digits as an inclusive range over a fixed prefix length, brand); first match wins.
_RANGES: tuple[tuple[int, int, int, Brand], ...] = (
    (1, 4, 4, VISA),
    (2, 51, 55, MASTERCARD),
    (4, 2221, 2720, MASTERCARD),  # the 2-series
    (2, 34, 34, AMEX),
    (2, 37, 37, AMEX),
    (4, 6011, 6011, DISCOVER),
    (3, 644, 649, DISCOVER),
    (2, 65, 65, DISCOVER),
    (4, 3528, 3589, JCB),
    (2, 62, 62, UNIONPAY),
    (3, 300, 305, DINERS),
    (2, 36, 36, DINERS),
    (2, 38, 39, DINERS),
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(digits: str) -> Brand | None:
    """The brand whose number range holds `digits`, or None (unsupported)."""
    for width, low, high, brand in _RANGES:
        if len(digits) >= width and low <= int(digits[:width]) <= high:
            return brand
    return None
