"""Hypothesis fuzzing of every route of the mock PayPal (from its URL map): any body, form,
header or id gets a status below 500, and every error carries a stable code."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_gateways.common.clock import SimClock
from mock_gateways.paypal.app import create_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.examples import (
    capture_request,
    order_request,
    payment_token_request,
    setup_token_request,
)


def build():
    """The app with one of everything to aim at, and a valid access token."""
    core = PayPalCore(clock=SimClock(), seed=3)
    core.add_buyer("ap@acme.test")
    core.add_buyer("broke@acme.test", funding_source=False)
    pending = core.create_setup_token(setup_token_request(), request_id="s-pending")["id"]
    approved = core.create_setup_token(setup_token_request(), request_id="s-approved")["id"]
    core.approve(approved, "ap@acme.test")
    vaulted = core.create_setup_token(setup_token_request(), request_id="s-vaulted")["id"]
    core.approve(vaulted, "ap@acme.test")
    token = core.create_payment_token(payment_token_request(vaulted), request_id="v")["id"]
    created = core.create_order(order_request("AUTHORIZE", None), request_id="o-created")["id"]
    paid = core.create_order(order_request("AUTHORIZE", token, "9.00"), request_id="o-paid")
    auth = paid["purchase_units"][0]["payments"]["authorizations"][0]["id"]
    capture = core.capture_authorization(auth, capture_request("2.00"), request_id="c")["id"]
    access = core.issue_access_token("billing-sim", "billing-sim-secret", "client_credentials")
    ids = [pending, approved, vaulted, token, created, paid["id"], auth, capture, "ap@acme.test"]
    action = {"payment_source": {"paypal": {"vault_id": token}}}
    #: a valid body per route, the starting point of mutations
    valid = {
        "/v3/vault/setup-tokens": setup_token_request(),
        "/v3/vault/payment-tokens": payment_token_request(approved),
        "/v2/checkout/orders": order_request("CAPTURE", token, "3.00"),
        "/v2/checkout/orders/<order_id>/authorize": action,
        "/v2/checkout/orders/<order_id>/capture": action,
        "/v2/payments/authorizations/<authorization_id>/capture": capture_request("1.00"),
        "/__admin/buyers": {"email": "new@acme.test", "funding_source": True, "decline": "all"},
        "/__admin/buyers/<email>": {"funding_source": True, "decline": "charges"},
        "/__admin/clock": {"now": "2026-02-01T00:00:00Z"},
        "/__admin/faults": {"faults": [{"kind": "latency", "endpoint": "*", "rate": "0.5"}]},
    }
    return core, access["access_token"], ids, valid


CORE, ACCESS, IDS, VALID = build()
START = CORE.now()
CLIENT = create_app(CORE).test_client()


def fresh_start() -> None:
    """Undo what earlier examples did to time and faults (X-Sim-Time, /__admin/clock and
    /__admin/faults are fuzzed too), so the access token stays valid."""
    CORE.clock.set(START)  # type: ignore[attr-defined]
    CORE.faults.replace([])


ROUTES = sorted(
    (method, rule.rule)
    for rule in CLIENT.application.url_map.iter_rules()
    if rule.endpoint != "static"
    for method in rule.methods - {"HEAD", "OPTIONS"}
)
FORM_ROUTES = {"/v1/oauth2/token", "/agreements/approve"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
ids = st.sampled_from(IDS) | st.text(max_size=40)


def pointers(value: Any, path: tuple = ()) -> list[tuple]:
    """Every location inside a JSON value, as a path of keys and indexes."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += pointers(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += pointers(child, (*path, index))
    return found


def mutate(value: Any, path: tuple, replacement: Any, delete: bool) -> Any:
    if not path:
        return replacement
    copy = json.loads(json.dumps(value))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return copy


@st.composite
def bodies(draw, rule: str) -> bytes:
    """Raw bytes, any JSON value, or the route's valid body as is or with one part replaced or
    removed (mostly the latter: that is where validation bugs hide)."""
    valid = VALID.get(rule, {})
    kind = draw(st.sampled_from(["bytes", "json", "valid", "mutated", "mutated", "mutated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "valid":
        return json.dumps(valid).encode()
    path = draw(st.sampled_from(pointers(valid)))
    delete = bool(path) and draw(st.booleans())
    return json.dumps(mutate(valid, path, draw(json_values), delete)).encode()


#: what can travel in a header at all (no newlines)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
BEARER = f"Bearer {ACCESS}"
headers = st.fixed_dictionaries(
    {
        # mostly the valid token, so that bodies get past authentication and are validated
        "Authorization": st.sampled_from([BEARER] * 6 + ["Bearer nope", "Basic eA==", ""])
        | header_text,
    },
    optional={
        "PayPal-Request-Id": header_text | st.just("k" * 300),
        "Prefer": st.sampled_from(["return=representation", "return=minimal", "x"]),
        # within the token's 9 hours, or malformed
        "X-Sim-Time": st.sampled_from(["2026-01-01T01:00:00Z", "yesterday", "2026-01-01"]),
        "Accept": st.sampled_from(["application/json", "text/html", "*/*"]),
    },
)


def path_for(rule: str, draw_id: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", quote(draw_id, safe="") or "x", rule)


def assert_stable_error(response, path: str) -> None:
    """Below 500; an error names its code: PayPal's details[0].issue, OAuth's error, the shell's
    error.code, or the approval page's result / data-code."""
    assert response.status_code < 500, (path, response.status_code, response.data[:300])
    if response.status_code < 400:
        return
    if response.mimetype == "text/html":
        assert re.search(rb'data-code="[A-Z_]+"', response.data), response.data[:300]
        return
    body = response.get_json()
    assert isinstance(body, dict), response.data[:300]
    if "details" in body:
        assert re.fullmatch(r"[A-Z_]+", body["details"][0]["issue"])
    elif isinstance(body.get("error"), dict):
        assert re.fullmatch(r"[a-z_]+", body["error"]["code"])
    elif "result" in body:
        assert re.fullmatch(r"[A-Z_]+", body["result"])
    else:
        assert re.fullmatch(r"[a-z_]+", body["error"])


@pytest.mark.parametrize(("method", "rule"), [r for r in ROUTES if r[1] != "/__admin/reset"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), resource=ids, sent=headers)
def test_every_route_answers_any_json_or_bytes_below_500(method, rule, data, resource, sent):
    """/__admin/reset is left out: it would wipe what the other examples aim at."""
    body = data.draw(bodies(rule))
    fresh_start()
    path = path_for(rule, resource)
    response = CLIENT.open(
        path, method=method, data=body, headers={"Content-Type": "application/json", **sent}
    )
    assert_stable_error(response, path)


form_fields = st.dictionaries(
    st.sampled_from(["approval_session_id", "email", "action", "grant_type", "x"]),
    st.sampled_from([*IDS, "approve", "cancel", "client_credentials", "broke@acme.test", ""])
    | st.text(max_size=20),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from(sorted(FORM_ROUTES)), form=form_fields, sent=headers)
def test_form_routes_answer_any_form_below_500(rule, form, sent):
    """OAuth and the approval page take form posts (a browser's, a PayPal client's)."""
    fresh_start()
    credentials = {"Authorization": "Basic YmlsbGluZy1zaW06YmlsbGluZy1zaW0tc2VjcmV0"}
    response = CLIENT.post(rule, data=form, headers={**credentials, **sent})
    assert_stable_error(response, rule)
    query = CLIENT.get(rule, query_string=form, headers=sent)
    assert_stable_error(query, rule)


def test_an_oversized_body_is_413_in_paypal_shape():
    fresh_start()
    response = CLIENT.post(
        "/v2/checkout/orders",
        data=b"{" + b" " * 70_000 + b"}",
        headers={"Authorization": f"Bearer {ACCESS}", "PayPal-Request-Id": "big"},
    )
    assert response.status_code == 413
    assert response.get_json()["details"][0]["issue"] == "PAYLOAD_TOO_LARGE"
