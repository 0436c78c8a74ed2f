"""Fixtures and hooks of the conformance features: one BillingWorld per scenario over the
transport BILLING_SIM_TRANSPORT names (wsgi by default); rule tags and feature file names
registered as markers; a failing step reports the simulated time and each account's latest
events; a step no definition matches names the closest known steps; a scenario that needs what
the engine under test does not offer is skipped; the run ends naming the rules that failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from simulator.driver.client import NotOffered
from simulator.driver.optional_features import OPTIONAL_FEATURES
from simulator.rules import rule_registry

from .billing_world import BillingWorld, engine_url_from_env, transport_from_env
from .rule_verdicts import NOT_OFFERED_PROPERTY, RuleVerdicts, not_offered_reason
from .step_catalogue import FEATURES_DIR, suggestion

REPORT_SECTION = "simulated world"


def _register_feature_marker(config: pytest.Config, feature: str) -> None:
    config.addinivalue_line("markers", f"{feature}: the scenarios of features/{feature}.feature")


def pytest_configure(config: pytest.Config) -> None:
    # Feature tags become markers; each rule ID is one, so --strict-markers still catches typos.
    for rule_id, summary in rule_registry().items():
        config.addinivalue_line("markers", f"{rule_id}: {summary}")
    for path in sorted(FEATURES_DIR.glob("*.feature")):
        _register_feature_marker(config, path.stem)
    config.pluginmanager.register(RuleVerdicts(rule_registry(), OPTIONAL_FEATURES))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each scenario with its feature file's name, so `-m manual_payment` (or
    `-k manual_payment`) runs one file: every scenario lives in one test module."""
    registered = {line.split(":")[0] for line in config.getini("markers")}
    for item in items:
        template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
        if template is None:
            continue
        feature = Path(template.feature.filename).stem
        if feature not in registered:  # a feature file outside features/ (a test's own)
            _register_feature_marker(config, feature)
            registered.add(feature)
        item.add_marker(feature)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A scenario that reaches a feature the engine under test does not offer cannot be judged
    there: skipped, not failed, and counted by the feature."""
    try:
        return (yield)
    except NotOffered as declined:
        item.user_properties.append((NOT_OFFERED_PROPERTY, declined.feature))
        pytest.skip(not_offered_reason(declined.feature))


@pytest.fixture
def billing() -> Iterator[BillingWorld]:
    world = BillingWorld(transport=transport_from_env(), engine_url=engine_url_from_env())
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
    """Show QA what the world looked like when the step failed, and why it failed."""
    if "billing" not in request.fixturenames or isinstance(exception, NotOffered):
        return
    billing: BillingWorld = request.getfixturevalue("billing")
    try:
        report = billing.failure_report()
    except Exception as broken:  # the world itself may be what broke
        report = f"(the world could not be described: {broken!r})"
    why = str(exception) or type(exception).__name__
    request.node.add_report_section(
        "call", REPORT_SECTION, f"failed step: {step.keyword} {step.name}\n{why}\n{report}"
    )


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """A step no definition matches: pytest-bdd raises `exception` next; its message gains the
    closest known steps (a typo or an old wording is the usual cause)."""
    exception.args = (f"{exception}\n{suggestion(step.name, step.type)}", *exception.args[1:])
