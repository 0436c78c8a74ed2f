"""Fixtures and hooks of the conformance features: one BillingWorld per scenario over the
transport BILLING_SIM_TRANSPORT names (wsgi by default); rule tags and feature file names
registered as markers; a failing step reports the simulated time and each account's latest
events, and notes its rule; its report leads with the step and its expected/seen block, and in
the cucumber JSON the steps after it are skipped; JUnit gets each scenario's rule IDs as
properties; a step no definition matches names the closest known steps; a scenario that needs
what the engine under test does not offer is skipped; against a remote engine, an unreachable
one stops the run at once, and each scenario's event log is compared with the reference
engine's on the same story; the run ends naming the rules that failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from simulator.driver.client import NotOffered
from simulator.driver.connections import EngineUnreachable, probe
from simulator.driver.optional_features import OPTIONAL_FEATURES
from simulator.rules import rule_registry

from .billing_world import BillingWorld, engine_url_from_env, transport_from_env
from .customer_words import AuthoringError
from .rule_verdicts import (
    AUTHORING_PROPERTY,
    DIVERGED_PROPERTY,
    NOT_OFFERED_PROPERTY,
    STEP_RULES_PROPERTY,
    RuleVerdicts,
    not_offered_reason,
)
from .step_catalogue import FEATURES_DIR, suggestion
from .step_failures import FAILED_AT, StepFailures, location
from .step_rules import rules_of_step
from .twin import divergence_text, twin_comparison

REPORT_SECTION = "simulated world"
TWIN_SECTION = "reference engine"
#: the run's exit status when the engine under test cannot be reached (as `billing-sim run`
#: exits when the engine fails a call)
UNREACHABLE_STATUS = 3
#: the JUnit property naming a rule the scenario is tagged with (one property per rule)
RULE_PROPERTY = "rule"


def _register_feature_marker(config: pytest.Config, feature: str) -> None:
    config.addinivalue_line("markers", f"{feature}: the scenarios of features/{feature}.feature")


def pytest_configure(config: pytest.Config) -> None:
    # Feature tags become markers; each rule ID is one, so --strict-markers still catches typos.
    for rule_id, summary in rule_registry().items():
        config.addinivalue_line("markers", f"{rule_id}: {summary}")
    for path in sorted(FEATURES_DIR.glob("*.feature")):
        _register_feature_marker(config, path.stem)
    config.pluginmanager.register(
        RuleVerdicts(rule_registry(), OPTIONAL_FEATURES), name=RuleVerdicts.__name__
    )
    config.pluginmanager.register(StepFailures(), name=StepFailures.__name__)


def unreachable(url: str) -> str | None:
    """Why the engine at `url` cannot be judged (None: something answers HTTP there; whether
    it keeps the protocol is for the scenarios to find out)."""
    try:
        probe(url)
    except EngineUnreachable as failed:
        return str(failed)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each scenario with its feature file's name, so `-m manual_payment` (or
    `-k manual_payment`) runs one file: every scenario lives in one test module. Each
    scenario's rule tags become JUnit properties, so CI can group results by rule."""
    registered = {line.split(":")[0] for line in config.getini("markers")}
    rules = rule_registry()
    for item in items:
        template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
        if template is None:
            continue
        feature = Path(template.feature.filename).stem
        if feature not in registered:  # a feature file outside features/ (a test's own)
            _register_feature_marker(config, feature)
            registered.add(feature)
        item.add_marker(feature)
        tagged = sorted({marker.name for marker in item.iter_markers()} & rules.keys())
        item.user_properties += [(RULE_PROPERTY, rule) for rule in tagged]
    url = engine_url_from_env()
    if url is not None and any(_is_scenario(item) for item in items):
        why = unreachable(url)
        if why is not None:  # one error for the whole run, blaming no rule
            verdicts = config.pluginmanager.get_plugin(RuleVerdicts.__name__)
            if isinstance(verdicts, RuleVerdicts):
                verdicts.stopped = why
            pytest.exit(why, returncode=UNREACHABLE_STATUS)


def _is_scenario(item: pytest.Item) -> bool:
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None)) is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A scenario that reaches a feature the engine under test does not offer cannot be judged
    there: skipped, not failed, and counted by the feature."""
    try:
        result = yield
    except NotOffered as declined:
        item.user_properties.append((NOT_OFFERED_PROPERTY, declined.feature))
        pytest.skip(not_offered_reason(declined.feature))
    billing = item.stash.get(WORLD, None)
    if billing is not None and billing.engine_url is not None and billing.started:
        # every step passed; the engine under test must also have logged what the reference
        # engine logs on the same story, as `billing-sim diff` would judge it
        first = twin_comparison(billing).first()
        if first is not None:
            item.user_properties.append((DIVERGED_PROPERTY, first.rule))
            template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
            if template is not None:
                item.stash[FAILED_AT] = location(
                    item.config.rootpath,
                    template.feature.filename,
                    template.line_number,
                    f"Scenario: {template.name}: every step passed, but",
                )
            raise AssertionError(divergence_text(first))
    return result


#: the scenario's world, for the hooks that judge it after its last step
WORLD = pytest.StashKey[BillingWorld]()


@pytest.fixture
def billing(request: pytest.FixtureRequest) -> Iterator[BillingWorld]:
    world = BillingWorld(transport=transport_from_env(), engine_url=engine_url_from_env())
    request.node.stash[WORLD] = world
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
    if isinstance(exception, AuthoringError):
        request.node.user_properties.append((AUTHORING_PROPERTY, str(exception)))
        return
    rules = sorted(rules_of_step(step_func, step_func_args))
    request.node.user_properties.append((STEP_RULES_PROPERTY, rules))
    billing: BillingWorld = request.getfixturevalue("billing")
    if billing.engine_url is not None and billing.started:
        _compare_with_reference(request, billing)
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
    request.node.user_properties.append((AUTHORING_PROPERTY, f"no step matches: {step.name}"))


def _compare_with_reference(request: pytest.FixtureRequest, billing: BillingWorld) -> None:
    """Beside a failed step, where the engine under test first parted from the reference
    engine on the story so far: that event's rule is the cause the run blames."""
    try:
        first = twin_comparison(billing).first()
    except Exception as broken:  # the engine under test may be what broke
        text = f"(the reference engine's twin could not be compared: {broken!r})"
    else:
        if first is None:
            text = "the event log so far agrees with the reference engine's"
        else:
            request.node.user_properties.append((DIVERGED_PROPERTY, first.rule))
            text = divergence_text(first)
    request.node.add_report_section("call", TWIN_SECTION, text)
