"""CARD-4 checks made before any gateway is asked: Luhn, brand by number range, expiry MM/YY and
CVV length. Messages and reasons never contain the card number or the CVV (H-4)."""

from __future__ import annotations

from datetime import datetime

from billing_engine.errors import InvalidCard
from billing_engine.ports import CardDetails

#: (brand, [(low prefix, high prefix)], allowed lengths); the first match wins
_BRAND_RANGES: tuple[tuple[str, tuple[tuple[str, str], ...], frozenset[int]], ...] = (
    ("amex", (("34", "34"), ("37", "37")), frozenset({15})),
    ("diners", (("300", "305"), ("36", "36"), ("38", "39")), frozenset({14, 16, 19})),
    ("jcb", (("3528", "3589"),), frozenset(range(16, 20))),
    ("visa", (("4", "4"),), frozenset({13, 16, 19})),
    # Mastercard includes the 2-series (2221-2720) beside 51-55
    ("mastercard", (("51", "55"), ("2221", "2720")), frozenset({16})),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65")), frozenset(range(16, 20))),
    ("unionpay", (("62", "62"),), frozenset(range(16, 20))),
)


def digits_of(number: str) -> str | None:
    """The number without spaces or dashes, or None if anything else is in it."""
    cleaned = number.replace(" ", "").replace("-", "")
    return cleaned if cleaned.isdigit() else None


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(digits: str) -> str | None:
    """The card brand by issuer number range and length, None if no known brand matches."""
    for brand, ranges, lengths in _BRAND_RANGES:
        for low, high in ranges:
            prefix = digits[: len(low)]
            if low <= prefix <= high and len(digits) in lengths:
                return brand
    return None


def check_shape(card: CardDetails) -> None:
    """Raise InvalidCard for data no customer form would submit (wrong types, month 13, no
    name); these take no method index and change nothing."""
    if not isinstance(card.number, str) or not isinstance(card.cvv, str):
        raise InvalidCard("card: number and cvv must be strings")
    if isinstance(card.exp_month, bool) or not isinstance(card.exp_month, int):
        raise InvalidCard("card: exp_month must be an integer 1..12")
    if not 1 <= card.exp_month <= 12:
        raise InvalidCard(f"card: exp_month {card.exp_month} is not a month (1..12)")
    if isinstance(card.exp_year, bool) or not isinstance(card.exp_year, int):
        raise InvalidCard("card: exp_year must be a four-digit integer")
    if not 1000 <= card.exp_year <= 9999:
        raise InvalidCard(f"card: exp_year {card.exp_year} is not a four-digit year")
    if not isinstance(card.name, str) or not card.name.strip():
        raise InvalidCard("card: name on card is empty")


def rejection_reason(
    card: CardDetails, supported_brands: frozenset[str], now: datetime
) -> str | None:
    """The CARD-4 reason code a well-shaped card is refused for, or None if it passes."""
    digits = digits_of(card.number)
    if digits is None or not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        return "invalid_number"
    brand = brand_of(digits)
    if brand is None or brand not in supported_brands:
        return "unsupported_brand"
    # valid through the end of its expiry month, and refused already in that month
    if (card.exp_year, card.exp_month) < (now.year, now.month):
        return "expired"
    if (card.exp_year, card.exp_month) == (now.year, now.month):
        return "expires_this_month"
    cvv_length = 4 if brand == "amex" else 3
    if not card.cvv.isdigit() or len(card.cvv) != cvv_length:
        return "invalid_cvv"
    return None
