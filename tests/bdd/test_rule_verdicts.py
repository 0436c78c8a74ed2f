"""The `billing rules` section: which rules a run's failing scenarios name, and the features the
engine under test did not offer with how many scenarios each skipped."""

from __future__ import annotations

from typing import Any

import pytest

from .rule_verdicts import NOT_OFFERED_PROPERTY, RuleVerdicts, blamed_rules

RULES = {
    "AUTO-2": "the card threshold",
    "AUTO-4": "month ends",
    "LINK-2": "the cool-down",
    "PAY-1": "paying by hand",
}


def test_a_scenario_of_one_rule_names_it() -> None:
    assert blamed_rules([{"LINK-2"}, {"AUTO-2"}]) == {"LINK-2", "AUTO-2"}


def test_a_scenario_of_several_rules_is_explained_by_one_already_named() -> None:
    assert blamed_rules([{"AUTO-2", "AUTO-4"}, {"AUTO-4"}]) == {"AUTO-4"}


def test_a_scenario_of_several_rules_none_named_names_them_all() -> None:
    assert blamed_rules([{"AUTO-6", "AUTO-4"}, {"LINK-2"}]) == {"AUTO-6", "AUTO-4", "LINK-2"}
    assert blamed_rules([]) == set()


def report(name: str, outcome: str, **properties: Any) -> pytest.TestReport:
    return pytest.TestReport(
        f"test_features.py::{name}", ("test_features.py", 0, name), {name: 1}, outcome, None,
        "call", user_properties=list(properties.items()),
    )  # fmt: skip


def verdicts_of(*runs: tuple[pytest.TestReport, tuple[str, ...]]) -> list[str]:
    """The section after these reports, each with its scenario's markers."""
    verdicts = RuleVerdicts(RULES, ["paypal", "repayments", "coding_plan"])
    for each, markers in runs:
        verdicts.note(each.nodeid, markers)
    for each, _ in runs:
        verdicts.pytest_runtest_logreport(each)
    return verdicts.lines()


def test_the_section_names_the_rules_and_the_features_not_offered() -> None:
    skipped = {NOT_OFFERED_PROPERTY: "repayments"}
    lines = verdicts_of(
        (report("cool_down", "failed"), ("LINK-2", "duplicate_link")),
        (report("outline_row", "failed"), ("AUTO-2", "AUTO-4")),
        (report("threshold", "failed"), ("AUTO-2",)),
        (report("month_end", "passed"), ("AUTO-4",)),
        (report("by_hand", "skipped", **skipped), ("PAY-1",)),
        (report("by_hand_again", "skipped", **skipped), ("PAY-1",)),
        (report("not_a_scenario[AUTO-4]", "failed"), ("parametrize",)),
    )
    assert lines == [
        "rules with failing scenarios (how many failed with the rule's tag):",
        "  AUTO-2     2 failing  the card threshold",
        "  LINK-2     1 failing  the cool-down",
        "not offered by the engine under test (scenarios skipped): repayments 2",
    ]


def test_nothing_to_say_when_every_scenario_passed() -> None:
    assert verdicts_of((report("threshold", "passed"), ("AUTO-2",))) == []
