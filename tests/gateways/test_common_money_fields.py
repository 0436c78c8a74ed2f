"""Money fields take only ASCII decimal strings: the card and 3DS `amount`/`purchaseAmount` and
PayPal's `Money.value` refuse full-width digits, `1_000.00`, spaces, exponents and the like with a
4xx naming the field, and keep amounts in range."""

from __future__ import annotations

import pytest

from mock_gateways.card.core import CardProcessor
from mock_gateways.common.errors import GatewayError
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.examples import order_request
from mock_gateways.threeds.core import ThreeDSServer

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "A"}
NOT_ASCII_DECIMALS = [
    "５.００",  # full-width digits
    "٥.00",  # Arabic-Indic digit
    "1_000.00",
    " 5.00",
    "5.00 ",
    "5.00\n",
    "+5.00",
    "5.",
    ".50",
    "5e2",
    "NaN",
    "Infinity",
    "0x10",
    "",
]


@pytest.mark.parametrize("text", NOT_ASCII_DECIMALS)
def test_card_amounts_take_only_ascii_decimal_strings(text):
    card = CardProcessor()
    token = card.tokenize(CARD, "tok")["id"]
    with pytest.raises(GatewayError) as refused:
        card.charge({"token": token, "amount": text}, "ch")
    assert refused.value.status == 400
    assert refused.value.code in ("invalid_amount", "invalid_field")
    assert refused.value.message.startswith("amount")
    assert not card.charges


@pytest.mark.parametrize("text", ["0.00", "-5.00", "1000000.01", "5.001", "9" * 40])
def test_card_amounts_are_range_checked(text):
    card = CardProcessor()
    token = card.tokenize(CARD, "tok")["id"]
    with pytest.raises(GatewayError) as refused:
        card.charge({"token": token, "amount": text}, "ch")
    assert (refused.value.status, refused.value.code) == (400, "invalid_amount")


def test_threeds_purchase_amount_is_named():
    with pytest.raises(GatewayError) as refused:
        ThreeDSServer().authenticate(
            {
                "acctNumber": CARD["number"],
                "purchaseAmount": "１.00",
                "notificationURL": "https://a.example/r",
            },
            "k",
        )
    assert refused.value.status == 400 and refused.value.message.startswith("purchaseAmount")


@pytest.mark.parametrize("text", [t for t in NOT_ASCII_DECIMALS if t != ".50"])  # PayPal's own
def test_paypal_values_take_only_ascii_decimal_strings(text):
    body = order_request("CAPTURE", None)
    body["purchase_units"][0]["amount"]["value"] = text
    with pytest.raises(GatewayError) as refused:
        PayPalCore().create_order(body, request_id="o")
    error = refused.value.to_body()
    assert refused.value.status == 400
    assert error["details"][0]["field"] == "/purchase_units/0/amount/value"
