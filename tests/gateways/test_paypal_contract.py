"""Contract tests of the mock PayPal's REST API, as a client written from PayPal's documentation
uses it, over httpx.WSGITransport and over real HTTP on 127.0.0.1 (PAYPAL-1..3, AUTO-5)."""

from __future__ import annotations

import re
from datetime import timedelta

from mock_gateways.common.clock import format_instant
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.examples import (
    RETURN_URL,
    order_request,
    payment_token_request,
    setup_token_request,
)

SETUP = "/v3/vault/setup-tokens"
VAULT = "/v3/vault/payment-tokens"
ORDERS = "/v2/checkout/orders"
FULL = {"Prefer": "return=representation"}


def issue(response) -> str:
    return response.json()["details"][0]["issue"]


def test_oauth_client_credentials_and_bearer_tokens(paypal_api, paypal_core):
    """A token from /v1/oauth2/token (HTTP Basic); API calls need it; it expires in simulated
    time (X-Sim-Time moves the gateway's clock)."""
    client = paypal_api.client
    anyone = client.post(
        "/v1/oauth2/token", auth=("any-id", "any-secret"), data={"grant_type": "client_credentials"}
    )
    assert anyone.status_code == 200  # any client by default, as stripe-mock takes any key
    bad = client.post("/v1/oauth2/token", data={"grant_type": "client_credentials"})
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    no_grant = client.post("/v1/oauth2/token", auth=("billing-sim", "billing-sim-secret"))
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "unsupported_grant_type")

    missing = client.post(SETUP, json=setup_token_request(), headers={"PayPal-Request-Id": "x"})
    assert missing.status_code == 401
    assert (missing.json()["name"], issue(missing)) == (
        "AUTHENTICATION_FAILURE",
        "AUTHENTICATION_FAILURE",
    )
    forged = client.get(f"{SETUP}/ABC1234", headers={"Authorization": "Bearer forged"})
    assert (forged.status_code, forged.json()["error"]) == (401, "invalid_token")

    ok = paypal_api.post(SETUP, setup_token_request())
    assert ok.status_code == 201
    later = format_instant(paypal_core.now() + timedelta(hours=9))
    expired = client.get(
        f"{SETUP}/{ok.json()['id']}",
        headers={"Authorization": f"Bearer {paypal_api.token}", "X-Sim-Time": later},
    )
    assert (expired.status_code, expired.json()) == (
        401,
        {"error": "invalid_token", "error_description": "Access Token expired"},
    )
    assert expired.headers["X-Sim-Time"] == later


def test_paypal1_setup_token_approval_page_payment_token_authorize_void(paypal_api, paypal_core):
    """PAYPAL-1 end to end: approve link -> HTML page a browser can submit -> 303 back to the
    merchant -> payment token -> order AUTHORIZE on the vault id -> void (204)."""
    paypal_core.add_buyer("ap@acme.test")
    created = paypal_api.post(SETUP, setup_token_request())
    assert created.status_code == 201
    setup = created.json()
    approve = paypal_api.approve_link(setup)
    assert approve.startswith(paypal_core.public_url + "/agreements/approve?")

    page = paypal_api.client.get(approve)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for name in ("approval_session_id", "email", "action"):
        assert f'name="{name}"' in page.text
    assert f'value="{setup["id"]}"' in page.text

    submitted = paypal_api.client.post(
        "/agreements/approve",
        data={"approval_session_id": setup["id"], "email": "ap@acme.test", "action": "approve"},
    )
    assert submitted.status_code == 303
    assert submitted.headers["Location"] == (
        f"{RETURN_URL}?approval_token_id={setup['id']}&approval_session_id={setup['id']}"
    )
    assert paypal_api.get(f"{SETUP}/{setup['id']}").json()["status"] == "APPROVED"

    vaulted = paypal_api.post(VAULT, payment_token_request(setup["id"]))
    assert vaulted.status_code == 201
    token = vaulted.json()
    assert token["payment_source"]["paypal"]["email_address"] == "ap@acme.test"
    assert paypal_api.get(f"{VAULT}/{token['id']}").json() == token

    paid = paypal_api.post(ORDERS, order_request("AUTHORIZE", token["id"]), **FULL)
    assert paid.status_code == 201 and paid.json()["status"] == "COMPLETED"
    auth = paid.json()["purchase_units"][0]["payments"]["authorizations"][0]
    assert auth["amount"] == {"currency_code": "USD", "value": "1.00"}
    voided = paypal_api.post(f"/v2/payments/authorizations/{auth['id']}/void", None)
    assert (voided.status_code, voided.content) == (204, b"")
    assert paypal_api.get(f"/v2/payments/authorizations/{auth['id']}").json()["status"] == "VOIDED"
    order = paypal_api.get(f"{ORDERS}/{paid.json()['id']}").json()
    assert order["purchase_units"][0]["payments"]["authorizations"][0]["status"] == "VOIDED"


def test_authorize_then_capture_and_an_immediate_charge(paypal_api, paypal_core):
    paypal_core.add_buyer("ap@acme.test")
    vault_id = paypal_api.vaulted("ap@acme.test")
    minimal = paypal_api.post(ORDERS, order_request("AUTHORIZE", vault_id, "20.00"))
    assert set(minimal.json()) == {"id", "status", "links"}  # Prefer: return=minimal default
    order = paypal_api.get(f"{ORDERS}/{minimal.json()['id']}").json()
    auth_id = order["purchase_units"][0]["payments"]["authorizations"][0]["id"]
    captured = paypal_api.post(
        f"/v2/payments/authorizations/{auth_id}/capture",
        {"amount": {"currency_code": "USD", "value": "20.00"}, "final_capture": True},
        **FULL,
    )
    assert captured.status_code == 201
    capture = captured.json()
    assert (capture["status"], capture["amount"]["value"]) == ("COMPLETED", "20.00")
    assert paypal_api.get(f"/v2/payments/captures/{capture['id']}").json() == capture

    charged = paypal_api.post(ORDERS, order_request("CAPTURE", vault_id, "7.50"), **FULL)
    captures = charged.json()["purchase_units"][0]["payments"]["captures"]
    assert [(c["status"], c["amount"]["value"]) for c in captures] == [("COMPLETED", "7.50")]


def test_paypal3_cancelled_agreement_returns_to_the_merchant_and_is_not_vaulted(paypal_api):
    """PAYPAL-3: Cancel goes back to cancel_url; vaulting then fails PAYER_ACTION_REQUIRED."""
    setup = paypal_api.post(SETUP, setup_token_request()).json()
    cancelled = paypal_api.client.post(
        "/agreements/approve", data={"approval_session_id": setup["id"], "action": "cancel"}
    )
    assert (cancelled.status_code, cancelled.headers["Location"]) == (
        303,
        RETURN_URL + "?cancelled=1",
    )
    refused = paypal_api.post(VAULT, payment_token_request(setup["id"]))
    assert (refused.status_code, issue(refused)) == (422, "PAYER_ACTION_REQUIRED")


def test_paypal2_buyer_without_funding_source_sees_why_on_the_page(paypal_api, paypal_core):
    """PAYPAL-2: the page says a funding source is needed; vaulting fails PAYER_CANNOT_PAY;
    once an admin PATCH adds one, the buyer can agree."""
    added = paypal_api.client.post(
        "/__admin/buyers", json={"email": "broke@acme.test", "funding_source": False}
    )
    assert added.status_code == 201 and added.json()["funding_source"] is False
    setup = paypal_api.post(SETUP, setup_token_request()).json()
    form = {"approval_session_id": setup["id"], "email": "broke@acme.test", "action": "approve"}
    page = paypal_api.client.post("/agreements/approve", data=form)
    assert page.status_code == 422
    assert 'data-code="NO_FUNDING_SOURCE"' in page.text and "bank account or card" in page.text
    refused = paypal_api.post(VAULT, payment_token_request(setup["id"]))
    assert (refused.status_code, issue(refused)) == (422, "PAYER_CANNOT_PAY")

    patched = paypal_api.client.patch(
        "/__admin/buyers/broke@acme.test", json={"funding_source": True}
    )
    assert patched.json()["funding_source"] is True
    agreed = paypal_api.client.post(
        "/agreements/approve", data=form, headers={"Accept": "application/json"}
    )
    assert (agreed.status_code, agreed.json()["result"]) == (200, "APPROVED")
    assert paypal_api.post(VAULT, payment_token_request(setup["id"])).status_code == 201


def test_approval_page_errors_are_clear(paypal_api):
    setup = paypal_api.post(SETUP, setup_token_request()).json()
    unknown = paypal_api.client.post(
        "/agreements/approve",
        data={"approval_session_id": setup["id"], "email": "who@x.test", "action": "approve"},
    )
    assert unknown.status_code == 422
    assert 'data-code="UNKNOWN_BUYER"' in unknown.text
    assert "no PayPal account for who@x.test" in unknown.text
    gone = paypal_api.client.get(
        "/agreements/approve?approval_session_id=NOPE", headers={"Accept": "application/json"}
    )
    assert (gone.status_code, gone.json()["result"]) == (404, "EXPIRED_OR_UNKNOWN")
    no_email = paypal_api.client.post(
        "/agreements/approve", data={"approval_session_id": setup["id"], "action": "approve"}
    )
    assert no_email.status_code == 400 and 'data-code="MISSING_EMAIL"' in no_email.text


def test_request_id_replay_and_reuse_with_other_parameters(paypal_api, paypal_core):
    paypal_core.add_buyer("ap@acme.test")
    vault_id = paypal_api.vaulted("ap@acme.test")
    body = order_request("AUTHORIZE", vault_id, "3.00")
    first = paypal_api.post(ORDERS, body, "order-1", **FULL)
    replay = paypal_api.post(ORDERS, body, "order-1", **FULL)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert len(paypal_core.orders) == len(paypal_core.authorizations) == 1
    reused = paypal_api.post(ORDERS, order_request("AUTHORIZE", vault_id, "4.00"), "order-1")
    assert (reused.status_code, issue(reused)) == (422, "PAYPAL_REQUEST_ID_PREVIOUSLY_USED")
    missing = paypal_api.client.post(
        ORDERS, json=body, headers={"Authorization": f"Bearer {paypal_api.token}"}
    )
    assert (missing.status_code, issue(missing)) == (400, "PAYPAL_REQUEST_ID_REQUIRED")


def test_strict_credentials_accept_only_their_pair():
    """`PayPalCore(clients={...})` (`gateways serve --paypal-client ID:SECRET`): that pair only."""
    app = create_paypal_app(PayPalCore(clients={"shop": "s3cret"}))
    client = app.test_client()
    form = {"grant_type": "client_credentials"}

    def login(user: str, secret: str) -> tuple[int, str | None]:
        answer = client.post("/v1/oauth2/token", data=form, auth=(user, secret))
        return answer.status_code, answer.get_json().get("error")

    assert login("shop", "s3cret") == (200, None)
    assert login("shop", "other") == (401, "invalid_client")
    assert login("billing-sim", "billing-sim-secret") == (401, "invalid_client")


def test_admin_buyers_api(paypal_api):
    client = paypal_api.client
    made = client.post("/__admin/buyers", json={"email": "ap@acme.test", "decline": "charges"})
    assert made.status_code == 201
    assert made.json()["decline"] == "charges" and made.json()["funding_source"] is True
    same = client.post("/__admin/buyers", json={"email": "AP@acme.test", "decline": "charges"})
    assert (same.status_code, same.json()) == (200, made.json())
    other = client.post("/__admin/buyers", json={"email": "AP@acme.test"})
    assert (other.status_code, issue(other)) == (409, "BUYER_EXISTS")  # PayPal's shape here too
    assert client.get("/__admin/buyers").json()["buyers"] == [made.json()]
    assert client.get("/__admin/buyers/nobody@x.test").status_code == 404
    bad = client.post("/__admin/buyers", json={"email": 5})
    assert (bad.status_code, issue(bad)) == (400, "INVALID_FIELD")
    assert "email" in bad.json()["details"][0]["description"]
    state = client.get("/__admin/state").json()
    assert state["buyers"] == [made.json()]


def test_openapi_documents_every_route(paypal_app):
    """Every route of the app (but /openapi.json itself) is a documented path and method."""
    document = paypal_app.test_client().get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    for rule in paypal_app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule == "/openapi.json":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        path = re.sub(r"\{[a-z_]+_id\}", "{id}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)


def test_a_request_is_looked_up_by_its_paypal_request_id(paypal_api, paypal_core):
    """GET /v2/checkout/requests/{id}: what orders.create answered, in full, also after the
    6 h replay window (a late resend is refused, never a second payment); an unknown id is 404
    in PayPal's shape."""
    paypal_core.add_buyer("ap@acme.test")
    vault_id = paypal_api.vaulted("ap@acme.test")
    paid = paypal_api.post(ORDERS, order_request("CAPTURE", vault_id, "7.50"), "order-7", **FULL)
    assert paid.status_code == 201

    found = paypal_api.get("/v2/checkout/requests/order-7")
    assert found.status_code == 200
    assert found.json() == {
        "idempotency_key": "order-7",
        "operation": "orders.create",
        "status": 200,
        "body": paid.json(),
    }
    unknown = paypal_api.get("/v2/checkout/requests/never-sent")
    assert unknown.status_code == 404
    assert (unknown.json()["name"], issue(unknown)) == ("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")

    late = {"X-Sim-Time": format_instant(paypal_core.now() + timedelta(days=3))}
    client = paypal_api.client
    login = client.post(
        "/v1/oauth2/token", auth=("a", "b"), data={"grant_type": "client_credentials"}, headers=late
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}", **late}
    after = client.get("/v2/checkout/requests/order-7", headers=headers)
    assert (after.status_code, after.json()["body"]) == (200, paid.json())
    resent = client.post(
        ORDERS,
        json=order_request("CAPTURE", vault_id, "7.50"),
        headers={**headers, "PayPal-Request-Id": "order-7"},
    )
    assert (resent.status_code, issue(resent)) == (422, "PAYPAL_REQUEST_ID_PREVIOUSLY_USED")
    assert len(paypal_core.orders) == 1


def test_shell_errors_are_in_paypal_shape(paypal_api):
    """A bad X-Sim-Time, an unknown path, another method, an admin refusal: PayPal's shape."""
    client = paypal_api.client
    bad_time = client.get("/__admin/clock", headers={"X-Sim-Time": "yesterday"})
    assert bad_time.status_code == 400
    assert bad_time.json()["name"] == "INVALID_REQUEST"
    assert bad_time.json()["details"][0]["field"] == "X-Sim-Time"
    assert client.get("/v9/nothing").json()["name"] == "RESOURCE_NOT_FOUND"
    wrong_method = client.delete(ORDERS, headers={"Authorization": f"Bearer {paypal_api.token}"})
    assert (wrong_method.status_code, wrong_method.json()["name"]) == (405, "METHOD_NOT_SUPPORTED")
    bad_clock = client.post("/__admin/clock", json={})
    assert (bad_clock.status_code, issue(bad_clock)) == (400, "MISSING_FIELD")
