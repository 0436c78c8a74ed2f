"""Draws no engine can steer: fault hits, the issuer's release day and gateway-made ids come from
the seed and the call's coordinates (card or payer, instant, ordinal, attempt), never from the
idempotency keys or ids an engine chooses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock
from mock_gateways.common.errors import ResponseLost, ServerFault
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.core import ThreeDSServer

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "A"}
MASTERCARD = {**VISA, "number": "5555555555554444"}
HALF = {"kind": "server_error", "rate": "0.5"}

Naming = Callable[[str], str]


def plain(name: str) -> str:
    return f"acme-{name}"


def renamed(name: str) -> str:
    return f"{name.upper()}.other-spelling"


def card_day(naming: Naming, seed: int = 7) -> list[Any]:
    """A day of card calls as an engine makes them, each answer or fault kept, with the
    engine's keys spelled by `naming`; faults hit half of every operation's calls."""
    clock = SimClock(NOON)
    core = CardProcessor(clock=clock, seed=seed)
    core.faults.replace([HALF])
    seen: list[Any] = []

    def attempt(operation: Callable[..., dict[str, Any]], *args: Any, key: str) -> Any:
        # an engine's retries: the same key until it is answered, at most four times
        for _ in range(4):
            try:
                return operation(*args, naming(key))
            except ServerFault:
                seen.append(("server_error", key))
        return None

    tokens = [attempt(core.tokenize, card, key=f"tok-{i}") for i, card in enumerate([VISA] * 2)]
    tokens.append(attempt(core.tokenize, MASTERCARD, key="tok-mc"))
    live = [t["id"] for t in tokens if t is not None]
    for n, token in enumerate(live):
        body = {"token": token, "amount": "1.00"}
        auth = attempt(core.authorize, body, key=f"auth-{n}")
        seen.append(auth)
        charge = attempt(core.charge, body, key=f"ded-{n}")
        seen.append(charge)
        clock.set(NOON + timedelta(hours=n + 1))
        if charge is not None:
            seen.append(attempt(core.refund, {"charge": charge["id"]}, key=f"ref-{n}"))
    seen.extend([tokens, core.state(), core.faults.times_fired()])
    return seen


def test_an_engine_that_names_its_keys_otherwise_gets_the_same_answers_faults_and_ids():
    first = card_day(plain)
    assert first == card_day(renamed)
    assert first != card_day(plain, seed=8)  # the seed still decides
    assert any(entry[0] == "server_error" for entry in first if isinstance(entry, tuple))


def test_the_same_card_twice_at_one_instant_is_two_calls_with_their_own_ids_and_days():
    """The ordinal tells apart two authorizations of one card at one instant: their ids and
    release days are drawn apart, though their keys say nothing."""
    core = CardProcessor(clock=SimClock(NOON), seed=3)
    token = core.tokenize(VISA, "k")["id"]
    holds = [core.authorize({"token": token, "amount": "1.00"}, f"k{i}") for i in range(40)]
    assert len({hold["id"] for hold in holds}) == 40
    assert len({hold["release_at"] for hold in holds}) > 1


def test_the_attempt_and_the_ordinal_move_the_draw():
    """A replay under one key is the same logical call, drawn again as its next attempt; a new
    key at the same instant for the same card is the next ordinal."""
    core = CardProcessor(clock=SimClock(NOON), seed=5)
    token = core.tokenize(VISA, "tok")["id"]
    core.faults.replace([{"kind": "timeout", "endpoint": "charge", "rate": "0.5"}])
    body = {"token": token, "amount": "2.00"}
    for n in range(20):
        for _ in range(4):  # until answered, as an engine retries
            try:
                core.charge(body, f"key-{n}")
                break
            except ResponseLost:
                pass
    logged = [(e["ordinal"], e["attempt"]) for e in core.fault_log]
    assert {ordinal for ordinal, _ in logged} < set(range(20))  # some calls were not hit
    assert {attempt for _, attempt in logged} >= {1, 2}  # a replay is drawn again
    assert len(core.charges) == 20  # a lost answer is a done charge, never done twice


def test_a_look_up_is_about_the_card_its_key_charged():
    """A look-up by key is placed with the card of the request it looks up: with faults on
    look-ups, renamed keys see the same look-ups fail."""

    def lookups(naming: Naming) -> list[str]:
        core = CardProcessor(clock=SimClock(NOON), seed=9)
        core.faults.replace([{"kind": "server_error", "endpoint": "lookup", "rate": "0.5"}])
        outcomes = []
        for n, card in enumerate([VISA, MASTERCARD] * 6):
            token = core.tokenize(card, naming(f"tok-{n}"))["id"]
            core.charge({"token": token, "amount": "3.00"}, naming(f"ded-{n}"))
            try:
                outcomes.append(core.lookup(naming(f"ded-{n}"))["body"]["id"])
            except ServerFault:
                outcomes.append("503")
        return outcomes

    first = lookups(plain)
    assert first == lookups(renamed)
    assert "503" in first and any(outcome.startswith("ch_") for outcome in first)


def test_a_clock_set_back_repeats_coordinates_but_never_an_id():
    clock = SimClock(NOON)
    core = CardProcessor(clock=clock, seed=1)
    token = core.tokenize(VISA, "tok")["id"]
    first = core.charge({"token": token, "amount": "1.00"}, "a")["id"]
    clock.set(NOON + timedelta(minutes=1))
    core.charge({"token": token, "amount": "1.00"}, "b")
    clock.set(NOON)  # the same instant again: ordinals count from 0 anew
    again = core.charge({"token": token, "amount": "1.00"}, "c")["id"]
    assert again != first and len(core.charges) == 3


def test_threeds_transactions_are_named_by_the_card_not_the_key():
    def transaction_ids(naming: Naming) -> list[str]:
        cards = CardProcessor(clock=SimClock(NOON), seed=2)
        server = ThreeDSServer(clock=cards.clock, seed=2, cards=cards)
        token = cards.tokenize(VISA, "tok")["id"]
        body = {
            "cardToken": token,
            "purchaseAmount": "1.00",
            "purchaseCurrency": "USD",
            "notificationURL": "https://merchant.example/3ds",
        }
        made = [server.authenticate(body, naming(f"3ds-{n}")) for n in range(3)]
        return [tx["threeDSServerTransID"] + tx["acsTransID"] for tx in made]

    first = transaction_ids(plain)
    assert first == transaction_ids(renamed) and len(set(first)) == 3


@pytest.mark.parametrize("intent", ["AUTHORIZE", "CAPTURE"])
def test_paypal_ids_come_from_the_payer_not_the_request_id(intent: str):
    def made(naming: Naming) -> list[str]:
        core = PayPalCore(clock=SimClock(NOON), seed=4)
        core.add_buyer("ap@acme.test")
        setup = core.create_setup_token(
            {
                "payment_source": {
                    "paypal": {
                        "usage_type": "MERCHANT",
                        "experience_context": {
                            "return_url": "https://merchant.example/back",
                            "cancel_url": "https://merchant.example/back",
                        },
                    }
                }
            },
            request_id=naming("setup"),
        )
        core.approve(setup["id"], "ap@acme.test")
        vault = core.create_payment_token(
            {"payment_source": {"token": {"id": setup["id"], "type": "SETUP_TOKEN"}}},
            request_id=naming("vault"),
        )
        order = core.create_order(
            {
                "intent": intent,
                "purchase_units": [{"amount": {"currency_code": "USD", "value": "1.00"}}],
                "payment_source": {"paypal": {"vault_id": vault["id"]}},
            },
            request_id=naming("order"),
        )
        payments = order["purchase_units"][0]["payments"]
        ids = [setup["id"], vault["id"], order["id"]]
        ids += [p["id"] for p in payments.get("authorizations", payments.get("captures", []))]
        return ids

    first = made(plain)
    assert first == made(renamed) and len(set(first)) == 4
