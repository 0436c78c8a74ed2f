"""H-4 in text: any card number (13 to 19 digits passing Luhn, whatever the brand, written with
spaces or dashes too) is masked to its last four digits; amounts, ids and times pass unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from billing_engine.domain.card_validation import luhn_valid
from simulator.card_text import _masked, card_numbers_in, mask_card_numbers, masked_digit_runs


def _with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """Luhn-valid numbers of any length a card has, of no brand in particular."""
    length = draw(st.integers(min_value=13, max_value=19))
    return _with_check_digit(draw(st.text("0123456789", min_size=length - 1, max_size=length - 1)))


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as a person types it: in groups, with single spaces or dashes between."""
    out = []
    for digit in number:
        if out and draw(st.booleans()):
            out.append(draw(st.sampled_from(" -")))
        out.append(digit)
    return "".join(out)


@given(
    card_numbers().flatmap(lambda n: st.tuples(st.just(n), written(n))),
    st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
)
def test_h4_every_card_number_is_masked_to_its_last_four(card: tuple[str, str], around: str):
    number, typed = card
    masked, count = mask_card_numbers(f"{around}:{typed}:{around}")
    assert count == 1 and f":•••• {number[-4:]}:" in masked
    assert list(card_numbers_in(masked)) == []
    assert list(card_numbers_in(f"{around}:{typed}:{around}")) == [number]


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**11),
)
def test_h4_amounts_counts_and_times_are_left_alone(amount: object, count: int) -> None:
    text = f'{{"amount":"{amount}","seq":{count},"at":"2026-01-01T00:00:00Z"}}'
    assert mask_card_numbers(text) == (text, 0)


def test_h4_known_test_cards_and_other_brands_alike() -> None:
    text = (
        "4242424242424242 and 5555 5555 5555 4444 and id-4000-0000-0000-0002"
        " and 1234567812345670 (no brand) and 4242424242424241 (not Luhn)"
    )
    masked, count = mask_card_numbers(text)
    assert masked == (
        "•••• 4242 and •••• 4444 and id-•••• 0002 and •••• 5670 (no brand)"
        " and 4242424242424241 (not Luhn)"
    )
    assert count == 4


def test_h4_a_typed_number_is_found_even_when_it_fails_luhn() -> None:
    assert list(card_numbers_in("x 4242424242424241 y", {"4242424242424241"})) == [
        "4242424242424241"
    ]
    assert list(card_numbers_in("x 4242424242424241 y")) == []


@given(st.text(alphabet="0123456789 -x•\u0663\u0966", max_size=60))
def test_h4_masking_answers_as_its_regex_alone_does(text: str) -> None:
    # the C-speed scan before the regex only ever skips text the regex would leave alone
    assert mask_card_numbers(text) == _masked(text)


def test_h4_a_number_written_partly_in_other_digits_is_masked() -> None:
    number = "2221" + "\u0663" * 11 + "8"  # Arabic-Indic threes: Luhn-valid
    assert mask_card_numbers(f'"{number}"') == ('"•••• \u0663\u0663\u06638"', 1)


def test_h4_text_that_is_no_valid_unicode_is_read() -> None:
    text = '"\ud800" 4242424242424242'  # a lone surrogate, as JSON may carry one
    assert mask_card_numbers(text) == ('"\ud800" •••• 4242', 1)


def test_a_message_quoting_what_someone_typed_masks_even_a_mistyped_card_number():
    text = "cards: number: '4242 4242 4242 4241' fails the checksum; 4242-4242-4242-4242 ok"
    assert masked_digit_runs(text) == (
        "cards: number: '•••• 4241' fails the checksum; •••• 4242 ok"
    )
    assert masked_digit_runs("seed 12345678901") == "seed 12345678901"  # 11 digits: no card
