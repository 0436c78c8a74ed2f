"""Fixtures of the conformance features: one BillingWorld per scenario over the transport
BILLING_SIM_TRANSPORT names (wsgi by default); rule tags registered as markers; and a failing
step reports the simulated time and each account's latest events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.rules import rule_registry

from .billing_world import BillingWorld, transport_from_env

REPORT_SECTION = "simulated world"


def pytest_configure(config: pytest.Config) -> None:
    # Feature tags become markers; each rule ID is one, so --strict-markers still catches typos.
    for rule_id, summary in rule_registry().items():
        config.addinivalue_line("markers", f"{rule_id}: {summary}")


@pytest.fixture
def billing() -> Iterator[BillingWorld]:
    world = BillingWorld(transport=transport_from_env())
    try:
        yield world
    finally:
        world.close()


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: dict[str, Any],
    exception: Exception,
) -> None:
    """Show QA what the world looked like when the step failed."""
    if "billing" not in request.fixturenames:
        return
    billing: BillingWorld = request.getfixturevalue("billing")
    try:
        report = billing.failure_report()
    except Exception as broken:  # the world itself may be what broke
        report = f"(the world could not be described: {broken!r})"
    request.node.add_report_section(
        "call", REPORT_SECTION, f"failed step: {step.keyword} {step.name}\n{report}"
    )
