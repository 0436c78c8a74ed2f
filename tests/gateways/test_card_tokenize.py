"""Card processor tokenization and issuer behaviour by magic test card (CARD-1, CARD-2, CARD-4,
CARD-7, H-4), on the core's JSON API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mock_gateways.card.core import CardProcessor
from mock_gateways.card.test_cards import MAGIC_CARDS, table_markdown
from mock_gateways.common.errors import GatewayError

GOOD = {"exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "Ada Lovelace"}


def tokenize(core: CardProcessor, number: str, key: str = "k", **overrides):
    return core.tokenize({"number": number, **GOOD, **overrides}, key)


def refusal(core: CardProcessor, number: str, **overrides) -> str:
    with pytest.raises(GatewayError) as caught:
        tokenize(core, number, key=f"{number}{sorted(overrides.items())}", **overrides)
    assert caught.value.status == 402
    return caught.value.code


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("4242 4242 4242 4242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3566002020360505", "jcb"),
        ("6200000000000005", "unionpay"),
        ("3056930009020004", "diners"),
        ("36227206271667", "diners"),
    ],
)
def test_card4_brand_by_number_range(card_core, number, brand):
    """CARD-4: a Luhn-valid number of a supported brand tokenizes; the brand is by range."""
    cvv = "1234" if brand == "amex" else "123"
    token = tokenize(card_core, number, cvv=cvv)
    assert token["brand"] == brand
    assert token["last4"] == number[-4:]
    assert token["issuer_country"] == "US"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4242424242424241", "invalid_number"),  # Luhn fails
        ("4242-4242-4242-424x", "invalid_number"),
        ("42424242", "invalid_number"),
        ("5555555555555555557", "invalid_number"),  # mastercard is 16 digits (Luhn-valid, 19)
        ("135410014004955", "unsupported_brand"),  # UATP, Luhn-valid
        ("9999999999999995", "unsupported_brand"),
        ("362272062716672", "invalid_number"),  # Diners is 14, 16 or 19 digits (Luhn-valid, 15)
    ],
)
def test_card4_invalid_numbers(card_core, number, code):
    """CARD-4: number checks give the DESIGN.md reason codes."""
    assert refusal(card_core, number) == code


def test_card4_cvv_length_by_brand(card_core):
    """CARD-4: CVV is 3 digits, 4 for American Express."""
    assert refusal(card_core, "378282246310005", cvv="123") == "invalid_cvv"
    assert refusal(card_core, "4242424242424242", cvv="1234") == "invalid_cvv"
    assert refusal(card_core, "4242424242424242", cvv="12a") == "invalid_cvv"
    assert tokenize(card_core, "378282246310005", cvv="1234")["brand"] == "amex"


def test_card4_valid_through_end_of_expiry_month(card_core, clock, start):
    """CARD-4: a card is valid through its expiry month; expired after it."""
    this_month = {"exp_month": start.month, "exp_year": start.year}
    assert tokenize(card_core, "4242424242424242", key="a", **this_month)
    last_month = {"exp_month": 12, "exp_year": start.year - 1}
    assert refusal(card_core, "4242424242424242", **last_month) == "expired"


def test_card4_name_mismatch_against_issuer_record(card_core):
    """CARD-4: the name must match the issuer's record (magic card 1059 is JANE DOE)."""
    assert refusal(card_core, "4000000000001059", name="John Smith") == "name_mismatch"
    token = tokenize(card_core, "4000000000001059", key="b", name="  jane   doe ")
    assert token["last4"] == "1059"


def test_fingerprint_stable_per_number_and_reveals_nothing(card_core):
    """LINK-1 / H-4: one fingerprint per card number; no number in the token."""
    a = tokenize(card_core, "4242424242424242", key="a")
    b = tokenize(card_core, "4242 4242 4242 4242", key="b", name="Other")
    c = tokenize(card_core, "5555555555554444", key="c")
    assert a["fingerprint"] == b["fingerprint"] != c["fingerprint"]
    assert a["id"] != b["id"]
    assert "4242424242424242" not in repr(a) + repr(card_core.admin_state())


def pay(core: CardProcessor, number: str, operation: str, **extra):
    token = tokenize(core, number, key="tok-" + number)["id"]
    body = {"token": token, "amount": "1.00", **extra}
    if operation == "authorize":
        body["descriptor"] = "ALIBABACLOUD.COM"
        return core.authorize(body, f"{operation}-{number}")
    return core.charge(body, f"{operation}-{number}")


EXPECTED = {
    # number: (authorize outcome, customer-initiated charge outcome)
    "4242424242424242": ("ok", "ok"),
    "4000000000000002": ("declined", "declined"),
    "4000000000009995": ("insufficient_funds", "insufficient_funds"),
    "4000000000000069": ("expired", "expired"),
    "4000000000000127": ("invalid_cvv", "invalid_cvv"),
    "4000000000000341": ("ok", "declined"),
    "4000002760003184": ("authentication_required", "authentication_required"),
    "4000000000001018": ("online_disabled", "online_disabled"),
    "4000000000001026": ("international_disabled", "international_disabled"),
    "4000000000001034": ("ok", "ok"),
    "4000000000001042": ("ok", "ok"),
    "4000000000001067": ("ok", "ok"),
    "4000000000001075": ("ok", "ok"),
    "4000000000001083": ("ok", "ok"),
    "4000000000001091": ("ok", "ok"),
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
@pytest.mark.parametrize("operation", ["authorize", "charge"])
def test_card1_card2_magic_cards(card_core, number, operation):
    """CARD-1/CARD-2: each magic card's issuer behaviour on authorize and on a charge."""
    expected = EXPECTED[number][operation == "charge"]
    try:
        outcome = pay(card_core, number, operation)
        code = "ok"
        assert outcome["status"] in ("held", "succeeded")
    except GatewayError as err:
        assert err.status == 402
        code = err.code
    assert code == expected


def test_every_magic_card_has_an_expectation_and_a_table_row():
    """The table module, its documented table and these tests cover the same cards."""
    names_only = set(MAGIC_CARDS) - {"4000000000001059"}
    assert names_only == set(EXPECTED)
    for number in MAGIC_CARDS:
        assert number in table_markdown()


def test_auto8_three_ds_card_passes_merchant_initiated_and_authenticated(card_core):
    """AUTO-8: merchant-initiated charges never need 3DS; with a 3DS transaction CIT passes."""
    assert pay(card_core, "4000002760003184", "charge", merchant_initiated=True)["amount"] == (
        "1.00"
    )
    token = tokenize(card_core, "4000002760003184", key="t2")["id"]
    body = {"token": token, "amount": "5.00", "threeds_transaction_id": "tx-1"}
    assert card_core.charge(body, "cit")["status"] == "succeeded"


def test_card1_international_card_passes_for_a_domestic_merchant(card_core):
    """CARD-1: international-disabled only bites when merchant and issuer countries differ."""
    token = tokenize(card_core, "4000000000001026")
    assert token["issuer_country"] == "GB"
    body = {"token": token["id"], "amount": "3.00", "merchant_country": "GB"}
    assert card_core.charge(body, "gb")["status"] == "succeeded"


def test_card7_fx_fee_recorded_by_issuer_never_charged(card_core):
    """CARD-7: an EUR-settled card pays exactly the USD amount; the issuer records the fee."""
    charge = pay(card_core, "4000000000001042", "charge", amount="250.00")
    assert charge["amount"] == "250.00"
    assert charge["settlement_currency"] == "EUR"
    [entry] = card_core.issuer_ledger
    assert entry["charge"] == charge["id"]
    assert Decimal(entry["fx_fee"]) == Decimal("5.00")


def test_refund_and_capture(card_core):
    """Refund up to the charge; capture at most the authorized amount."""
    charge = pay(card_core, "4242424242424242", "charge", amount="10.00")
    refund = card_core.refund({"charge": charge["id"], "amount": "4.00"}, "r1")
    assert refund["amount"] == "4.00"
    with pytest.raises(GatewayError) as too_much:
        card_core.refund({"charge": charge["id"], "amount": "6.01"}, "r2")
    assert too_much.value.code == "invalid_amount"
    auth = pay(card_core, "5555555555554444", "authorize", cvv="123")
    with pytest.raises(GatewayError):
        card_core.capture(auth["id"], {"amount": "1.01"}, "c1")
    captured = card_core.capture(auth["id"], {"amount": "0.50"}, "c2")
    assert (captured["status"], captured["captured_amount"]) == ("captured", "0.50")
