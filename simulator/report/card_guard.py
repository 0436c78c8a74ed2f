"""The last line of H-4 before a page is written: any run of digits that is a card number (a
known brand's range and length, Luhn-valid) is shown as brand and last four digits only."""

from __future__ import annotations

import re

from billing_engine.card_validation import brand_of, luhn_valid

# 12..19 digits, as typed (single spaces or dashes between them allowed), not touching others
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)")


def mask_card_numbers(text: str) -> tuple[str, int]:
    """`text` with every card number replaced by "brand ••••1234", and how many were masked."""
    masked = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal masked
        digits = match.group(0).replace(" ", "").replace("-", "")
        brand = brand_of(digits)
        if brand is None or not luhn_valid(digits):
            return match.group(0)
        masked += 1
        return f"{brand} ••••{digits[-4:]}"

    return _DIGIT_RUN.sub(replace, text), masked
