"""An engine that does not offer an optional feature answers its calls 501 NotOffered: the
client raises NotOffered naming the feature and the call, and the OpenAPI document says which
calls may answer so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from mock_gateways.common.server import RunningServer
from mock_gateways.serve import Gateways
from simulator.clock import SimClock
from simulator.driver.client import HttpEngine, NotOffered, RemoteEngineError
from simulator.driver.openapi import openapi_document
from simulator.driver.server import create_app
from simulator.eventlog import EventLog

REPAYMENTS = "/repayments"
START = datetime(2026, 1, 1, tzinfo=UTC)


def declining_repayments(engine: Any) -> Any:
    """The reference engine served, but every repayment call answered as one that does not
    offer them."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and REPAYMENTS in environ["PATH_INFO"]:
            return not_offered("repayments", start_response)
        return engine(environ, start_response)

    return app


def not_offered(feature: str, start_response: Any) -> list[bytes]:
    body = {"error": {"type": "NotOffered", "reason": feature, "message": "not here"}}
    start_response("501 Not Implemented", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


@pytest.fixture(scope="module")
def engine_without_repayments() -> Iterator[str]:
    with RunningServer(declining_repayments(create_app())) as server:
        yield server.url


def test_a_501_not_offered_is_raised_with_its_feature_and_call(
    engine_without_repayments: str, gateways: Gateways
) -> None:
    engine = HttpEngine.over_url(
        engine_without_repayments, clock=SimClock(START), events=EventLog()
    )
    engine.configure(start=START, gateways=gateways.urls, seed=7)
    engine.open_account("ada", country="US")
    with pytest.raises(NotOffered) as raised:
        engine.repay("ada", "all")
    assert (raised.value.feature, raised.value.call) == (
        "repayments",
        "POST /v1/accounts/ada/repayments",
    )


def test_a_501_for_a_feature_the_protocol_does_not_make_optional_is_a_broken_engine() -> None:
    def month_ends_not_offered(environ: dict[str, Any], start_response: Any) -> Any:
        return not_offered("month_end", start_response)

    with RunningServer(month_ends_not_offered) as server:
        engine = HttpEngine.over_url(server.url, clock=SimClock(START), events=EventLog())
        with pytest.raises(RemoteEngineError) as raised:
            engine.now()
    assert not isinstance(raised.value, NotOffered)


def test_the_openapi_document_says_which_calls_may_answer_not_offered() -> None:
    document = openapi_document()
    may_decline = {
        (method, path.removeprefix("/v1/accounts/{account_id}"))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "501" in operation["responses"]
    }
    assert may_decline == {
        ("post", "/payment-methods"),
        ("post", "/payment-methods/{method_id}/complete"),
        ("post", "/repayments"),
        ("post", "/repayments/complete"),
        ("post", "/plan-orders"),
        ("post", "/plan-orders/{plan}/complete"),
    }
    error = document["components"]["schemas"]["NotOffered"]["properties"]["error"]
    assert error["properties"]["reason"]["enum"] == ["paypal", "repayments", "coding_plan"]
