"""Fault injection (deterministic by seed and the call's coordinates) and the adapters' recovery:
the engine-visible outcome is identical on the direct, wsgi and http transports (H-2), and a lost
response never becomes a double charge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import httpx
import pytest

from billing_engine.adapters.http_client import (
    RETRY,
    Answer,
    Call,
    HttpTransport,
    call_idempotent,
    classify,
    idempotency_lookup,
)
from billing_engine.ports import CardDetails, GatewayUnavailable
from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.common.calls import Call as GatewayCall
from mock_gateways.common.core import FAULT_LOG_LIMIT
from mock_gateways.common.errors import GatewayError
from mock_gateways.common.faults import FAULT_FIELDS, FaultPlan, FaultRule
from mock_gateways.common.server import RunningServer

NOON = datetime(2026, 1, 5, 12, tzinfo=UTC)


def at(
    operation: str = "charge", subject: str = "card", ordinal: int = 0, attempt: int = 1
) -> GatewayCall:
    return GatewayCall("card", operation, subject, str(NOON), ordinal, attempt)


def test_decision_depends_on_seed_and_the_calls_coordinates_only():
    """H-2: the same seed and coordinates always decide the same way; each coordinate moves
    the draw (another call of the card then, another card, another attempt)."""
    plan = FaultPlan([FaultRule("server_error", rate=Fraction(1, 2))])

    def draws(seed: int, operation: str = "charge", subject: str = "card", attempt: int = 1):
        calls = [at(operation, subject, ordinal, attempt) for ordinal in range(200)]
        return [plan.decide(seed, call, NOON).before is not None for call in calls]

    first = draws(1)
    assert first == draws(1)
    assert 70 < sum(first) < 130  # about half
    assert first != draws(2)
    assert first != draws(1, subject="another card")
    assert first != draws(1, attempt=2)
    assert first != draws(1, operation="refund")


def test_a_rule_naming_an_operation_the_gateway_lacks_is_refused_with_the_valid_names(
    card_core,
):
    with pytest.raises(GatewayError) as refused:
        card_core.faults.replace([{"kind": "timeout", "endpoint": "chargez"}])
    assert refused.value.status == 400
    assert "chargez" in str(refused.value) and "charge, refund, lookup" in str(refused.value)
    assert card_core.faults.rules == []


def test_rule_window_and_endpoint():
    rule = FaultRule("timeout", endpoint="charge", from_=NOON, until=NOON + timedelta(hours=1))
    plan = FaultPlan([rule])
    assert plan.decide(0, at(), NOON).response_lost
    assert not plan.decide(0, at(), NOON + timedelta(hours=1)).response_lost
    assert not plan.decide(0, at(), NOON - timedelta(seconds=1)).response_lost
    assert not plan.decide(0, at("authorize"), NOON).response_lost


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "explode"},
        {"kind": "decline", "rate": "1.5"},
        {"kind": "decline", "rate": True},
        {"kind": "latency", "latency_ms": -1},
        {"kind": "timeout", "from": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        {"kind": "timeout", "from": "noon"},
        {"kind": "timeout", "start": "2026-01-01T00:00:00Z"},
        {"kind": "timeout", "ratee": "0.5"},
        "server_error",
    ],
)
def test_bad_fault_rules_are_refused_and_change_nothing(card_client, rule):
    card_client.post("/__admin/faults", json={"faults": [{"kind": "latency", "latency_ms": 5}]})
    response = card_client.post("/__admin/faults", json={"faults": [rule]})
    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid_fault")
    assert card_client.get("/__admin/faults").json["faults"][0]["kind"] == "latency"


def test_the_admin_api_takes_the_scenario_files_field_names_and_answers_with_them(card_client):
    """A rule is written with the same fields as a scenario file's fault (less `gateway`), and
    is shown back with them."""
    rule = {
        "kind": "decline",
        "endpoint": "charge",
        "rate": "0.25",
        "from": "2026-01-05T00:00:00Z",
        "until": "2026-01-12T00:00:00Z",
        "decline_code": "do_not_honor",
    }
    assert card_client.post("/__admin/faults", json={"faults": [rule]}).status_code == 200
    assert card_client.get("/__admin/faults").json["faults"] == [rule]
    assert set(rule) == set(FAULT_FIELDS) - {"latency_ms"}


@pytest.mark.parametrize("field", ["start", "end", "gateway", "ratee", "rate_limit"])
def test_an_unknown_field_is_refused_by_name_not_dropped(card_client, field):
    rule = {"kind": "timeout", "endpoint": "charge", field: "2026-01-01T00:00:00Z"}
    response = card_client.post("/__admin/faults", json={"faults": [rule]})
    error = response.json["error"]
    assert (response.status_code, error["code"], error["field"]) == (400, "invalid_fault", field)
    assert f"unknown field {field!r}" in error["message"]
    assert "from, until" in error["message"]
    assert card_client.get("/__admin/faults").json["faults"] == []


def test_paypal_refuses_an_unknown_fault_field_in_its_own_shape(paypal_api):
    response = paypal_api.client.post(
        "/__admin/faults", json={"faults": [{"kind": "timeout", "end": "2026-01-06T00:00:00Z"}]}
    )
    detail = response.json()["details"][0]
    assert (response.status_code, detail["issue"], detail["field"]) == (
        400,
        "INVALID_FAULT",
        "end",
    )
    assert "from/until" in detail["description"]


def test_the_openapi_fault_rule_lists_exactly_the_fields_taken(card_app):
    schema = card_app.test_client().get("/openapi.json").json["components"]["schemas"]
    assert set(schema["FaultRule"]["properties"]) == set(FAULT_FIELDS)
    assert schema["FaultRule"]["additionalProperties"] is False


def test_latency_is_recorded_only(card_core):
    """Latency never moves simulated time; it shows in the fault log."""
    card_core.faults.replace([{"kind": "latency", "latency_ms": 250}])
    before = card_core.now()
    card_core.tokenize(
        {"number": "4242424242424242", "exp_month": 1, "exp_year": 2030, "cvv": "123", "name": "A"},
        "k",
    )
    assert card_core.now() == before
    assert card_core.fault_log[0]["latency_ms"] == 250


def test_decline_fault_is_committed_and_replayed(card_core):
    """An injected decline is an issuer answer: stored, replayed, never a charge."""
    token = card_core.tokenize(
        {"number": "4242424242424242", "exp_month": 1, "exp_year": 2030, "cvv": "123", "name": "A"},
        "t",
    )["id"]
    card_core.faults.replace(
        [{"kind": "decline", "endpoint": "charge", "decline_code": "do_not_honor"}]
    )
    for _ in range(2):
        with pytest.raises(GatewayError) as declined:
            card_core.charge({"token": token, "amount": "3.00"}, "c")
        assert (declined.value.status, declined.value.code) == (402, "do_not_honor")
    assert card_core.charges == {}


FAULTS = [
    {"kind": "server_error", "rate": "0.3"},
    {"kind": "timeout", "rate": "0.3"},
    {"kind": "reset", "rate": "0.2"},
    {"kind": "decline", "endpoint": "charge", "rate": "0.2"},
    {"kind": "latency", "rate": "0.5", "latency_ms": 40},
]
CARDS = ["4242424242424242", "4000000000009995", "4000000000000341", "4000002760003184"]


def script(world) -> list[str]:
    """A fixed run of engine calls; returns what the engine saw, call by call. The acsURL's
    host is the one thing that differs by transport (it is where the page is served)."""
    world.card_core.faults.replace(FAULTS)
    world.threeds_core.faults.replace([rule for rule in FAULTS if "endpoint" not in rule])
    seen: list[str] = []

    def record(label: str, call, *args, **kwargs):
        try:
            outcome = call(*args, **kwargs)
        except GatewayUnavailable as err:
            outcome = f"unavailable: {err}"
        shown = repr(outcome).replace(world.threeds_core.public_url, "<threeds>")
        seen.append(f"{label}: {shown}")
        return outcome

    for n, number in enumerate(CARDS):
        card = CardDetails(number, 12, 2030, "123", "Ada")
        tokenized = record(f"tokenize {n}", world.card.tokenize, card, idempotency_key=f"t{n}")
        if not getattr(tokenized, "ok", False):
            continue
        token = tokenized.card.token
        auth = record(
            f"3ds {n}",
            world.threeds.authenticate,
            token,
            Decimal("1.00"),
            challenge_mandated=n % 2 == 0,
            return_url="https://billing.example/return",
            idempotency_key=f"3ds{n}",
        )
        if getattr(auth, "trans_status", None) == "C":
            world.customer.act(auth.acs_url, "pass")
            record(f"3ds result {n}", world.threeds.result, auth.transaction_id)
        hold = record(
            f"authorize {n}",
            world.card.authorize,
            token,
            Decimal("1.00"),
            descriptor="ALIBABACLOUD.COM",
            idempotency_key=f"a{n}",
            threeds_transaction_id=getattr(auth, "transaction_id", None),
        )
        world.engine_clock.set(world.engine_clock.now() + timedelta(days=2))
        if getattr(hold, "ok", False):
            record(f"hold {n}", world.card.hold, hold.id)
        for i in range(3):
            record(
                f"charge {n}.{i}",
                world.card.charge,
                token,
                Decimal("1000.00"),
                idempotency_key=f"c{n}.{i}",
                merchant_initiated=True,
            )
    return seen


def test_h2_engine_sees_the_same_outcomes_on_every_transport_with_faults_on(make_world):
    """H-2: with faults on, direct, wsgi and http give the engine identical outcomes, and
    every successful charge was made exactly once (no double charge after lost responses)."""
    results = {}
    for transport in ("direct", "wsgi", "http"):
        world = make_world(transport)
        results[transport] = script(world)
        charged = [
            line for line in results[transport] if line.startswith("charge") and "ok=True" in line
        ]
        assert len(world.card_core.charges) == len(charged)
        faults = {f for entry in world.card_core.fault_log for f in entry["faults"]}
        assert {"server_error", "timeout", "reset", "decline"} <= faults
    assert results["direct"] == results["wsgi"] == results["http"]


def test_lost_response_over_real_http_is_looked_up_not_recharged(make_world):
    """A genuine client read timeout after the gateway committed: the adapter looks the
    charge up by key and returns it; the card is charged once."""
    world = make_world("http", hang_on_timeout=0.6, timeout=0.2)
    token = world.card.tokenize(
        CardDetails("4242424242424242", 12, 2030, "123", "A"), idempotency_key="t"
    ).card
    world.card_core.faults.replace([{"kind": "timeout", "endpoint": "charge"}])
    result = world.card.charge(
        token.token, Decimal("50.00"), idempotency_key="c", merchant_initiated=True
    )
    assert result.ok
    assert list(world.card_core.charges) == [result.id]
    assert world.card_core.fault_log[0]["faults"] == ["timeout"]


@pytest.mark.parametrize("transport", ["direct", "wsgi", "http"])
def test_gateway_unavailable_after_retries(make_world, transport):
    """No usable answer after the retries: GatewayUnavailable, and nothing was charged."""
    world = make_world(transport)
    token = world.card.tokenize(
        CardDetails("4242424242424242", 12, 2030, "123", "A"), idempotency_key="t"
    ).card
    world.card_core.faults.replace([{"kind": "server_error", "endpoint": "charge"}])
    with pytest.raises(GatewayUnavailable):
        world.card.charge(
            token.token, Decimal("5.00"), idempotency_key="c", merchant_initiated=True
        )
    assert world.card_core.charges == {}
    assert len(world.card_core.fault_log) == 4


def test_reset_over_real_http_drops_the_connection_and_the_adapter_recovers(make_world):
    """An injected reset really breaks the HTTP response under a server; the adapter cannot
    know whether anything happened, looks the key up (nothing), resends and charges once."""
    world = make_world("http")
    token = world.card.tokenize(
        CardDetails("4242424242424242", 12, 2030, "123", "A"), idempotency_key="t"
    ).card
    world.card_core.faults.replace([{"kind": "reset", "endpoint": "charge", "rate": "1"}])
    raw = world.card.transport.client
    with pytest.raises(httpx.TransportError):
        raw.post(
            "/v1/charges",
            json={"token": token.token, "amount": "1.00"},
            headers={"Idempotency-Key": "raw"},
        )
    world.card_core.faults.replace(
        [{"kind": "reset", "endpoint": "charge", "rate": "1", "until": "2026-01-05T09:00:01Z"}]
    )
    world.engine_clock.set(datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC))
    with pytest.raises(GatewayUnavailable):
        world.card.charge(
            token.token, Decimal("2.00"), idempotency_key="c", merchant_initiated=True
        )
    world.engine_clock.set(datetime(2026, 1, 5, 9, 0, 1, tzinfo=UTC))
    result = world.card.charge(
        token.token, Decimal("2.00"), idempotency_key="c", merchant_initiated=True
    )
    assert result.ok and list(world.card_core.charges) == [result.id]
    assert {e["operation"] for e in world.card_core.fault_log} == {"charge"}


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (201, None, "answer"),
        (402, "declined", "answer"),
        (409, "idempotency_key_reused", "answer"),
        (503, "server_error", "RETRY"),
        (502, "connection_reset", "UNKNOWN"),
        (504, "response_lost", "UNKNOWN"),
        (500, "internal_error", "UNKNOWN"),
    ],
)
def test_classify_maps_answers_the_same_for_every_transport(status, code, expected):
    """Only an explicit "nothing was done" is resent blind; other 5xx are looked up first."""
    body = {"error": {"code": code, "message": "m"}} if code else {"id": "x"}
    outcome = classify(status, body)
    assert ("answer" if isinstance(outcome, Answer) else repr(outcome)) == expected


def test_connect_errors_are_retried_without_a_lookup():
    """Nothing reached the gateway: resend (same key), never look up; then unavailable."""
    sent: list[str] = []

    class Refusing(HttpTransport):
        def send(self, call: Call):
            sent.append(call.operation)
            return super().send(call)

    server = RunningServer(create_card_app())
    url = server.url
    server.stop()  # the port now refuses connections
    transport = Refusing.over_url(url, timeout=1)
    call = Call("charge", "POST", "/v1/charges", {"token": "t", "amount": "1.00"}, "k")
    assert transport.send(call) is RETRY
    sent.clear()
    with pytest.raises(GatewayUnavailable):
        call_idempotent(transport, call, lookup=idempotency_lookup("k"))
    assert sent == ["charge"] * 4
    transport.close()


def test_a_long_run_of_faults_keeps_the_latest_log_entries_and_counts_every_firing(card_client):
    """Memory stays bounded however long faults fire; the counts stay whole."""
    rules = [{"kind": "latency", "latency_ms": 1}, {"kind": "decline", "rate": "0"}]
    card_client.post("/__admin/faults", json={"faults": rules})
    calls = FAULT_LOG_LIMIT + 200
    for n in range(calls):
        card_client.get(f"/v1/idempotency/k{n}")
    shown = card_client.get("/__admin/faults").json
    assert shown["fired"] == [calls, 0]
    assert len(shown["log"]) == FAULT_LOG_LIMIT
    assert shown["log"][-1]["key"] == f"k{calls - 1}"
