"""The engine's PayPal adapter (ports.PayPalGateway) over the direct, wsgi and http transports:
the same results everywhere (PAYPAL-1..3, AUTO-5), with and without injected faults."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing_engine.ports import GatewayResult, GatewayUnavailable
from mock_gateways.common.calls import Call as GatewayCall
from mock_gateways.common.faults import FaultPlan

TRANSPORT_NAMES = ("direct", "wsgi", "http")


def test_paypal1_link_then_one_dollar_authorized_and_voided(paypal_world):
    """PAYPAL-1 / AUTO-5 as the engine calls them: agreement vaulted with the payer's identity,
    a USD 1.00 authorization (released by PayPal after 29 days unless voided), then voided."""
    paypal_world.core.add_buyer("ap@acme.test")
    linked = paypal_world.link("ap@acme.test")
    assert linked.ok and linked.reason is None
    assert linked.payer_email == "ap@acme.test"
    assert linked.payer_id == paypal_world.core.buyer("ap@acme.test").payer_id
    auth = paypal_world.authorize(linked.payment_token_id)
    assert auth.ok
    assert auth.release_at == paypal_world.engine_clock.now() + timedelta(days=29)
    gateway = paypal_world.gateway
    assert gateway.void(auth.id, request_id="void-1") == GatewayResult(ok=True, id=auth.id)
    assert gateway.void(auth.id, request_id="void-2").reason == "previously_voided"
    late = gateway.capture(auth.id, Decimal("1.00"), request_id="cap-1")
    assert late.reason == "authorization_voided"


def test_paypal2_and_paypal3_reasons(paypal_world):
    """PAYPAL-2: no funding source -> paypal_no_funding_source. PAYPAL-3: cancelled or never
    approved -> paypal_agreement_not_approved."""
    core = paypal_world.core
    core.add_buyer("ap@acme.test")
    core.add_buyer("broke@acme.test", funding_source=False)
    assert paypal_world.link("broke@acme.test").reason == "paypal_no_funding_source"
    assert paypal_world.link("ap@acme.test", "cancel").reason == "paypal_agreement_not_approved"
    assert paypal_world.link("ap@acme.test", "abandon").reason == "paypal_agreement_not_approved"
    assert core.payment_tokens == {}


def test_paypal3_a_buyer_arriving_after_the_setup_token_expired(paypal_world):
    """The approve link lives 3 simulated days; a buyer arriving later finds it gone (judged at
    the engine's time on every transport) and the agreement is not approved."""
    paypal_world.core.add_buyer("ap@acme.test")
    gateway, clock = paypal_world.gateway, paypal_world.engine_clock
    setup = gateway.create_setup_token(return_url="https://billing.example/r", request_id="s1")
    clock.set(clock.now() + timedelta(days=3))
    outcome = paypal_world.buyer.act(setup.approve_url, "ap@acme.test", "approve")
    assert outcome is not None and outcome.result == "EXPIRED_OR_UNKNOWN"
    vault = gateway.create_payment_token(setup.setup_token_id, request_id="v1")
    assert vault.reason == "paypal_agreement_not_approved"


def test_a_buyer_whose_charges_decline_links_but_deductions_fail(paypal_world):
    paypal_world.core.add_buyer("ap@acme.test", decline="charges")
    token = paypal_world.link("ap@acme.test").payment_token_id
    auth = paypal_world.authorize(token, "30.00")
    assert auth.ok
    charged = paypal_world.gateway.charge(token, Decimal("42.10"), request_id="charge-1")
    assert charged == GatewayResult(ok=False, reason="declined")
    # funds already held by an authorization are not refused
    captured = paypal_world.gateway.capture(auth.id, Decimal("30.00"), request_id="cap-1")
    assert captured.ok and captured.id in paypal_world.core.captures


def test_charge_takes_the_amount_at_once(paypal_world):
    paypal_world.core.add_buyer("ap@acme.test")
    token = paypal_world.link("ap@acme.test").payment_token_id
    charged = paypal_world.gateway.charge(token, Decimal("150.25"), request_id="charge-1")
    assert charged.ok
    assert paypal_world.core.captures[charged.id].amount == Decimal("150.25")
    with pytest.raises(ValueError, match="whole cents"):
        paypal_world.gateway.charge(token, Decimal("1.005"), request_id="charge-2")


@pytest.mark.parametrize("transport", ["wsgi", "http"])
def test_expired_access_token_is_renewed_transparently(make_paypal_world, transport):
    """Over HTTP the adapter logs in with client credentials and logs in again when the token
    expires in simulated time (9 hours)."""
    world = make_paypal_world(transport)
    world.core.add_buyer("ap@acme.test")
    token = world.link("ap@acme.test").payment_token_id
    assert len(world.core.access_tokens) == 1
    world.engine_clock.set(world.engine_clock.now() + timedelta(hours=10))
    assert world.authorize(token).ok
    assert len(world.core.access_tokens) == 2


FAULTS = [
    {"kind": "server_error", "endpoint": "*", "rate": "0.3"},
    {"kind": "timeout", "endpoint": "*", "rate": "0.3"},
    {"kind": "reset", "endpoint": "orders.create", "rate": "0.2"},
    {"kind": "decline", "endpoint": "orders.create", "rate": "0.2"},
    {"kind": "latency", "endpoint": "*", "rate": "0.5", "latency_ms": 250},
]


def scripted_outcomes(world) -> list[str]:
    """A fixed script of engine calls; every outcome (or unavailability) as text."""
    world.core.add_buyer("a@acme.test")
    world.core.add_buyer("b@acme.test", decline="charges")
    world.core.add_buyer("c@acme.test", funding_source=False)
    world.core.faults.replace(FAULTS)
    outcomes: list[str] = []

    def record(call) -> object:
        try:
            result = call()
        except GatewayUnavailable:
            outcomes.append("unavailable")
            return None
        outcomes.append(repr(result))
        return result

    tokens = []
    for email in ("a@acme.test", "b@acme.test", "c@acme.test"):
        vault = record(lambda email=email: world.link(email))
        if vault is not None and vault.ok:
            tokens.append(vault.payment_token_id)
    gateway = world.gateway
    for i in range(12):
        token = tokens[i % len(tokens)]
        world.engine_clock.set(world.engine_clock.now() + timedelta(hours=1))
        auth = record(lambda token=token: world.authorize(token, "5.00"))
        if auth is not None and auth.ok:
            if i % 2:
                record(lambda auth=auth, i=i: gateway.void(auth.id, request_id=f"void-{i}"))
            else:
                record(
                    lambda auth=auth, i=i: gateway.capture(
                        auth.id, Decimal("5.00"), request_id=f"cap-{i}"
                    )
                )
        record(
            lambda token=token, i=i: gateway.charge(
                token, Decimal("12.00"), request_id=f"charge-{i}"
            )
        )
    return outcomes


def test_same_outcomes_on_every_transport_with_faults_on(make_paypal_world):
    """Faults are drawn from (seed, operation, request id, attempt): direct, wsgi and http see
    the same declines, replays after lost answers and unavailabilities."""
    worlds = {name: make_paypal_world(name, seed=99) for name in TRANSPORT_NAMES}
    runs = {name: scripted_outcomes(world) for name, world in worlds.items()}
    assert runs["direct"] == runs["wsgi"] == runs["http"]
    fired = {kind for entry in worlds["direct"].core.fault_log for kind in entry["faults"]}
    assert fired == {"server_error", "timeout", "reset", "decline", "latency"}
    assert any("reason='declined'" in outcome for outcome in runs["direct"])
    # the same gateway state too, but for the OAuth tokens only HTTP clients ask for
    states = {name: {**world.core.state(), "access_tokens": None} for name, world in worlds.items()}
    assert states["direct"] == states["wsgi"] == states["http"]


def test_gateway_unavailable_after_retries(paypal_world):
    paypal_world.core.faults.replace([{"kind": "server_error", "endpoint": "*", "rate": "1"}])
    with pytest.raises(GatewayUnavailable, match=r"setup-tokens\.create"):
        paypal_world.link("ap@acme.test")
    assert len(paypal_world.core.fault_log) == 4  # the adapter's four attempts


def test_a_lost_answer_over_real_http_is_replayed_not_repeated(make_paypal_world):
    """The server hangs past the client's read timeout after committing; the adapter resends
    with the same PayPal-Request-Id and gets the original authorization, not a second one."""
    world = make_paypal_world("http", hang_on_timeout=0.6, timeout=0.3)
    payer = world.core.add_buyer("ap@acme.test").payer_id
    token = world.link("ap@acme.test").payment_token_id
    plan = FaultPlan()
    plan.replace([{"kind": "timeout", "endpoint": "orders.create", "rate": "0.5"}])
    now = world.engine_clock.now()

    def lost(ordinal: int, attempt: int) -> bool:
        call = GatewayCall("paypal", "orders.create", payer, str(now), ordinal, attempt)
        return plan.decide(world.core.seed, call, now).response_lost

    # the payer's first order at this instant whose first answer is lost and second is not
    ordinal = next(n for n in range(100) if lost(n, 1) and not lost(n, 2))
    for n in range(ordinal):
        assert world.gateway.authorize(token, Decimal("1.00"), request_id=f"before-{n}").ok
    world.core.faults.replace(plan.to_json())
    auth = world.gateway.authorize(token, Decimal("1.00"), request_id="auth")
    assert auth.ok
    assert len(world.core.authorizations) == ordinal + 1
    assert [entry["faults"] for entry in world.core.fault_log] == [["timeout"]]
