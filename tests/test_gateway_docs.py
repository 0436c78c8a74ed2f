"""The gateways' request and response bodies in docs/gateways.md: every operation of the three mocks
has an example of each in its OpenAPI document, the examples are shaped as the servers really
answer, and the docs show exactly what the documents hold (`python -m simulator.doc_tables`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.app import create_app as create_threeds_app
from mock_gateways.threeds.core import ThreeDSServer
from simulator import doc_tables

#: a Monday, 09:00 UTC, the time every example was recorded at
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SIM_TIME = {"X-Sim-Time": "2026-01-05T09:00:00Z"}
RETURN_URL = "https://billing.example/return"

#: (gateway, operationId) -> (request body or None, status, response body or None)
Recorded = dict[tuple[str, str], tuple[Any, int, Any]]


class _Recorder:
    """Calls one gateway's app as a client would and keeps each operation's first exchange."""

    def __init__(self, gateway: str, app: Flask, recorded: Recorded) -> None:
        self.gateway = gateway
        self.client = app.test_client()
        self.recorded = recorded

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = None,
        key_header: str = "Idempotency-Key",
    ) -> Any:
        sent = {**SIM_TIME, **(headers or {})}
        if key is not None:
            sent[key_header] = key
        answer = self.client.open(path, method=method, json=json, data=form, headers=sent)
        assert answer.status_code < 400, (operation, answer.status_code, answer.get_data(True))
        body = answer.get_json(silent=True)
        self.recorded.setdefault(
            (self.gateway, operation), (json if form is None else form, answer.status_code, body)
        )
        return body if body is not None else answer


def record_every_operation() -> Recorded:
    """One pass through every operation of the three mocks on one clock: link a card with a 3D
    Secure challenge, hold, void, capture, charge, refund; vault PayPal, order, authorize,
    void, capture; and look each kind of request up by its key."""
    clock = SimClock(AT)
    cards = CardProcessor(clock=clock, seed=7)
    recorded: Recorded = {}
    card = _Recorder("card", create_card_app(cards), recorded)
    threeds = _Recorder(
        "threeds", create_threeds_app(ThreeDSServer(clock=clock, seed=7, cards=cards)), recorded
    )
    _card_and_threeds(card, threeds)
    paypal = _Recorder("paypal", create_paypal_app(PayPalCore(clock=clock, seed=7)), recorded)
    _paypal(paypal)
    return recorded


def _card_and_threeds(card: _Recorder, threeds: _Recorder) -> None:
    typed = {
        "number": "4000002760003184",
        "exp_month": 12,
        "exp_year": 2030,
        "cvv": "123",
        "name": "JANE DOE",
    }
    token = card.call("tokenize", "POST", "/v1/tokens", json=typed, key="acme-tok-1")
    card.call("getToken", "GET", f"/v1/tokens/{token['id']}")
    asked = {
        "cardToken": token["id"],
        "purchaseAmount": "1.00",
        "purchaseCurrency": "USD",
        "challengeMandated": True,
        "notificationURL": RETURN_URL,
        "merchantName": "ALIBABACLOUD.COM",
    }
    auth = threeds.call("authenticate", "POST", "/v1/authentications", json=asked, key="acme-3ds-1")
    threeds.call("result", "GET", f"/v1/authentications/{auth['threeDSServerTransID']}")
    page = urlsplit(auth["acsURL"]).path
    threeds.call("challengePage", "GET", page)
    threeds.call("challengeSubmit", "POST", page, form={"action": "submit", "otp": "123456"})
    threeds.call("lookup", "GET", "/v1/idempotency/acme-3ds-1")
    hold = {
        "token": token["id"],
        "amount": "1.00",
        "currency": "USD",
        "descriptor": "ALIBABACLOUD.COM",
        "threeds_transaction_id": auth["threeDSServerTransID"],
    }
    held = card.call("authorize", "POST", "/v1/authorizations", json=hold, key="acme-auth-1")
    card.call("hold", "GET", f"/v1/authorizations/{held['id']}")
    card.call("void", "POST", f"/v1/authorizations/{held['id']}/void", json={}, key="acme-void-1")
    again = card.call(
        "authorize",
        "POST",
        "/v1/authorizations",
        json=hold,
        key="acme-auth-2",
    )
    card.call(
        "capture",
        "POST",
        f"/v1/authorizations/{again['id']}/capture",
        json={"amount": "1.00"},
        key="acme-capture-1",
    )
    charge = {
        "token": token["id"],
        "amount": "1000.00",
        "currency": "USD",
        "merchant_initiated": True,
    }
    charged = card.call("charge", "POST", "/v1/charges", json=charge, key="acme-ded-1")
    refund = {"charge": charged["id"], "amount": "10.00"}
    card.call("refund", "POST", "/v1/refunds", json=refund, key="acme-refund-1")
    card.call("lookup", "GET", "/v1/idempotency/acme-ded-1")


def _paypal(paypal: _Recorder) -> None:
    paypal.call("adminAddBuyer", "POST", "/__admin/buyers", json={"email": "ap@acme.test"})
    token = paypal.call(
        "oauth2.token",
        "POST",
        "/v1/oauth2/token",
        form={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic YmlsbGluZy1zaW06YmlsbGluZy1zaW0tc2VjcmV0"},
    )
    # as the engine's adapter asks: whole objects, not PayPal's minimal answers (and a void's
    # authorization rather than 204)
    bearer = {
        "Authorization": f"Bearer {token['access_token']}",
        "Prefer": "return=representation",
    }
    keyed: Callable[..., Any] = lambda op, path, body, key: paypal.call(  # noqa: E731
        op, "POST", path, json=body, headers=bearer, key=key, key_header="PayPal-Request-Id"
    )
    read: Callable[[str, str], Any] = lambda op, path: paypal.call(  # noqa: E731
        op, "GET", path, headers=bearer
    )
    setup_body = {
        "payment_source": {
            "paypal": {
                "description": "Usage billing",
                "usage_type": "MERCHANT",
                "customer_type": "CONSUMER",
                "experience_context": {"return_url": RETURN_URL, "cancel_url": RETURN_URL},
            }
        }
    }
    setup = keyed("setup-tokens.create", "/v3/vault/setup-tokens", setup_body, "acme-pp-1")
    read("setup-tokens.get", f"/v3/vault/setup-tokens/{setup['id']}")
    approve = next(link["href"] for link in setup["links"] if link["rel"] == "approve")
    session = parse_qs(urlsplit(approve).query)["approval_session_id"][0]
    paypal.call("approvalPage", "GET", f"/agreements/approve?approval_session_id={session}")
    paypal.call(
        "approvalSubmit",
        "POST",
        "/agreements/approve",
        form={"approval_session_id": session, "email": "ap@acme.test", "action": "approve"},
        headers={"Accept": "application/json"},
    )
    vault_body = {"payment_source": {"token": {"id": setup["id"], "type": "SETUP_TOKEN"}}}
    vaulted = keyed("payment-tokens.create", "/v3/vault/payment-tokens", vault_body, "acme-pp-2")
    read("payment-tokens.get", f"/v3/vault/payment-tokens/{vaulted['id']}")
    source = {"paypal": {"vault_id": vaulted["id"]}}

    def order(intent: str, value: str, key: str, *, vaulted: bool = True) -> Any:
        body: dict[str, Any] = {
            "intent": intent,
            "purchase_units": [{"amount": {"currency_code": "USD", "value": value}}],
        }
        if vaulted:
            body["payment_source"] = source
        return keyed("orders.create", "/v2/checkout/orders", body, key)

    check = order("AUTHORIZE", "1.00", "acme-pp-3")
    read("orders.get", f"/v2/checkout/orders/{check['id']}")
    auth_id = check["purchase_units"][0]["payments"]["authorizations"][0]["id"]
    read("authorizations.get", f"/v2/payments/authorizations/{auth_id}")
    keyed("authorizations.void", f"/v2/payments/authorizations/{auth_id}/void", {}, "acme-pp-4")
    paid = order("CAPTURE", "100.00", "acme-ded-1")
    capture_id = paid["purchase_units"][0]["payments"]["captures"][0]["id"]
    read("captures.get", f"/v2/payments/captures/{capture_id}")
    open_auth = order("AUTHORIZE", "10.00", "acme-pp-5", vaulted=False)
    authorized = keyed(
        "orders.authorize",
        f"/v2/checkout/orders/{open_auth['id']}/authorize",
        {"payment_source": source},
        "acme-pp-6",
    )
    auth_id = authorized["purchase_units"][0]["payments"]["authorizations"][0]["id"]
    keyed(
        "authorizations.capture",
        f"/v2/payments/authorizations/{auth_id}/capture",
        {"amount": {"currency_code": "USD", "value": "10.00"}, "final_capture": True},
        "acme-pp-7",
    )
    open_capture = order("CAPTURE", "10.00", "acme-pp-8", vaulted=False)
    keyed(
        "orders.capture",
        f"/v2/checkout/orders/{open_capture['id']}/capture",
        {"payment_source": source},
        "acme-pp-9",
    )
    read("lookup", "/v2/checkout/requests/acme-ded-1")


def shape(value: Any) -> Any:
    """What a body looks like, its values aside: the keys of each object (and of the first item
    of each list), each value's JSON type."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    return record_every_operation()


def test_every_operation_of_every_gateway_has_its_bodies_documented():
    """Each operation the docs list has a request example when it takes a body, and an example
    of its success answer when that answer is JSON."""
    missing = [
        f"{op.gateway} {op.operation_id}: {what}"
        for op in doc_tables.gateway_operations()
        for what in op.missing_examples()
    ]
    assert not missing, "\n".join(missing)


def test_the_recorded_flow_reaches_every_documented_operation(recorded: Recorded):
    documented = {(op.gateway, op.operation_id) for op in doc_tables.gateway_operations()}
    assert documented <= set(recorded), documented - set(recorded)


def test_each_example_is_shaped_as_the_gateway_answers(recorded: Recorded):
    """The examples in the OpenAPI documents have the keys and value types the servers really
    send and answer (ids and times aside), so a client written from the docs reads real
    answers."""
    wrong = []
    for op in doc_tables.gateway_operations():
        sent, status, answered = recorded[op.gateway, op.operation_id]
        if op.request_example is not None and shape(op.request_example) != shape(sent):
            wrong.append(f"{op.gateway} {op.operation_id} is sent: {json.dumps(sent)}")
        if op.status != status:
            wrong.append(f"{op.gateway} {op.operation_id}: documents {op.status}, answers {status}")
        if op.response_example is not None and shape(op.response_example) != shape(answered):
            # the answer itself, so the example in mock_gateways/*/openapi.py can be replaced
            wrong.append(f"{op.gateway} {op.operation_id} now answers: {json.dumps(answered)}")
    assert not wrong, "\n".join(wrong)


def test_the_docs_show_the_documents_examples():
    stale = doc_tables.stale("gateways")
    assert not stale, f"{stale}; regenerate with: {doc_tables.COMMAND}"
