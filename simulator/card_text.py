"""Card numbers in text (H-4): written with any run of separators between the digits, masked to
their last four digits in free text, and found among a run's outputs when a customer typed them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from billing_engine.domain.card_validation import luhn_valid

#: what people put between a card number's digit groups, alone, repeated or mixed
SEPARATORS = " \t-./_"
_SEPARATOR_RUN = f"[{re.escape(SEPARATORS)}]*"
#: 12 digits or more (any digits: free text may write a number in other scripts), any run of
#: separators between them; 13..19 are card lengths, 12 only among what customers typed
_DIGIT_RUN = re.compile(rf"(?<!\d)\d(?:{_SEPARATOR_RUN}\d){{11,}}(?!\d)")
CARD_LENGTHS = range(13, 20)
#: the fewest digits a typed card number may have (simulator.scenario.schema.CardEntry)
FEWEST_TYPED = 12

#: UTF-8 bytes as "0" for an ASCII digit and "x" for anything else (separators dropped first)
_DIGITS_AS_ZERO = bytes(ord("0") if ord("0") <= i <= ord("9") else ord("x") for i in range(256))
_SEPARATOR_BYTES = SEPARATORS.encode()
_TWELVE_DIGITS = b"0" * FEWEST_TYPED
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
    return _TWELVE_DIGITS in data.translate(_DIGITS_AS_ZERO, _SEPARATOR_BYTES)


def digits_of(run: str) -> str:
    """The digits of a number as typed, its separators dropped."""
    return run.translate(_DROP_SEPARATORS)


_DROP_SEPARATORS = str.maketrans("", "", SEPARATORS)


def is_card_number(digits: str) -> bool:
    """Any brand: 13 to 19 digits that pass the Luhn check."""
    return len(digits) in CARD_LENGTHS and luhn_valid(digits)


def is_card_like(digits: str) -> bool:
    """A digit run free text may not show: a card number, or a run too long to tell whether
    one is inside it."""
    return len(digits) > CARD_LENGTHS[-1] or is_card_number(digits)


def mask_card_numbers(text: str) -> tuple[str, int]:
    """Free text with every card-like run shown as "•••• 1234", and how many were masked. Only
    for what someone typed (names, ids, descriptions, messages): seeds, digests and amounts
    are never passed here, so none of them is ever taken for a card."""
    return _masked(text) if may_hold_a_number(text) else (text, 0)


def masked(text: str) -> str:
    return mask_card_numbers(text)[0]


def masked_digit_runs(text: str) -> str:
    """`text` with every run of 12 digits or more masked, a card number or not: for messages
    that quote back what someone typed, where even a mistyped card number is theirs."""
    return _masked(text, every_run=True)[0] if may_hold_a_number(text) else text


def _masked(text: str, *, every_run: bool = False) -> tuple[str, int]:
    """`mask_card_numbers` by the regex alone."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        digits = digits_of(match.group(0))
        if not every_run and not is_card_like(digits):
            return match.group(0)
        count += 1
        return f"•••• {digits[-4:]}"

    return _DIGIT_RUN.sub(replace, text), count


def card_like_runs(text: str) -> Iterator[str]:
    """The card-like runs in free text (digits only), as `mask_card_numbers` would mask them."""
    if may_hold_a_number(text):
        for run in _DIGIT_RUN.findall(text):
            digits = digits_of(run)
            if is_card_like(digits):
                yield digits


def typed_numbers_in(
    text: str, typed: Collection[str], *, not_cards: Collection[str] = ()
) -> Iterator[str]:
    """The numbers of `typed` (what a run's customers typed, digits only, valid or not) that
    `text` holds, with any separators between their digits, also inside a longer run of
    digits. A run that is exactly one of `not_cards` (the run's seed, say) is not one."""
    if not typed or not may_hold_a_number(text):
        return
    lengths = sorted({len(number) for number in typed})
    for run in _DIGIT_RUN.findall(text):
        digits = digits_of(run)
        if digits in not_cards and run == digits:
            continue
        for length in lengths:
            for start in range(len(digits) - length + 1):
                if digits[start : start + length] in typed:
                    yield digits[start : start + length]


#: a CVV written under its name: "cvv": "123", cvv='123', CVC 123
_CVV_FIELD = re.compile(r"\b(?:cvv|cvc|cvv2|security_code)\b\W{0,4}([0-9]{3,4})(?![0-9])", re.I)


def typed_cvvs_in(text: str, typed: Collection[str]) -> Iterator[str]:
    """The CVVs of `typed` that `text` writes under a CVV's name: three or four digits alone are
    everywhere (amounts, times), so a CVV is card data only where it is named."""
    # lower() and three substring searches skip megabytes of output 10 times quicker than
    # the regex (measured: 50 MB of events in half a second)
    lowered = text.lower() if typed else ""
    if "cvv" in lowered or "cvc" in lowered or "security_code" in lowered:
        for value in _CVV_FIELD.findall(text):
            if value in typed:
                yield value
