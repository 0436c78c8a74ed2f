"""Card numbers in text (H-4): found and masked to their last four digits, whatever the brand,
by the scenario's loading and by every output (events, summary, report, terminal)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from billing_engine.domain.card_validation import luhn_valid

#: 12..19 digits as typed (single spaces or dashes between them), not touching other digits:
#: 13..19 are card lengths; 12 is looked for only among the numbers a run's customers typed
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)")
CARD_LENGTHS = range(13, 20)

#: UTF-8 bytes as "0" for an ASCII digit and "x" for anything else (spaces and dashes dropped)
_DIGITS_AS_ZERO = bytes(ord("0") if ord("0") <= i <= ord("9") else ord("x") for i in range(256))
_TWELVE_DIGITS = b"0" * 12
_ASCII = bytes(range(128))


def may_hold_a_number(text: str) -> bool:
    """False only when `text` cannot hold a digit run of 12: outputs are megabytes of text,
    and a C-speed scan rules that out where the regex would look at every character. With the
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


def _digits(run: str) -> str:
    return run.replace(" ", "").replace("-", "")


def is_card_number(digits: str) -> bool:
    """Any brand: 13 to 19 digits that pass the Luhn check."""
    return len(digits) in CARD_LENGTHS and luhn_valid(digits)


def mask_card_numbers(text: str) -> tuple[str, int]:
    """`text` with every card number shown as "•••• 1234", and how many were masked."""
    return _masked(text) if may_hold_a_number(text) else (text, 0)


def masked(text: str) -> str:
    return mask_card_numbers(text)[0]


def masked_digit_runs(text: str) -> str:
    """`text` with every run of 12 to 19 digits masked, a card number or not: for messages
    that quote back what someone typed, where even a mistyped card number is theirs."""
    return _masked(text, every_run=True)[0] if may_hold_a_number(text) else text


def _masked(text: str, *, every_run: bool = False) -> tuple[str, int]:
    """`mask_card_numbers` by the regex alone."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        digits = _digits(match.group(0))
        if not every_run and not is_card_number(digits):
            return match.group(0)
        count += 1
        return f"•••• {digits[-4:]}"

    return _DIGIT_RUN.sub(replace, text), count


def card_numbers_in(text: str, typed: Collection[str] = ()) -> Iterator[str]:
    """The card numbers written in `text` (digits only): any that passes Luhn, and any of
    `typed` (what the run's customers typed, valid or not)."""
    if not may_hold_a_number(text):
        return
    for run in _DIGIT_RUN.findall(text):
        digits = _digits(run)
        if digits in typed or is_card_number(digits):
            yield digits
