"""The driver protocol's bodies in docs/driver.md: every body a call of the served reference engine
sends or answers has an example in the protocol's OpenAPI document, the examples fit what the
engine is really sent and answers, and the docs show exactly those
(`python -m simulator.doc_tables`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient

from mock_gateways.common.app import core_of
from mock_gateways.paypal.customer import BrowserBuyer
from mock_gateways.serve import start_gateways
from mock_gateways.threeds.customer import BrowserCustomer
from simulator import doc_tables
from simulator.driver.server import create_app

#: the last two days of January, so the run sees a month end, its deductions and their statuses
START = "2026-01-30T09:00:00Z"
HEALTHY = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123"}
CHALLENGED = {**HEALTHY, "number": "4000002760003184"}

#: (METHOD, path as the document names it) -> (request body or None, status, answer)
Recorded = dict[tuple[str, str], tuple[Any, int, Any]]
ACCOUNT = "/v1/accounts/{account_id}"
METHOD = f"{ACCOUNT}/payment-methods/{{method_id}}"


class _Recorder:
    """Calls the served reference engine as the harness does and keeps each operation's first
    exchange, and the first refusal (the `Error` body)."""

    def __init__(self, client: FlaskClient, recorded: Recorded) -> None:
        self.client = client
        self.recorded = recorded

    def call(self, method: str, path: str, template: str, body: Any = None, **query: str) -> Any:
        answer = self.client.open(path, method=method, json=body, query_string=query)
        answered = answer.get_json()
        key = (method, template) if answer.status_code < 400 else ("error", "Error")
        self.recorded.setdefault(key, (body, answer.status_code, answered))
        return answered


def _browser(url: str, act: Any) -> None:
    with httpx.Client(timeout=10) as browser:
        act(browser, url)


def record_every_operation() -> Recorded:
    """One story through every operation on one seed: Ada links a card, then a challenged one
    she pays a repayment and a Coding Plan with; Dee links PayPal; Eve closes her account; the
    card processor loses every charge's answer from the month end on, so the month-end
    deductions stay unknown; then every read."""
    recorded: Recorded = {}
    with start_gateways(seed=7) as gateways:
        engine = _Recorder(create_app().test_client(), recorded)
        configuration = {"start": START, "seed": 7, "gateways": gateways.urls, "policy": {}}
        engine.call("POST", "/v1/configuration", "/v1/configuration", configuration)
        engine.call("GET", "/v1/test-clock", "/v1/test-clock")
        accounts = "/v1/accounts"
        opened = {"id": "ada", "country": "US", "tax_rate": "0.1", "balance": "0.00"}
        engine.call("POST", accounts, accounts, opened)
        ada = f"{accounts}/ada"
        link = {"kind": "card", "card": {**HEALTHY, "name": "ADA LOVELACE"}}
        engine.call("POST", f"{ada}/payment-methods", f"{ACCOUNT}/payment-methods", link)
        engine.call("POST", f"{ada}/products", f"{ACCOUNT}/products", {"product": "ecs"})
        usage = {
            "product": "ecs",
            "hourly_fee": "2.50",
            "from": START,
            "until": "2026-02-02T00:00:00Z",
        }
        engine.call("POST", f"{ada}/usage", f"{ACCOUNT}/usage", usage)
        challenged = {"kind": "card", "card": {**CHALLENGED, "name": "ADA LOVELACE"}}
        outcome = engine.client.post(f"{ada}/payment-methods", json=challenged).get_json()
        _browser(outcome["redirect_url"], lambda b, url: BrowserCustomer(b).act(url, "pass"))
        engine.call("POST", f"{ada}/payment-methods/1/complete", f"{METHOD}/complete")
        engine.call("POST", f"{ada}/payment-methods/1/default", f"{METHOD}/default")
        engine.call("DELETE", f"{ada}/payment-methods/0", METHOD)
        advance = "/v1/test-clock/advance"
        engine.call("POST", advance, advance, {"to": "2026-01-30T15:00:00Z", "inclusive": True})
        repayment = {"amount": "10.00", "method_id": 1}
        repaid = engine.call("POST", f"{ada}/repayments", f"{ACCOUNT}/repayments", repayment)
        _browser(repaid["redirect_url"], lambda b, url: BrowserCustomer(b).act(url, "pass"))
        engine.call("POST", f"{ada}/repayments/complete", f"{ACCOUNT}/repayments/complete")
        order = {"plan": "lite", "method_id": 1}
        ordered = engine.call("POST", f"{ada}/plan-orders", f"{ACCOUNT}/plan-orders", order)
        _browser(ordered["redirect_url"], lambda b, url: BrowserCustomer(b).act(url, "pass"))
        engine.call(
            "POST", f"{ada}/plan-orders/lite/complete", f"{ACCOUNT}/plan-orders/{{plan}}/complete"
        )
        core_of(gateways.apps["paypal"]).add_buyer("dee@paypal.test", funding_source=True)
        engine.client.post(accounts, json={"id": "dee", "country": "DE"})
        dee = f"{accounts}/dee"
        approval = engine.client.post(
            f"{dee}/payment-methods", json={"kind": "paypal", "threshold": "50.00"}
        ).get_json()
        _browser(
            approval["redirect_url"],
            lambda b, url: BrowserBuyer(b).act(url, "dee@paypal.test", "approve"),
        )
        engine.client.post(f"{dee}/payment-methods/0/complete")
        engine.client.post(f"{dee}/products", json={"product": "ecs"})
        engine.client.post(f"{dee}/usage", json={**usage, "hourly_fee": "1.00"})
        engine.client.post(accounts, json={"id": "eve", "country": "FR"})
        engine.call("POST", f"{accounts}/eve/deactivate", f"{ACCOUNT}/deactivate")
        engine.call("GET", f"{accounts}/nobody", ACCOUNT)  # the refusal: 404 UnknownAccount
        lost = [{"kind": "timeout", "endpoint": op} for op in ("charge", "lookup")]
        httpx.post(
            f"{gateways.urls['card']}/__admin/faults", json={"faults": lost}
        ).raise_for_status()
        month_end = engine.client.post(advance, json={"to": "2026-02-01T01:00:00Z"})
        assert month_end.status_code == 200, month_end.get_data(True)
        engine.call("GET", accounts, accounts)
        engine.call("GET", ada, ACCOUNT)
        engine.call("GET", f"{ada}/overview", f"{ACCOUNT}/overview", month="2026-01")
        engine.call(
            "GET",
            f"{ada}/spending-trend",
            f"{ACCOUNT}/spending-trend",
            **{"from": "2026-01", "to": "2026-02"},
        )
        engine.call("GET", f"{ada}/events", f"{ACCOUNT}/events", after="0")
        engine.call("GET", "/v1/events", "/v1/events", after="0")
        for path in ("/v1/ledger", "/v1/unknown-payments", "/v1/fees-by-day"):
            engine.call("GET", path, path)
    return recorded


def misfits(example: Any, answer: Any, where: str = "") -> list[str]:
    """Where `example` is shaped otherwise than `answer`: other keys in an object, another
    JSON type in a value. A null, or an empty list, on either side fits anything: one body of
    a schema stands for all of them, with a field set or not and a list long or empty."""
    if example is None or answer is None:
        return []
    if isinstance(example, dict) and isinstance(answer, dict):
        if set(example) != set(answer):
            return [
                f"{where or 'the body'} has keys {sorted(answer)}, documented {sorted(example)}"
            ]
        return [m for key in example for m in misfits(example[key], answer[key], f"{where}.{key}")]
    if isinstance(example, list) and isinstance(answer, list):
        return misfits(example[0], answer[0], f"{where}[0]") if example and answer else []
    if type(example) is not type(answer):
        return [f"{where}: {type(answer).__name__} answered, {type(example).__name__} documented"]
    return []


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    return record_every_operation()


def test_every_body_a_call_sends_or_answers_has_an_example() -> None:
    missing = [body.name for body in doc_tables.driver_bodies() if body.example is None]
    assert not missing, f"no example in simulator/driver/openapi.py EXAMPLES: {missing}"


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc_tables.openapi_document()["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def test_the_recorded_story_reaches_every_operation(recorded: Recorded) -> None:
    missing = {(method, path) for method, path, _ in operations()} - set(recorded)
    assert not missing and ("error", "Error") in recorded, missing


def test_each_example_fits_what_the_engine_is_sent_and_answers(recorded: Recorded) -> None:
    """The examples have the keys and value types the harness sends and the served reference
    engine answers, so an engine written from docs/driver.md reads and answers real calls."""
    bodies = {body.name: body for body in doc_tables.driver_bodies()}
    wrong = []
    for method, path, op in operations():
        sent, status, answered = recorded[method, path]
        request = doc_tables.schema_name(op.get("requestBody", {}).get("content", {}))
        documented, answer = doc_tables.success(op["responses"])
        name = doc_tables.schema_name(answer.get("content", {}))
        if documented != status:
            wrong.append(f"{method} {path}: documents {documented}, answers {status}")
        if request is not None:
            wrong += [f"{method} {path} sends: {m}" for m in misfits(bodies[request].example, sent)]
        if name is not None:
            # the answer itself, so the example in EXAMPLES can be replaced
            found = misfits(bodies[name].example, answered)
            wrong += [f"{method} {path} answers: {m}: {json.dumps(answered)}" for m in found]
    _, _, refusal = recorded["error", "Error"]
    wrong += [f"a refusal: {m}" for m in misfits(bodies[doc_tables.ERROR].example, refusal)]
    assert not wrong, "\n".join(wrong)


def test_misfits_finds_other_keys_and_types_but_takes_null_and_empty_lists() -> None:
    example = {"status": "linked", "reason": None, "methods": [{"id": 0}], "holds": []}
    assert misfits(example, {**example, "reason": "expired", "methods": []}) == []
    assert misfits(example, {**example, "holds": [{"id": 1}]}) == []
    assert misfits(example, {**example, "methods": [{"id": "0"}]}) == [
        ".methods[0].id: str answered, int documented"
    ]
    assert misfits(example, {"status": "linked"}) == [
        "the body has keys ['status'], documented ['holds', 'methods', 'reason', 'status']"
    ]


def test_the_docs_show_the_documents_examples() -> None:
    stale = doc_tables.stale("driver bodies")
    assert not stale, f"{stale}; regenerate with: {doc_tables.COMMAND}"
