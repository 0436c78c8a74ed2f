"""What QA sees when a feature step fails: the conftest hook adds a report section with why it
failed, the simulated time and each account's latest events (and says so when time has not
started); a failed Then names the expected and the actual value; a step that matches no
definition names the closest known steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .billing_world import TRANSPORT_ENV, BillingWorld
from .conftest import REPORT_SECTION, pytest_bdd_step_error
from .customer_words import card, moment

pytest_plugins = ["pytester"]


@dataclass
class FakeNode:
    sections: list[tuple[str, str, str]] = field(default_factory=list)
    user_properties: list[tuple[str, object]] = field(default_factory=list)

    def add_report_section(self, when: str, key: str, content: str) -> None:
        self.sections.append((when, key, content))


@dataclass
class FakeRequest:
    """The slice of pytest's FixtureRequest the hook uses."""

    fixtures: dict[str, Any]
    node: FakeNode = field(default_factory=FakeNode)

    @property
    def fixturenames(self) -> list[str]:
        return list(self.fixtures)

    def getfixturevalue(self, name: str) -> Any:
        return self.fixtures[name]


@dataclass
class FakeStep:
    keyword: str = "Then"
    name: str = "Ada's Visa card is charged USD 1,000.00"


def fail_step(request: FakeRequest) -> str:
    pytest_bdd_step_error(
        request=request,  # type: ignore[arg-type]
        feature=None,
        scenario=None,
        step=FakeStep(),
        step_func=None,
        step_func_args={},
        exception=AssertionError("not charged"),
    )
    ((when, key, content),) = request.node.sections
    assert (when, key) == ("call", REPORT_SECTION)
    return content


@pytest.fixture
def billing():
    world = BillingWorld(transport="direct")
    yield world
    world.close()


def test_a_failed_step_shows_the_simulated_time_and_the_accounts_latest_events(billing):
    billing.set_start(moment("31 January 2026 22:00 UTC"))
    billing.give_card("Ada", card("Visa card"))
    billing.give_usage("Ada", "qwen-max", hourly="10.00")
    billing.run_until(moment("1 February 2026 00:30 UTC"))
    content = fail_step(FakeRequest({"billing": billing}))
    lines = content.splitlines()
    assert lines[0] == "failed step: Then Ada's Visa card is charged USD 1,000.00"
    assert lines[1] == "not charged"
    assert (
        lines[2] == "simulated time: Sunday 1 February 2026 00:30 UTC (transport direct, seed 42)"
    )
    assert lines[3].startswith("ada: last ")
    assert '"type":"deduction.succeeded"' in lines[-1]  # the latest event comes last
    assert "4242424242424242" not in content  # H-4: even here


def test_only_the_latest_events_are_shown(billing):
    billing.give_card("Ada", card("Visa card"))
    billing.give_usage("Ada", "qwen-max", hourly="100.00")
    billing.run_until(moment("3 January 2026 00:00 UTC"))
    report = billing.failure_report(limit=3)
    assert f"ada: last 3 of {len(billing.events('Ada'))} events" in report
    assert len([line for line in report.splitlines() if line.startswith("  {")]) == 3


def test_before_time_starts_the_section_says_so(billing):
    billing.set_start(moment("Friday 9 January 2026 15:00 UTC"))
    content = fail_step(FakeRequest({"billing": billing}))
    assert (
        "time has not started (the scenario starts at Friday 9 January 2026 15:00 UTC)" in content
    )


def test_a_step_without_the_world_adds_no_section():
    request = FakeRequest({})
    pytest_bdd_step_error(
        request=request,  # type: ignore[arg-type]
        feature=None,
        scenario=None,
        step=FakeStep(),
        step_func=None,
        step_func_args={},
        exception=AssertionError("x"),
    )
    assert request.node.sections == []


def test_pytest_bdd_calls_the_hook(request):
    """The hook is registered under pytest-bdd's name, so a real failing step reaches it."""
    impls = request.config.pluginmanager.hook.pytest_bdd_step_error.get_hookimpls()
    ours = pytest_bdd_step_error.__code__.co_filename
    assert ours in [impl.function.__code__.co_filename for impl in impls]


FAILING_FEATURE = """\
Feature: A scenario that fails on purpose
  @AUTO-2 <tags>
  Scenario: Ada's card is charged more than she spent
    Given it is 31 January 2026 22:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 10.00 an hour
    When the clock reaches 1 February 2026 00:30 UTC
    Then <then>
"""


def run_failing(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    then: str,
    tags: str = "",
    *,
    feature: str = FAILING_FEATURE,
) -> pytest.RunResult:
    """This package's steps and conftest, copied beside `feature` whose last step is `then`, run
    by pytest-bdd (in this process, over the direct transport to keep it quick)."""
    monkeypatch.setenv(TRANSPORT_ENV, "direct")
    package = pytester.mkpydir("bddcopy")
    for source in Path(__file__).parent.glob("*.py"):
        if source.name.startswith(
            (
                "step",
                "billing_",
                "customer_",
                "expectations",
                "rule_verdicts",
                "conftest",
                "tables",
                "twin",
            )
        ):
            (package / source.name).write_text(source.read_text())
    (package / "test_failing.py").write_text(
        "from pytest_bdd import scenarios\n"
        "from .steps_given import *  # noqa: F403\n"
        "from .steps_then import *  # noqa: F403\n"
        "from .steps_when import *  # noqa: F403\n"
        "scenarios('failing.feature')\n"
    )
    text = feature.replace("<then>", then).replace("<tags>", tags)
    (package / "failing.feature").write_text(text)
    result = pytester.runpytest("-p", "no:cacheprovider", "--import-mode=importlib")
    result.assert_outcomes(failed=1)
    return result


def test_a_real_failing_scenario_prints_the_simulated_world(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, "Ada's Visa card is charged USD 99.00")
    result.stdout.fnmatch_lines(
        [
            f"*Captured {REPORT_SECTION} call*",
            "failed step: Then Ada's Visa card is charged USD 99.00",
            "Ada's Visa card charges",
            "  expected: USD 99.00 at least once",
            "  actual:   ",
            "    USD 20.00",
            "simulated time: Sunday 1 February 2026 00:30 UTC (transport direct, seed 42)",
            "ada: last * events",
            '*"type":"deduction.succeeded"*"amount":"20.00"*',
        ]
    )


def test_a_failed_then_names_the_expected_and_the_actual_value(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, "Ada's Total Amount Due is USD 61.00")
    result.stdout.fnmatch_lines(
        [
            "Ada's Total Amount Due",
            "  expected: USD 61.00",
            "  actual:   USD 0.00",
            f"*Captured {REPORT_SECTION} call*",
            "failed step: Then Ada's Total Amount Due is USD 61.00",
        ]
    )


def test_a_step_matching_no_definition_names_the_closest_known_steps(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, "Ada's Total Amount Owed is USD 61.00")
    result.stdout.fnmatch_lines(
        [
            '*Step definition is not found: Then "Ada\'s Total Amount Owed is USD 61.00"*',
            "*The closest known:",
            "*Then <name>'s Total Amount Due is <amount>*",
        ]
    )


def test_a_failing_step_blames_its_own_rule_not_the_scenarios_other_tags(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, "Ada's Total Amount Due is USD 61.00", "@AUTO-4")
    result.stdout.fnmatch_lines(["*billing rules*", "  OV-2 * 1 failing *"])
    result.stdout.no_fnmatch_line("  AUTO-* failing *")


def test_a_step_of_several_rules_blames_those_the_scenario_is_tagged_with(pytester, monkeypatch):
    then = (
        "Ada's only deduction is USD 5.00, started at 00:00 UTC on 1 February 2026 by the threshold"
    )
    result = run_failing(pytester, monkeypatch, then, "@AUTO-4 @OV-1")
    result.stdout.fnmatch_lines(["*billing rules*", "  AUTO-2 * 1 failing *"])
    result.stdout.no_fnmatch_line("  AUTO-4 * failing *")


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        (
            "| started | amount | threshold | outcome |",
            "*the table's columns are 'started', 'amount', 'threshold', 'outcome'; they must be "
            "'started', 'amount', 'by', 'outcome'*",
        ),
        (
            "| started | amount | by | outcome |\n"
            "      | 00:00 UTC on 1 February 2026 | USD 1,100.00 | the month end | succeeded |",
            "*row 1, column 'amount' reads 'USD 1,100.00'; it accepts an amount in USD without "
            "'USD', e.g. 1,000.00*",
        ),
    ],
)
def test_a_table_in_the_wrong_form_is_an_authoring_error_blaming_no_rule(
    pytester, monkeypatch, table, complaint
):
    result = run_failing(pytester, monkeypatch, f"Ada's deductions are:\n      {table}")
    result.stdout.fnmatch_lines(
        ["*billing rules*", "authoring errors (scenarios no rule is blamed for): 1", complaint]
    )
    result.stdout.no_fnmatch_line("rules with failing scenarios*")
    result.stdout.no_fnmatch_line("E *KeyError*")


def test_an_unknown_step_is_an_authoring_error(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, "Ada's Total Amount Owed is USD 61.00")
    result.stdout.fnmatch_lines(
        ["authoring errors (scenarios no rule is blamed for): 1", "*no step matches: *Owed*"]
    )
    result.stdout.no_fnmatch_line("rules with failing scenarios*")
