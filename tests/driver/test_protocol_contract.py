"""The driver protocol over HTTP against the served reference engine: configuration, accounts,
links with their redirect URLs, usage windows accrued as the test clock moves, the overview,
events by cursor, refusals as bodies, and the OpenAPI document that describes it all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from mock_gateways.common.app import core_of
from mock_gateways.paypal.customer import BrowserBuyer
from mock_gateways.serve import Gateways
from mock_gateways.threeds.customer import BrowserCustomer

START = datetime(2026, 1, 1, tzinfo=UTC)
HEALTHY = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123"}
CHALLENGED = {**HEALTHY, "number": "4000002760003184"}


def at(hours: int = 0, days: int = 0) -> str:
    return (START + timedelta(hours=hours, days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def api(engine_url: str, gateways: Gateways) -> Any:
    with httpx.Client(base_url=engine_url, timeout=30) as client:
        answer = client.post(
            "/v1/configuration", json={"start": at(), "seed": 7, "gateways": gateways.urls}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"now": at()}
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def advance(api: httpx.Client, to: str) -> None:
    assert ok(api.post("/v1/test-clock/advance", json={"to": to})) == {"now": to}


def test_usage_accrues_as_the_clock_moves_and_the_month_end_deducts(api: httpx.Client) -> None:
    ok(api.post("/v1/accounts", json={"id": "ada", "country": "US", "tax_rate": "0.1"}))
    link = ok(
        api.post(
            "/v1/accounts/ada/payment-methods",
            json={"kind": "card", "card": {**HEALTHY, "name": "Ada"}},
        )
    )
    assert link == {
        "status": "linked", "method_id": 0, "kind": "card", "reason": None, "redirect_url": None,
    }  # fmt: skip
    assert ok(api.post("/v1/accounts/ada/products", json={"product": "ecs"}))["status"] == (
        "activated"
    )
    window = {"product": "ecs", "hourly_fee": "0.50", "from": at(), "until": at(days=40)}
    ok(api.post("/v1/accounts/ada/usage", json=window))

    advance(api, at(hours=10))
    account = ok(api.get("/v1/accounts/ada"))
    assert account["ledger"]["fees"] == "5.5"  # ten hours at 0.50, and 10% tax
    assert account["methods"] == [
        {"id": 0, "kind": "card", "status": "active", "token": account["methods"][0]["token"]}
    ]

    advance(api, at(days=31, hours=1))  # past February's first instant and its settlement
    overview = ok(api.get("/v1/accounts/ada/overview", params={"month": "2026-01"}))
    assert overview["total_spend"] == {"pretax": "372", "tax": "37.2", "total": "409.2"}
    assert overview["spend"] == [
        {"product": "ecs", "mode": "payg", "pretax": "372", "tax": "37.2", "total": "409.2"}
    ]
    types = [e["type"] for e in ok(api.get("/v1/accounts/ada/events"))["events"]]
    assert "deduction.initiated" in types and "deduction.succeeded" in types
    events = ok(api.get("/v1/events", params={"after": 2}))["events"]
    assert events[0]["seq"] == 3
    deduction = next(e for e in events if e["type"] == "deduction.initiated")
    assert (deduction["trigger"], deduction["at"]) == ("month_end", "2026-02-01T00:00:00Z")


def test_a_challenged_link_answers_the_challenge_page_the_customer_follows(
    api: httpx.Client,
) -> None:
    ok(api.post("/v1/accounts", json={"id": "bea", "country": "US"}))
    link = ok(
        api.post(
            "/v1/accounts/bea/payment-methods",
            json={"kind": "card", "card": {**CHALLENGED, "name": "Bea"}},
        )
    )
    assert link["status"] == "challenge" and link["redirect_url"].startswith("http")
    with httpx.Client(timeout=10) as browser:
        BrowserCustomer(browser).act(link["redirect_url"], "pass")
    done = ok(api.post("/v1/accounts/bea/payment-methods/0/complete"))
    assert done["status"] == "linked"
    assert ok(api.get("/v1/accounts/bea"))["default_method_id"] == 0


def test_a_paypal_link_answers_the_approval_page_the_customer_follows(
    api: httpx.Client, gateways: Gateways
) -> None:
    core_of(gateways.apps["paypal"]).add_buyer("dee@paypal.test", funding_source=True)
    ok(api.post("/v1/accounts", json={"id": "dee", "country": "US"}))
    link = ok(
        api.post("/v1/accounts/dee/payment-methods", json={"kind": "paypal", "threshold": "50"})
    )
    assert link["status"] == "approval" and link["redirect_url"].startswith("http")
    with httpx.Client(timeout=10) as browser:
        BrowserBuyer(browser).act(link["redirect_url"], "dee@paypal.test", "approve")
    done = ok(api.post("/v1/accounts/dee/payment-methods/0/complete"))
    assert (done["status"], done["kind"]) == ("linked", "paypal")
    account = ok(api.get("/v1/accounts/dee"))
    assert account["threshold"] == "50"
    assert [e["type"] for e in ok(api.get("/v1/accounts/dee/events"))["events"]][-1] == (
        "payment_method.linked"
    )


def test_refusals_carry_the_engine_error_and_reason(api: httpx.Client) -> None:
    missing = api.get("/v1/accounts/nobody")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "UnknownAccount"
    ok(api.post("/v1/accounts", json={"id": "cy", "country": "US"}))
    refused = api.post("/v1/accounts/cy/repayments", json={"amount": "-1"})
    assert refused.status_code == 422
    assert refused.json()["error"]["reason"] == "invalid_amount"
    backwards = api.post("/v1/test-clock/advance", json={"to": "2025-01-01T00:00:00Z"})
    assert backwards.status_code == 400


def test_nothing_before_configuration(engine_url: str) -> None:
    answer = httpx.get(f"{engine_url}/v1/test-clock")
    assert answer.status_code == 409
    assert answer.json()["error"]["type"] == "NotConfigured"


def test_the_openapi_document_names_every_served_operation(engine_url: str) -> None:
    document = httpx.get(f"{engine_url}/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    from simulator.driver.server import create_app

    served = {
        (rule.rule.replace("<", "{").replace(">", "}").replace("int:", ""), method.lower())
        for rule in create_app().url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS") and rule.rule.startswith("/v1")
    }
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == described
