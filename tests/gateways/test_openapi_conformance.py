"""Schemathesis against each mock's own OpenAPI document, in process (WSGI), with every check it
has (`--checks all`), one operation at a time and in its stateful phase (sequences along the
links it infers): what a server answers is what its document lists, nothing answers 5xx, and
what the document allows the server takes and what it refuses the server refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.common.clock import SimClock
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.app import create_app as create_threeds_app

load_all_checks()
#: `--checks all`: every check Schemathesis has, the stateful ones included
ALL_CHECKS = CHECKS.get_all()
#: operations whose requests are bound by rules a JSON Schema cannot state (their documents
#: say them in words), so a request the schema allows may rightly be refused
BEYOND_SCHEMA = {
    "tokenize": "the number's Luhn digit and brand, and the expiry against the simulated time",
    "authenticate": "acctNumber's Luhn digit",
    "adminSetFaults": "a window's until after its from",
}
#: CI-sized: a few examples per operation, the same ones on every run
BOUNDED = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
#: the stateful phase, as small: a few sequences of a few calls
BOUNDED_WORKFLOWS = settings(BOUNDED, max_examples=8, stateful_step_count=6)


def checks_for(case: Any) -> list[Any]:
    """All the checks, less the acceptance of schema-valid data where rules beyond the schema
    apply (BEYOND_SCHEMA)."""
    if case.operation.definition.raw.get("operationId") in BEYOND_SCHEMA:
        return [check for check in ALL_CHECKS if check is not positive_data_acceptance]
    return ALL_CHECKS


def _paypal_app() -> tuple[object, str]:
    """The app and an access token for it. The token is issued at the last instant X-Sim-Time
    may name, so no generated header makes it expire and the API's own answers are reached."""
    clock = SimClock(datetime(9000, 12, 31, tzinfo=UTC))
    core = PayPalCore(clock=clock, seed=3)
    token = core.issue_access_token("any-client", "any-secret", "client_credentials")
    clock.set(datetime(2026, 1, 5, tzinfo=UTC))
    return create_paypal_app(core), token["access_token"]


card = schemathesis.openapi.from_wsgi("/openapi.json", create_card_app(seed=3))
threeds = schemathesis.openapi.from_wsgi("/openapi.json", create_threeds_app(seed=3))
_PAYPAL_APP, _PAYPAL_TOKEN = _paypal_app()
paypal = schemathesis.openapi.from_wsgi("/openapi.json", _PAYPAL_APP)
for _schema in (card, threeds, paypal):
    # ASCII text, where "printable" means the same to a pattern and to Python's isprintable
    # (test_common_fuzz sends the rest of Unicode)
    _schema.config.generation.update(codec="ascii")


def _bearer(path: str) -> dict[str, str] | None:
    """PayPal's API paths need the access token."""
    return (
        {"Authorization": f"Bearer {_PAYPAL_TOKEN}"} if path.startswith(("/v2/", "/v3/")) else None
    )


@card.parametrize()
@BOUNDED
def test_card_processor_keeps_its_document(case):
    case.call_and_validate(checks=checks_for(case))


@threeds.parametrize()
@BOUNDED
def test_threeds_server_keeps_its_document(case):
    case.call_and_validate(checks=checks_for(case))


@paypal.parametrize()
@BOUNDED
def test_paypal_keeps_its_document(case):
    case.call_and_validate(checks=checks_for(case), headers=_bearer(case.path))


def workflows(schema: Any) -> Any:
    """The schema's stateful phase as a test case class, with all the checks."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            headers = _bearer(case.path)
            return {} if headers is None else {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                checks=checks_for(case),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.TestCase.settings = BOUNDED_WORKFLOWS
    return Workflow.TestCase


TestCardWorkflows = workflows(card)
TestThreedsWorkflows = workflows(threeds)
TestPaypalWorkflows = workflows(paypal)


def test_paypal_answers_401_as_documented_without_a_live_token():
    """No Authorization header (PayPal's AUTHENTICATION_FAILURE) and a forged token (OAuth's
    invalid_token), on every operation behind the Bearer token."""
    checked = 0
    for result in paypal.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(("/v2/", "/v3/")):
            continue
        params = {"id": "UNKNOWN1"} if "{id}" in operation.path else None
        for headers in ({}, {"Authorization": "Bearer forged"}):
            body = {"body": {}} if operation.get_request_payload_content_types() else {}
            case = operation.Case(path_parameters=params, headers=headers, **body)
            response = case.call_and_validate(checks=ALL_CHECKS)
            assert response.status_code == 401
            checked += 1
    assert checked >= 2 * 12
