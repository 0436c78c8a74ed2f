"""An engine that does not offer an optional feature answers its calls 501 NotOffered: the
client raises NotOffered naming the feature and the call, the OpenAPI document says which calls
may answer so, and `run` and `diff` say which feature in one line, no traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from mock_gateways.serve import Gateways
from simulator.cli import app
from simulator.clock import SimClock
from simulator.driver.client import HttpEngine, NotOffered, RemoteEngineError
from simulator.driver.openapi import openapi_document
from simulator.driver.server import create_app
from simulator.eventlog import EventLog

from .feature_suite import run_features

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


EXPECTED = "does not offer repayments, which this scenario uses: it answered POST /v1/accounts/"


def test_run_says_which_feature_the_engine_does_not_offer(
    engine_without_repayments: str, tmp_path: Path
) -> None:
    out = str(tmp_path / "out")
    args = ["run", "manual-repayment", "--engine-url", engine_without_repayments, "--out", out]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3
    assert EXPECTED in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_diff_says_which_feature_the_engine_does_not_offer(engine_without_repayments: str) -> None:
    args = ["diff", "manual-repayment", "--engine-url", engine_without_repayments]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert EXPECTED in result.output
    assert "Traceback" not in result.output


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


def test_the_feature_suite_skips_what_needs_repayments_and_counts_them(
    engine_without_repayments: str,
) -> None:
    run = run_features(engine_without_repayments, "-m", "manual_payment")
    assert run.counts["failed"] == 0 and run.counts["passed"] >= 1, run.output
    skipped = run.counts["skipped"]
    assert run.skipped == {"the engine under test does not offer repayments": skipped}, run.output
    assert run.not_offered == {"repayments": skipped} and skipped >= 10, run.output
