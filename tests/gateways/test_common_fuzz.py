"""Property-based fuzzing of every endpoint of the card and 3DS apps (found from their URL maps,
so a new route is fuzzed too): any body, header or id is answered with a status below 500, and
every error is JSON with a stable `code`."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock
from mock_gateways.threeds.app import create_app as create_threeds_app
from mock_gateways.threeds.core import ThreeDSServer


def build_apps():
    """The two apps on one clock, with a token, an authorization and a charge to aim at."""
    clock = SimClock()
    cards = CardProcessor(clock=clock, seed=1)
    threeds = ThreeDSServer(clock=clock, seed=1, cards=cards)
    card = {
        "number": "4242424242424242",
        "exp_month": 1,
        "exp_year": 2030,
        "cvv": "123",
        "name": "A",
    }
    token = cards.tokenize(card, "fuzz-token")["id"]
    auth = cards.authorize({"token": token, "amount": "5.00"}, "fuzz-auth")["id"]
    charge = cards.charge({"token": token, "amount": "5.00"}, "fuzz-charge")["id"]
    challenge = threeds.authenticate(
        {
            "cardToken": token,
            "purchaseAmount": "1.00",
            "challengeMandated": True,
            "notificationURL": "https://a.example/r",
        },
        "fuzz-3ds",
    )["threeDSServerTransID"]
    apps = {"card": create_card_app(cards), "threeds": create_threeds_app(threeds)}
    return apps, [token, auth, charge, challenge, "fuzz-auth"]


APPS, KNOWN_IDS = build_apps()

PLAUSIBLE = {
    "number": st.sampled_from(["4242424242424242", "378282246310005", "4000000000001059", "1"]),
    "exp_month": st.integers(-1, 13),
    "exp_year": st.integers(1999, 2200),
    "cvv": st.sampled_from(["123", "1234", ""]),
    "name": st.text(max_size=5),
    "token": st.sampled_from(KNOWN_IDS),
    "cardToken": st.sampled_from(KNOWN_IDS),
    "acctNumber": st.sampled_from(["4242424242424242", "4000002760003184", "x"]),
    "amount": st.sampled_from(["1.00", "0", "1e9", "NaN", "-1", "0.001", "99999999"]),
    "purchaseAmount": st.sampled_from(["1.00", "Infinity", "1,00"]),
    "currency": st.sampled_from(["USD", "usd", "US", "€€€"]),
    "merchant_country": st.sampled_from(["US", "GB", "u"]),
    "charge": st.sampled_from(KNOWN_IDS),
    "notificationURL": st.sampled_from(["https://a.example/r", "ftp://x", "http://[", "r"]),
    "challengeMandated": st.booleans(),
    "merchant_initiated": st.booleans(),
    "now": st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-01", "2026-01-01T00:00:00"]),
    "seed": st.integers(),
    "faults": st.lists(
        st.fixed_dictionaries(
            {"kind": st.sampled_from(["latency", "decline", "nope"])},
            optional={"rate": st.sampled_from(["0.5", 2, "x"]), "endpoint": st.text(max_size=3)},
        ),
        max_size=2,
    ),
    "otp": st.text(max_size=7),
    "action": st.sampled_from(["submit", "cancel", "other"]),
}
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELD_VALUES = {name: strategy | ANY_JSON for name, strategy in PLAUSIBLE.items()}
OBJECTS = st.fixed_dictionaries({}, optional=FIELD_VALUES)
RAW_BODIES = (
    OBJECTS.map(json.dumps)
    | ANY_JSON.map(json.dumps)
    | st.binary(max_size=40)
    | st.just("[" * 5000 + "]" * 5000)
)
IDS = st.text(max_size=12) | st.sampled_from(KNOWN_IDS)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Idempotency-Key": st.text(max_size=300) | st.just("k"),
        "X-Sim-Time": st.sampled_from(["2026-02-01T00:00:00Z", "soon", "2026-02-01"]),
        "Content-Type": st.sampled_from(
            ["application/json", "text/plain", "application/x-www-form-urlencoded"]
        ),
    },
)
INJECTED = {"server_error", "response_lost", "connection_reset"}


def routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable()


@pytest.mark.parametrize("name", sorted(APPS))
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_input_gets_a_500_and_every_error_is_json(name, data):
    """Bad input of any kind (garbage JSON, wrong types, unknown ids, odd headers) is a 4xx
    with {"error": {"code", "message"}}, never a 500, on every endpoint."""
    app = APPS[name]
    client = app.test_client()
    method, rule = data.draw(st.sampled_from(routes(app)), label="route")
    path = re.sub(r"<[^>]+>", lambda _: quote(data.draw(IDS, label="id"), safe=""), rule)
    headers = {k: v for k, v in data.draw(HEADERS, label="headers").items() if header_safe(v)}
    body = data.draw(RAW_BODIES, label="body") if method != "GET" else None
    if rule.startswith("/acs/") and method == "POST" and data.draw(st.booleans()):
        form = data.draw(
            st.fixed_dictionaries(
                {}, optional={"otp": PLAUSIBLE["otp"], "action": PLAUSIBLE["action"]}
            )
        )
        response = client.post(path, data=form, headers=headers)
    else:
        response = client.open(path, method=method, data=body, headers=headers)
    try:
        assert response.status_code < 500 or (response.json["error"]["code"] in INJECTED), (
            f"{method} {path} -> {response.status_code} {response.get_data()[:200]!r}"
        )
        if response.status_code >= 400:
            error = response.json["error"]
            assert isinstance(error["code"], str) and re.fullmatch(r"[a-z_]+", error["code"])
            assert isinstance(error["message"], str) and error["message"]
    finally:
        client.delete("/__admin/faults")


@pytest.mark.parametrize("name", sorted(APPS))
def test_oversized_bodies_are_413_on_every_post(name):
    app = APPS[name]
    client = app.test_client()
    for method, rule in routes(app):
        if method != "POST":
            continue
        path = re.sub(r"<[^>]+>", "x", rule)
        # Form-encoded, so the challenge form reads it too; JSON views read any body.
        response = client.post(
            path, data=b"otp=" + b"1" * 70_000, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 413, path
        assert response.json["error"]["code"] == "body_too_large"
