"""H-4 in text: a card number in free text, written with any run of separators between its digits
(spaces, dashes, dots, slashes, underscores, repeated and mixed), is masked to its last four
digits; a number a customer typed is found in any spacing; a CVV only where it is named."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from billing_engine.domain.card_validation import luhn_valid
from simulator.card_text import (
    SEPARATORS,
    _masked,
    card_like_runs,
    mask_card_numbers,
    masked_digit_runs,
    typed_cvvs_in,
    typed_numbers_in,
)


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """Luhn-valid numbers of any length a card has, of no brand in particular."""
    length = draw(st.integers(min_value=13, max_value=19))
    return with_check_digit(draw(st.text("0123456789", min_size=length - 1, max_size=length - 1)))


#: what people put between digit groups: any run of separators, repeated and mixed
separator_runs = st.text(SEPARATORS, min_size=1, max_size=4)


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as a person types it: between any two digits, nothing or a separator run."""
    out = []
    for digit in number:
        if out and draw(st.booleans()):
            out.append(draw(separator_runs))
        out.append(digit)
    return "".join(out)


def as_typed(number: str) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(st.just(number), written(number))


#: text around a number: no digits, and no separator touching it (that would join the run)
around_text = st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20)


@given(card_numbers().flatmap(as_typed), around_text)
def test_h4_a_card_number_in_every_separator_style_is_masked_to_its_last_four(
    card: tuple[str, str], around: str
):
    number, typed = card
    masked, count = mask_card_numbers(f"{around}:{typed}:{around}")
    assert count == 1 and f":•••• {number[-4:]}:" in masked
    assert list(card_like_runs(masked)) == []
    assert list(card_like_runs(f"{around}:{typed}:{around}")) == [number]


@given(card_numbers().flatmap(as_typed), around_text)
def test_h4_a_typed_number_is_found_in_any_spacing(card: tuple[str, str], around: str):
    number, typed = card
    assert list(typed_numbers_in(f"{around}:{typed}:{around}", {number})) == [number]
    assert list(typed_numbers_in(f"{around}:{typed}:{around}", {"4000000000000002"})) == []


def test_h4_the_issues_separator_styles_are_all_masked():
    for typed in (
        "4242  4242  4242  4242",
        "4242 - 4242 - 4242 - 4242",
        "4242.4242.4242.4242",
        "4242/4242/4242/4242",
        "4242_4242_4242_4242",
        "4242\t4242-_-4242 ./4242",
    ):
        assert mask_card_numbers(f"card {typed} ok") == ("card •••• 4242 ok", 1), typed
        assert list(typed_numbers_in(f'"note":"{typed}"', {"4242424242424242"})) == [
            "4242424242424242"
        ]


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


def test_h4_a_run_too_long_to_tell_is_masked_whole_in_free_text() -> None:
    # a card number with digits glued on either side is still one
    assert mask_card_numbers("x 99 4242 4242 4242 4242 99 y") == ("x •••• 4299 y", 1)


def test_h4_a_typed_number_is_found_even_when_it_fails_luhn_or_sits_in_a_longer_run() -> None:
    typed = {"4242424242424241"}
    assert list(typed_numbers_in("x 4242424242424241 y", typed)) == ["4242424242424241"]
    assert list(typed_numbers_in("x 9-4242-4242-4242-4241-9 y", typed)) == ["4242424242424241"]
    assert list(typed_numbers_in("x 4242424242424241 y", set())) == []


def test_h4_a_seed_is_no_card_even_when_a_customer_typed_the_same_digits() -> None:
    typed = {"4242424242424242"}
    seed = {"4242424242424242"}
    assert list(typed_numbers_in('"seed": 4242424242424242,', typed, not_cards=seed)) == []
    # written with separators it was not printed as the seed: it is the card
    assert list(typed_numbers_in("4242 4242 4242 4242", typed, not_cards=seed)) == [
        "4242424242424242"
    ]


def test_h4_a_cvv_counts_only_where_it_is_named() -> None:
    typed = {"123"}
    assert list(typed_cvvs_in('{"cvv": "123"}', typed)) == ["123"]
    assert list(typed_cvvs_in("CardDetails(number='•••• 4242', cvv='123')", typed)) == ["123"]
    assert list(typed_cvvs_in('{"cvv": "999"}', typed)) == []  # no customer typed it
    # an account or product named cvv, and amounts with the digits, are no CVV
    assert list(typed_cvvs_in('{"account":"cvv","amount":"123.00","seq":123}', typed)) == []
    assert list(typed_cvvs_in('"products": {"cvv": {"hours": 123}}', typed)) == []


@given(st.text(alphabet="0123456789 -._/\tx•\u0663\u0966", max_size=60))
def test_h4_masking_answers_as_its_regex_alone_does(text: str) -> None:
    # the C-speed scan before the regex only ever skips text the regex would leave alone
    assert mask_card_numbers(text) == _masked(text)


def test_h4_a_number_written_partly_in_other_digits_is_masked_in_free_text() -> None:
    number = "2221" + "\u0663" * 11 + "8"  # Arabic-Indic threes: Luhn-valid
    assert mask_card_numbers(f'"{number}"') == ('"•••• \u0663\u0663\u06638"', 1)


def test_h4_text_that_is_no_valid_unicode_is_read() -> None:
    text = '"\ud800" 4242424242424242'  # a lone surrogate, as JSON may carry one
    assert mask_card_numbers(text) == ('"\ud800" •••• 4242', 1)


def test_a_message_quoting_what_someone_typed_masks_even_a_mistyped_card_number():
    text = "cards: number: '4242 . 4242 / 4242 4241' fails the checksum; 4242-4242-4242-4242 ok"
    assert masked_digit_runs(text) == (
        "cards: number: '•••• 4241' fails the checksum; •••• 4242 ok"
    )
    assert masked_digit_runs("seed 12345678901") == "seed 12345678901"  # 11 digits: no card
