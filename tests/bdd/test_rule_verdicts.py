"""The `billing rules` section: which rules a run's failing scenarios blame (the failed step's
rule, the diverging event's rule, else the scenario's tags), the scenarios with authoring errors,
the features the engine under test did not offer, and the verdict as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .rule_verdicts import (
    AUTHORING_PROPERTY,
    DIVERGED_PROPERTY,
    NOT_OFFERED_PROPERTY,
    STEP_RULES_PROPERTY,
    VERDICT_JSON_ENV,
    Blame,
    RuleVerdicts,
    blamed_rules,
)
from .step_rules import blame, checks, rules_of_step

RULES = {
    "AUTO-2": "the card threshold",
    "AUTO-4": "month ends",
    "AUTO-6": "failed deductions",
    "LINK-2": "the cool-down",
    "OV-2": "amount due",
    "PAY-1": "paying by hand",
}


def tagged(*rules: str) -> Blame:
    return Blame(frozenset(rules), guessed=True)


def test_a_scenario_guessed_at_by_one_tag_names_it() -> None:
    listed = blamed_rules([tagged("LINK-2"), tagged("AUTO-2")])
    assert set().union(*listed.values()) == {"LINK-2", "AUTO-2"}


def test_a_scenario_guessed_at_by_several_tags_is_explained_by_one_already_named() -> None:
    listed = blamed_rules([tagged("AUTO-2", "AUTO-4"), Blame(frozenset({"AUTO-4"}))])
    assert listed[tagged("AUTO-2", "AUTO-4")] == {"AUTO-4"}


def test_a_scenario_guessed_at_by_several_tags_none_named_names_them_all() -> None:
    listed = blamed_rules([tagged("AUTO-6", "AUTO-4"), tagged("LINK-2")])
    assert set().union(*listed.values()) == {"AUTO-6", "AUTO-4", "LINK-2"}
    assert blamed_rules([]) == {}


def test_a_rule_a_step_named_is_never_left_out() -> None:
    """Even when another scenario's tags would explain it."""
    named = Blame(frozenset({"AUTO-2"}))
    listed = blamed_rules([named, Blame(frozenset({"AUTO-4"}))])
    assert listed[named] == {"AUTO-2"}


def test_a_step_of_one_rule_blames_it_whatever_the_tags() -> None:
    assert blame({"OV-2"}, {"PAY-5", "AUTO-4"}) == {"OV-2"}


def test_a_step_of_several_rules_blames_those_the_scenario_is_tagged_with() -> None:
    assert blame({"AUTO-2", "AUTO-4"}, {"AUTO-4", "PAY-5"}) == {"AUTO-4"}
    assert blame({"AUTO-2", "AUTO-4"}, {"PAY-5"}) == {"PAY-5"}  # no single rule: the tags
    assert blame(set(), {"PAY-5", "AUTO-6"}) == {"PAY-5", "AUTO-6"}  # a Given or a When


def test_a_step_picks_its_rule_from_its_words() -> None:
    @checks("AUTO-2", "AUTO-4", by=lambda trigger, **_: {"threshold": "AUTO-2"}.get(trigger))
    def deduction(trigger: str) -> None:
        raise AssertionError("not called")

    assert rules_of_step(deduction, {"trigger": "threshold", "billing": None}) == {"AUTO-2"}
    assert rules_of_step(deduction, {"trigger": "month end"}) == {"AUTO-2", "AUTO-4"}
    assert rules_of_step(lambda: None, {}) == frozenset()


def report(name: str, outcome: str, **properties: Any) -> pytest.TestReport:
    return pytest.TestReport(
        f"test_features.py::{name}", ("test_features.py", 0, name), {name: 1}, outcome, None,
        "call", user_properties=list(properties.items()),
    )  # fmt: skip


def verdicts_of(*runs: tuple[pytest.TestReport, tuple[str, ...]]) -> RuleVerdicts:
    """The verdicts after these reports, each with its scenario's markers."""
    verdicts = RuleVerdicts(RULES, ["paypal", "repayments", "coding_plan"])
    for each, markers in runs:
        verdicts.note(each.nodeid, markers)
    for each, _ in runs:
        verdicts.pytest_runtest_logreport(each)
    return verdicts


SKIPPED = {NOT_OFFERED_PROPERTY: "repayments"}
RUNS = (
    (report("cool_down", "failed"), ("LINK-2", "duplicate_link")),
    (report("outline_row", "failed"), ("AUTO-2", "AUTO-4")),
    (report("threshold", "failed"), ("AUTO-2",)),
    (report("month_end", "passed"), ("AUTO-4",)),
    (report("by_hand", "skipped", **SKIPPED), ("PAY-1",)),
    (report("by_hand_again", "skipped", **SKIPPED), ("PAY-1",)),
    (report("not_a_scenario[AUTO-4]", "failed"), ("parametrize",)),
    (report("at_a_step", "failed", **{STEP_RULES_PROPERTY: ["OV-2"]}), ("AUTO-4", "AUTO-6")),
    (
        report(
            "diverged", "failed", **{STEP_RULES_PROPERTY: ["OV-2"], DIVERGED_PROPERTY: "AUTO-6"}
        ),
        ("AUTO-6",),
    ),
    (report("typo", "failed", **{AUTHORING_PROPERTY: "column 'amount' reads 'USD 1'"}), ("PAY-1",)),
)


def test_the_section_names_the_rules_the_authoring_errors_and_the_features_not_offered() -> None:
    assert verdicts_of(*RUNS).lines() == [
        "rules with failing scenarios (how many failing scenarios blame it):",
        "  AUTO-2     2 failing  the card threshold",
        "  AUTO-6     1 failing  failed deductions",
        "  LINK-2     1 failing  the cool-down",
        "  OV-2       2 failing  amount due",
        "authoring errors (scenarios no rule is blamed for): 1",
        "  test_features.py::typo: column 'amount' reads 'USD 1'",
        "not offered by the engine under test (scenarios skipped): repayments 2",
    ]


def test_the_verdict_as_json(tmp_path, monkeypatch) -> None:
    path = tmp_path / "verdict.json"
    monkeypatch.setenv(VERDICT_JSON_ENV, str(path))
    verdicts = verdicts_of(*RUNS)
    verdicts.pytest_sessionfinish(None)  # type: ignore[arg-type]
    verdict = json.loads(path.read_text())
    assert verdict["failed"] == [
        {"scenario": "test_features.py::at_a_step", "rules": ["OV-2"]},
        {"scenario": "test_features.py::cool_down", "rules": ["LINK-2"]},
        {"scenario": "test_features.py::diverged", "rules": ["AUTO-6", "OV-2"]},
        {"scenario": "test_features.py::outline_row", "rules": ["AUTO-2"]},
        {"scenario": "test_features.py::threshold", "rules": ["AUTO-2"]},
        {"scenario": "test_features.py::typo", "rules": []},
    ]
    assert verdict["blamed_rules"] == ["AUTO-2", "AUTO-6", "LINK-2", "OV-2"]
    assert verdict["not_offered"] == {"repayments": 2}
    assert (verdict["passed"], verdict["failed_count"], verdict["skipped"]) == (1, 6, 2)


def test_nothing_to_say_when_every_scenario_passed() -> None:
    assert verdicts_of((report("threshold", "passed"), ("AUTO-2",))).lines() == []


def test_the_tally_counts_scenarios_as_the_suite_is_counted() -> None:
    """One line per run, each outline row a scenario as in `scenario_count`: what ran, how."""
    assert verdicts_of(*RUNS).tally() == "9 scenarios: 1 passed, 6 failed, 2 skipped"


class _Terminal:
    """What pytest_terminal_summary writes, line by line (a section's title as `== title ==`)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def section(self, title: str) -> None:
        self.lines.append(f"== {title} ==")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def summary_of(verdicts: RuleVerdicts) -> list[str]:
    terminal = _Terminal()
    verdicts.pytest_terminal_summary(terminal)  # type: ignore[arg-type]
    return terminal.lines


def test_no_scenario_failed_is_said_even_when_features_were_left_out() -> None:
    """docs/driver.md promises `no scenario failed` to an engine that passes every scenario it
    offers: under the section's title, above the features it left out, when it left some out."""
    passed = (report("threshold", "passed"), ("AUTO-2",))
    skipped = (report("by_hand", "skipped", **SKIPPED), ("PAY-1",))
    assert summary_of(verdicts_of(passed, skipped)) == [
        "== billing rules ==",
        "no scenario failed (2 scenarios: 1 passed, 1 skipped)",
        "not offered by the engine under test (scenarios skipped): repayments 1",
    ]
    assert summary_of(verdicts_of(passed)) == [
        "billing rules: no scenario failed (1 scenario: 1 passed)"
    ]


def test_a_failure_opens_the_section_and_ends_it_with_the_tally() -> None:
    lines = summary_of(verdicts_of(*RUNS))
    assert lines[0] == "== billing rules =="
    assert lines[-2:] == [
        "not offered by the engine under test (scenarios skipped): repayments 2",
        "9 scenarios: 1 passed, 6 failed, 2 skipped",
    ]
    assert not any("no scenario failed" in line for line in lines)
