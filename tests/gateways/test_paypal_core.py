"""The mock PayPal core on its JSON API, in process: the vault agreement (PAYPAL-1..3), orders,
void and capture, time-derived states, PayPal-Request-Id idempotency and seeded ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mock_gateways.common.clock import SimClock
from mock_gateways.common.errors import GatewayError
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.errors import OAuthError, PayPalError
from mock_gateways.paypal.examples import (
    order_request,
    payment_token_request,
    setup_token_request,
)


def issue(excinfo: pytest.ExceptionInfo[GatewayError]) -> str:
    return excinfo.value.to_body()["details"][0]["issue"]


def setup(core: PayPalCore, rid: str = "s1") -> str:
    return core.create_setup_token(setup_token_request(), request_id=rid)["id"]


def vaulted(core: PayPalCore, email: str = "ap@acme.test", rid: str = "v") -> str:
    token = setup(core, f"{rid}-setup")
    assert core.approve(token, email).ok
    return core.create_payment_token(payment_token_request(token), request_id=f"{rid}-vault")["id"]


def authorization(core: PayPalCore, vault_id: str, rid: str, value: str = "1.00") -> dict:
    created = core.create_order(order_request("AUTHORIZE", vault_id, value), request_id=rid)
    return created["purchase_units"][0]["payments"]["authorizations"][0]


@pytest.fixture
def core(paypal_core: PayPalCore) -> PayPalCore:
    paypal_core.add_buyer("ap@acme.test")
    paypal_core.add_buyer("broke@acme.test", funding_source=False)
    return paypal_core


def test_paypal1_agreement_approved_then_vaulted_then_one_dollar_authorized(core: PayPalCore):
    """PAYPAL-1: a setup token with an approve link, the buyer agrees, the payment token carries
    the payer, and an order with intent AUTHORIZE on it holds USD 1.00."""
    created = core.create_setup_token(setup_token_request(), request_id="s1")
    assert created["status"] == "PAYER_ACTION_REQUIRED"
    approve = [link for link in created["links"] if link["rel"] == "approve"]
    assert approve[0]["href"] == (
        f"http://paypal.sim/agreements/approve?approval_session_id={created['id']}"
    )
    outcome = core.approve(created["id"], "AP@Acme.test")  # logins ignore case
    assert outcome.result == "APPROVED"
    assert outcome.redirect_url == (
        "https://billing.example/return?"
        f"approval_token_id={created['id']}&approval_session_id={created['id']}"
    )
    assert core.get_setup_token(created["id"])["status"] == "APPROVED"
    token = core.create_payment_token(payment_token_request(created["id"]), request_id="v1")
    wallet = token["payment_source"]["paypal"]
    assert wallet["email_address"] == "ap@acme.test"
    assert wallet["payer_id"] == core.buyer("ap@acme.test").payer_id
    assert token["customer"] == created["customer"]
    assert core.get_setup_token(created["id"])["status"] == "VAULTED"

    paid = core.create_order(order_request("AUTHORIZE", token["id"]), request_id="o1")
    assert paid["status"] == "COMPLETED"
    assert paid["payment_source"]["paypal"]["attributes"]["vault"]["id"] == token["id"]
    auth = paid["purchase_units"][0]["payments"]["authorizations"][0]
    assert (auth["status"], auth["amount"]) == (
        "CREATED",
        {"currency_code": "USD", "value": "1.00"},
    )
    assert auth["expiration_time"] == "2026-02-03T09:00:00Z"  # 29 days
    assert core.get_authorization(auth["id"]) == auth


def test_paypal2_no_funding_source_blocks_the_agreement_until_one_is_added(core: PayPalCore):
    """PAYPAL-2: the page refuses, the token stays unapproved and vaulting says PAYER_CANNOT_PAY;
    once the buyer adds a funding source they can agree."""
    token = setup(core)
    outcome = core.approve(token, "broke@acme.test")
    assert (outcome.result, outcome.redirect_url) == ("NO_FUNDING_SOURCE", None)
    assert "no bank account or card" in outcome.message
    assert core.get_setup_token(token)["status"] == "PAYER_ACTION_REQUIRED"
    with pytest.raises(PayPalError) as refused:
        core.create_payment_token(payment_token_request(token), request_id="v1")
    assert (refused.value.status, issue(refused)) == (422, "PAYER_CANNOT_PAY")

    core.update_buyer("broke@acme.test", funding_source=True)
    assert core.approve(token, "broke@acme.test").ok
    assert core.create_payment_token(payment_token_request(token), request_id="v2")["id"]


@pytest.mark.parametrize("visit", ["never", "cancel", "cancel-without-login"])
def test_paypal3_unapproved_or_cancelled_agreement_cannot_be_vaulted(core: PayPalCore, visit):
    """PAYPAL-3: an agreement left unapproved or cancelled fails with PAYER_ACTION_REQUIRED."""
    token = setup(core)
    if visit != "never":
        email = "ap@acme.test" if visit == "cancel" else None
        outcome = core.cancel(token, email)
        assert (outcome.result, outcome.redirect_url) == (
            "CANCELLED",
            "https://billing.example/return?cancelled=1",
        )
    with pytest.raises(PayPalError) as refused:
        core.create_payment_token(payment_token_request(token), request_id="v1")
    assert issue(refused) == "PAYER_ACTION_REQUIRED"
    assert ("cancelled" in refused.value.description) == (visit != "never")
    assert core.payment_tokens == {}


def test_approval_page_refuses_unknown_buyers_and_a_second_account(core: PayPalCore):
    token = setup(core)
    unknown = core.approve(token, "nobody@acme.test")
    assert unknown.result == "UNKNOWN_BUYER" and "nobody@acme.test" in unknown.message
    assert core.get_setup_token(token)["status"] == "PAYER_ACTION_REQUIRED"
    assert core.approve(token, "ap@acme.test").ok
    assert core.approve(token, "ap@acme.test").ok  # the same buyer again: still agreed
    core.update_buyer("broke@acme.test", funding_source=True)
    assert core.approve(token, "broke@acme.test").result == "ALREADY_COMPLETED"
    assert core.cancel(token).result == "ALREADY_COMPLETED"


def test_setup_token_expires_after_three_simulated_days(core: PayPalCore):
    token = setup(core)
    clock: SimClock = core.clock  # type: ignore[assignment]
    clock.set(clock.now() + timedelta(days=3))
    with pytest.raises(PayPalError) as gone:
        core.get_setup_token(token)
    assert (gone.value.status, issue(gone)) == (404, "INVALID_RESOURCE_ID")
    with pytest.raises(PayPalError):
        core.approve(token, "ap@acme.test")


def test_void_and_capture_follow_the_authorization_state(core: PayPalCore):
    vault_id = vaulted(core)
    first = authorization(core, vault_id, "o1", "10.00")
    part = core.capture_authorization(
        first["id"],
        {"amount": {"currency_code": "USD", "value": "4.00"}, "final_capture": False},
        request_id="c1",
    )
    assert (part["status"], part["amount"]["value"]) == ("COMPLETED", "4.00")
    assert core.get_authorization(first["id"])["status"] == "PARTIALLY_CAPTURED"
    with pytest.raises(PayPalError) as too_much:
        core.capture_authorization(
            first["id"], {"amount": {"currency_code": "USD", "value": "6.01"}}, request_id="c2"
        )
    assert issue(too_much) == "MAX_CAPTURE_AMOUNT_EXCEEDED"
    rest = core.capture_authorization(first["id"], None, request_id="c3")
    assert rest["amount"]["value"] == "6.00"
    assert core.get_authorization(first["id"])["status"] == "CAPTURED"
    with pytest.raises(PayPalError) as captured:
        core.void_authorization(first["id"], request_id="v1")
    assert issue(captured) == "PREVIOUSLY_CAPTURED"

    second = authorization(core, vault_id, "o2")
    assert core.void_authorization(second["id"], request_id="v2")["status"] == "VOIDED"
    for call, expected in (
        (lambda: core.void_authorization(second["id"], request_id="v3"), "PREVIOUSLY_VOIDED"),
        (lambda: core.capture_authorization(second["id"], request_id="c4"), "AUTHORIZATION_VOIDED"),
    ):
        with pytest.raises(PayPalError) as refused:
            call()
        assert issue(refused) == expected


def test_authorization_expires_after_29_simulated_days(core: PayPalCore):
    auth = authorization(core, vaulted(core), "o1")
    clock: SimClock = core.clock  # type: ignore[assignment]
    clock.set(clock.now() + timedelta(days=29))
    assert core.get_authorization(auth["id"])["status"] == "EXPIRED"
    with pytest.raises(PayPalError) as expired:
        core.void_authorization(auth["id"], request_id="v1")
    assert issue(expired) == "AUTHORIZATION_EXPIRED"


def test_buyer_declines_charges_or_everything(core: PayPalCore):
    """A buyer flagged decline=charges links (the USD 1.00 authorization passes) but payments
    taken at once are declined; decline=all refuses both."""
    vault_id = vaulted(core)
    core.update_buyer("ap@acme.test", decline="charges")
    assert authorization(core, vault_id, "o1")["status"] == "CREATED"
    with pytest.raises(PayPalError) as declined:
        core.create_order(order_request("CAPTURE", vault_id, "25.00"), request_id="o2")
    assert (declined.value.status, issue(declined)) == (422, "INSTRUMENT_DECLINED")
    core.update_buyer("ap@acme.test", decline="all")
    with pytest.raises(PayPalError):
        authorization(core, vault_id, "o3")
    assert len(core.orders) == 1  # declined orders are not kept


def test_order_created_then_authorized_with_a_billing_agreement_token(core: PayPalCore):
    vault_id = vaulted(core)
    created = core.create_order(order_request("AUTHORIZE", None), request_id="o1")
    assert created["status"] == "CREATED"
    assert [link["rel"] for link in created["links"]] == ["self", "authorize"]
    with pytest.raises(PayPalError) as unapproved:
        core.authorize_order(created["id"], {}, request_id="a0")
    assert issue(unapproved) == "ORDER_NOT_APPROVED"
    with pytest.raises(PayPalError) as wrong_intent:
        core.capture_order(created["id"], {}, request_id="c0")
    assert issue(wrong_intent) == "ACTION_DOES_NOT_MATCH_INTENT"
    source = {"payment_source": {"token": {"id": vault_id, "type": "BILLING_AGREEMENT"}}}
    done = core.authorize_order(created["id"], source, request_id="a1")
    assert done["status"] == "COMPLETED"
    assert done["purchase_units"][0]["payments"]["authorizations"][0]["status"] == "CREATED"
    with pytest.raises(PayPalError) as again:
        core.authorize_order(created["id"], source, request_id="a2")
    assert issue(again) == "ORDER_ALREADY_AUTHORIZED"


def test_request_id_replays_the_first_answer_and_refuses_other_parameters(core: PayPalCore):
    vault_id = vaulted(core)
    first = core.create_order(order_request("CAPTURE", vault_id, "5.00"), request_id="same")
    assert core.create_order(order_request("CAPTURE", vault_id, "5.00"), request_id="same") == first
    assert len(core.orders) == len(core.captures) == 1
    with pytest.raises(PayPalError) as reused:
        core.create_order(order_request("CAPTURE", vault_id, "6.00"), request_id="same")
    body = reused.value.to_body()
    assert (reused.value.status, body["name"]) == (422, "UNPROCESSABLE_ENTITY")
    assert body["details"][0] == {
        "field": "PayPal-Request-Id",
        "location": "header",
        "issue": "PAYPAL_REQUEST_ID_PREVIOUSLY_USED",
        "description": "PayPal-Request-Id 'same' was already used for a different request",
    }
    with pytest.raises(PayPalError) as missing:
        core.create_order(order_request("CAPTURE", vault_id), request_id=None)
    assert (missing.value.status, issue(missing)) == (400, "PAYPAL_REQUEST_ID_REQUIRED")


@pytest.mark.parametrize(
    ("value", "status", "expected"),
    [
        (1.0, 400, "INVALID_PARAMETER_SYNTAX"),  # a JSON number: floats lose cents
        ("1.001", 422, "DECIMAL_PRECISION"),
        ("0.00", 422, "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ("-5", 422, "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ("1e3", 400, "INVALID_PARAMETER_SYNTAX"),
        ("10000000.00", 422, "TRANSACTION_LIMIT_EXCEEDED"),
    ],
)
def test_bad_amounts_are_refused_by_field_and_change_nothing(core, value, status, expected):
    body = order_request("AUTHORIZE", vaulted(core), "1.00")
    body["purchase_units"][0]["amount"]["value"] = value
    with pytest.raises(PayPalError) as refused:
        core.create_order(body, request_id="o1")
    detail = refused.value.to_body()["details"][0]
    assert (refused.value.status, detail["issue"]) == (status, expected)
    assert detail["field"] == "/purchase_units/0/amount/value"
    assert core.orders == {} and core.authorizations == {}


def test_only_usd_is_taken(core: PayPalCore):
    body = order_request("AUTHORIZE", vaulted(core))
    body["purchase_units"][0]["amount"]["currency_code"] = "EUR"
    with pytest.raises(PayPalError) as refused:
        core.create_order(body, request_id="o1")
    assert issue(refused) == "CURRENCY_NOT_SUPPORTED"


def test_ids_are_drawn_from_the_seed_not_from_chance():
    def run(seed: int) -> list[str]:
        core = PayPalCore(seed=seed)
        core.add_buyer("ap@acme.test")
        token = vaulted(core)
        return [token, core.buyer("ap@acme.test").payer_id, authorization(core, token, "o")["id"]]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_access_tokens_need_the_client_secret_and_expire_in_simulated_time(core: PayPalCore):
    core.clients = {"billing-sim": "billing-sim-secret"}  # strict: only this pair
    with pytest.raises(OAuthError) as bad:
        core.issue_access_token("billing-sim", "wrong", "client_credentials")
    assert (bad.value.status, bad.value.to_body()["error"]) == (401, "invalid_client")
    with pytest.raises(OAuthError) as grant:
        core.issue_access_token("billing-sim", "billing-sim-secret", None)
    assert grant.value.to_body() == {
        "error": "unsupported_grant_type",
        "error_description": "Grant Type is NULL",
    }
    issued = core.issue_access_token("billing-sim", "billing-sim-secret", "client_credentials")
    assert (issued["token_type"], issued["expires_in"]) == ("Bearer", 32400)
    assert core.check_access_token(issued["access_token"]).client_id == "billing-sim"
    clock: SimClock = core.clock  # type: ignore[assignment]
    clock.set(clock.now() + timedelta(seconds=32400))
    with pytest.raises(OAuthError) as expired:
        core.check_access_token(issued["access_token"])
    assert expired.value.to_body()["error_description"] == "Access Token expired"


def test_buyers_are_unique_and_reset_forgets_everything(core: PayPalCore):
    assert core.add_buyer("AP@acme.test") is core.buyer("ap@acme.test")  # the same again
    with pytest.raises(GatewayError) as duplicate:
        core.add_buyer("AP@acme.test", decline="all")
    assert (duplicate.value.status, duplicate.value.code) == (409, "buyer_exists")
    with pytest.raises(GatewayError) as bad:
        core.add_buyer("x@y.test", decline="sometimes")  # type: ignore[arg-type]
    assert bad.value.code == "invalid_field"
    vaulted(core)
    core.reset()
    state = core.admin_state()
    assert state["buyers"] == state["setup_tokens"] == state["payment_tokens"] == []
    assert state["idempotency_records"] == 0
