"""Schemathesis against each mock's own OpenAPI document, in process (WSGI): every status, body,
content type and header a server answers is one its document lists, and nothing answers 5xx."""

from __future__ import annotations

from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.common.clock import SimClock
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.app import create_app as create_threeds_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
#: CI-sized: a few examples per operation, the same ones on every run
BOUNDED = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


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


@card.parametrize()
@BOUNDED
def test_card_processor_keeps_its_document(case):
    case.call_and_validate(checks=CHECKS)


@threeds.parametrize()
@BOUNDED
def test_threeds_server_keeps_its_document(case):
    case.call_and_validate(checks=CHECKS)


@paypal.parametrize()
@BOUNDED
def test_paypal_keeps_its_document(case):
    bearer = case.path.startswith(("/v2/", "/v3/"))
    headers = {"Authorization": f"Bearer {_PAYPAL_TOKEN}"} if bearer else None
    case.call_and_validate(checks=CHECKS, headers=headers)


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
            response = case.call_and_validate(checks=CHECKS)
            assert response.status_code == 401
            checked += 1
    assert checked >= 2 * 12
