"""The last line of H-4 before a page is written: any run of digits that is a card number (a
known brand's range and length, Luhn-valid) is shown as brand and last four digits only."""

from __future__ import annotations

import re

from billing_engine.card_validation import brand_of, luhn_valid

# 12..19 digits, as typed (single spaces or dashes between them allowed), not touching others
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)")


#: UTF-8 bytes as "0" for an ASCII digit and "x" for anything else (spaces and dashes dropped)
_DIGITS_AS_ZERO = bytes(ord("0") if ord("0") <= i <= ord("9") else ord("x") for i in range(256))
_TWELVE_DIGITS = b"0" * 12
_ASCII = bytes(range(128))


def _may_hold_a_number(text: str) -> bool:
    """False only when `text` cannot hold a digit run of 12: a page is megabytes of text, and
    a C-speed scan rules that out where the regex would look at every character. With the
    separators dropped, a run needs twelve ASCII digits in a row, unless other digits (which
    the regex takes too) are in the text at all."""
    data = text.encode(errors="surrogatepass")
    if not text.isascii():
        # its other characters, without a Python loop over all of it: UTF-8 writes them in
        # bytes from 128 up only, so the bytes left when the ASCII ones go are just theirs
        others = data.translate(None, _ASCII).decode(errors="surrogatepass")
        if any(char.isdecimal() for char in set(others)):
            return True
    return _TWELVE_DIGITS in data.translate(_DIGITS_AS_ZERO, b" -")


def mask_card_numbers(text: str) -> tuple[str, int]:
    """`text` with every card number replaced by "brand ••••1234", and how many were masked."""
    return _masked(text) if _may_hold_a_number(text) else (text, 0)


def _masked(text: str) -> tuple[str, int]:
    """`mask_card_numbers` by the regex alone."""
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
