"""H-4's last line on the page: any card number that reaches the report's data is shown as brand
and last four; amounts, ids and times, which are no card numbers, pass unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from billing_engine.card_validation import luhn_valid
from simulator.report.card_guard import _masked, mask_card_numbers

#: (prefix, length, brand) of card numbers the engine accepts
RANGES = [("4", 16, "visa"), ("51", 16, "mastercard"), ("2221", 16, "mastercard"),
          ("34", 15, "amex"), ("6011", 16, "discover")]  # fmt: skip


def _with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def card_numbers(draw: st.DrawFn) -> tuple[str, str]:
    prefix, length, brand = draw(st.sampled_from(RANGES))
    middle = draw(st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - 1))
    body = (prefix + middle)[: length - 1]
    return _with_check_digit(body), brand


@given(card_numbers(), st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20))
def test_h4_every_card_number_is_masked_to_brand_and_last_four(
    card: tuple[str, str], around: str
) -> None:
    number, brand = card
    masked, count = mask_card_numbers(f'{around}"{number}"{around}')
    assert number not in masked and count == 1
    assert f'"{brand} ••••{number[-4:]}"' in masked


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**11),
)
def test_h4_guard_leaves_amounts_and_counts_alone(amount: object, count: int) -> None:
    text = f'{{"amount":"{amount}","seq":{count},"at":"2026-01-01T00:00:00Z"}}'
    assert mask_card_numbers(text) == (text, 0)


def test_h4_guard_on_known_test_cards() -> None:
    text = "4242424242424242 and 5555 5555 5555 4444 and id-4000000000000002"
    masked, count = mask_card_numbers(text)
    assert masked == "visa ••••4242 and mastercard ••••4444 and id-visa ••••0002"
    assert count == 3


@given(st.text(alphabet="0123456789 -x•\u0663\u0966", max_size=60))
def test_h4_guard_answers_as_its_regex_alone_does(text: str) -> None:
    # the C-speed scan before the regex only ever skips text the regex would leave alone
    assert mask_card_numbers(text) == _masked(text)


def test_h4_guard_masks_a_number_written_partly_in_other_digits() -> None:
    number = "2221" + "\u0663" * 11 + "8"  # Arabic-Indic threes: Luhn-valid, a Mastercard range
    assert mask_card_numbers(f'"{number}"') == ('"mastercard ••••\u0663\u0663\u06638"', 1)


def test_h4_guard_reads_text_that_is_no_valid_unicode() -> None:
    text = '"\ud800" 4242424242424242'  # a lone surrogate, as JSON may carry one
    assert mask_card_numbers(text) == ('"\ud800" visa ••••4242', 1)
