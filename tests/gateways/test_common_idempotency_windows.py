"""Idempotency records expire like the real services' (card 24 h, PayPal 6 h, in simulated
time), while a payment's key stays known: its look-up answers for good and a late replay is
refused rather than paid twice. Records and attempt counters stay bounded under a long load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock
from mock_gateways.common.errors import GatewayError
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.examples import order_request, payment_token_request, setup_token_request
from mock_gateways.paypal.model import Buyer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "A"}
DECLINED = {**CARD, "number": "4000000000000341"}


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


@pytest.fixture
def card(clock: SimClock) -> CardProcessor:
    return CardProcessor(clock=clock, seed=5)


def later(clock: SimClock, **delta: float) -> None:
    clock.set(START + timedelta(**delta))


def test_a_charge_replays_for_24_hours_then_is_refused_not_paid_twice(card, clock):
    token = card.tokenize(CARD, "tok")["id"]
    first = card.charge({"token": token, "amount": "5.00"}, "ch-1")
    later(clock, hours=23, minutes=59)
    assert card.charge({"token": token, "amount": "5.00"}, "ch-1") == first
    later(clock, hours=24)
    with pytest.raises(GatewayError) as late:
        card.charge({"token": token, "amount": "5.00"}, "ch-1")
    assert (late.value.status, late.value.code) == (409, "idempotency_key_expired")
    assert first["id"] in late.value.message
    assert list(card.charges) == [first["id"]]
    with pytest.raises(GatewayError) as other:
        card.charge({"token": token, "amount": "6.00"}, "ch-1")
    assert other.value.code == "idempotency_key_reused"


def test_a_payment_is_looked_up_after_the_window_as_it_is_now(card, clock):
    token = card.tokenize(CARD, "tok")["id"]
    charge = card.charge({"token": token, "amount": "5.00"}, "ch-1")
    later(clock, days=3)
    card.refund({"charge": charge["id"], "amount": "1.00"}, "re-1")
    later(clock, days=9)
    found = card.lookup("ch-1")
    assert (found["operation"], found["status"], found["body"]["id"]) == (
        "charge",
        200,
        charge["id"],
    )
    assert found["body"]["amount_refunded"] == "1.00"
    assert card.lookup("re-1")["body"]["amount"] == "1.00"


def test_a_hold_is_looked_up_after_the_window_with_its_status_now(card, clock):
    token = card.tokenize(CARD, "tok")["id"]
    hold = card.authorize({"token": token, "amount": "1.00"}, "auth-1")
    later(clock, days=30)
    found = card.lookup("auth-1")["body"]
    assert (found["id"], found["status"]) == (hold["id"], "released")


def test_a_stored_decline_is_looked_up_after_the_window(card, clock):
    token = card.tokenize(DECLINED, "tok")["id"]
    with pytest.raises(GatewayError) as declined:
        card.charge({"token": token, "amount": "5.00"}, "ch-declined")
    later(clock, days=2)
    found = card.lookup("ch-declined")
    assert (found["status"], found["body"]) == (402, declined.value.to_body())


def test_keys_that_made_no_payment_are_forgotten_after_the_window(card, clock):
    first = card.tokenize(CARD, "tok")
    later(clock, hours=24)
    with pytest.raises(GatewayError) as gone:
        card.lookup("tok")
    assert gone.value.status == 404
    again = card.tokenize(CARD, "tok")  # as public card APIs: the key is free again
    assert again["fingerprint"] == first["fingerprint"]


def test_records_and_attempt_counters_stay_bounded_under_a_long_load(card, clock):
    """30 simulated days, 10 charges and 10 reads of unknown ids an hour: the store holds about
    one window of records and counters, and an index entry per payment."""
    token = card.tokenize(CARD, "tok")["id"]
    per_hour, hours = 10, 30 * 24
    peak = {"records": 0, "attempt_counters": 0}
    for hour in range(hours):
        clock.set(START + timedelta(hours=hour))
        for n in range(per_hour):
            card.charge({"token": token, "amount": "1.00"}, f"ch-{hour}-{n}")
            with pytest.raises(GatewayError):
                card.hold(f"auth-{hour}-{n}")
        counts = card.idempotency_counts()
        for name in peak:
            peak[name] = max(peak[name], counts[name])
    window = 24 * per_hour
    assert peak["records"] <= window + per_hour
    assert peak["attempt_counters"] <= 2 * (window + per_hour)
    assert card.idempotency_counts()["payment_keys"] == hours * per_hour


@pytest.fixture
def paypal(clock: SimClock) -> PayPalCore:
    core = PayPalCore(clock=clock, seed=5)
    core.buyers["payer@example.com"] = Buyer("payer@example.com", "PAYER1", "P", "Sim")
    return core


def vaulted(core: PayPalCore) -> str:
    setup = core.create_setup_token(setup_token_request(), request_id="setup")
    core.approve(setup["id"], "payer@example.com")
    return core.create_payment_token(payment_token_request(setup["id"]), request_id="vault")["id"]


def test_a_paypal_request_id_replays_for_6_hours_then_is_refused(paypal, clock):
    body = order_request("CAPTURE", vaulted(paypal))
    order = paypal.create_order(body, request_id="order-1")
    later(clock, hours=5, minutes=59)
    assert paypal.create_order(body, request_id="order-1") == order
    later(clock, hours=6)
    with pytest.raises(GatewayError) as late:
        paypal.create_order(body, request_id="order-1")
    assert late.value.status == 422
    assert late.value.to_body()["details"][0]["issue"] == "PAYPAL_REQUEST_ID_PREVIOUSLY_USED"
    assert list(paypal.orders) == [order["id"]]
    later(clock, days=20)
    found = paypal.lookup_request("order-1")
    assert (found["operation"], found["body"]["id"]) == ("orders.create", order["id"])
    assert found["body"]["purchase_units"][0]["payments"]["captures"]


def test_paypal_access_tokens_do_not_pile_up_under_hourly_logins(paypal, clock):
    """A client logging in every hour for 10 days: tokens leave once expired for another 9 h;
    an expired token is still answered as expired until then."""
    first = paypal.issue_access_token("shop", "secret", "client_credentials")["access_token"]
    for hour in range(1, 240):
        later(clock, hours=hour)
        paypal.issue_access_token("shop", "secret", "client_credentials")
        if hour == 10:
            with pytest.raises(GatewayError, match="expired"):
                paypal.check_access_token(first)
    assert len(paypal.access_tokens) <= 18
