"""What a feature-suite run says about the billing rules: the rules its failing scenarios blame,
and the optional features the engine under test does not offer, printed after the run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping

import pytest

SECTION = "billing rules"
#: the user property a scenario skipped as not offered carries its feature in (a property
#: reaches the report, so the verdicts need nothing but the reports)
NOT_OFFERED_PROPERTY = "not_offered"


def not_offered_reason(feature: str) -> str:
    return f"the engine under test does not offer {feature}"


def blamed_rules(failing: Iterable[Collection[str]]) -> set[str]:
    """The rules named for the failing scenarios, each given by its rule tags. A scenario of one
    rule names it. A scenario of several is explained by any of them a scenario of one rule
    named (it failed for that rule's sake, as far as the run can tell); otherwise it names them
    all."""
    scenarios = [frozenset(tags) for tags in failing]
    named = {rule for tags in scenarios if len(tags) == 1 for rule in tags}
    unexplained = [tags for tags in scenarios if len(tags) > 1 and not tags & named]
    return named.union(*unexplained)


class RuleVerdicts:
    """A pytest plugin: notes each scenario's rule tags (its markers) when collected, reads its
    reports, then adds the `billing rules` section to the terminal summary."""

    def __init__(self, rules: Mapping[str, str], features: Iterable[str]) -> None:
        self.rules = rules
        #: the optional features, in the order to list them
        self.features = list(features)
        #: a scenario's node id -> its rule tags (only markers: a test's keywords hold its
        #: parameters too, and a rule ID may be one)
        self.tags: dict[str, frozenset[str]] = {}
        #: a failing scenario's node id -> its rule tags
        self.failing: dict[str, frozenset[str]] = {}
        #: a scenario skipped as not offered: node id -> the feature
        self.not_offered: dict[str, str] = {}
        self.scenarios_run = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            self.note(item.nodeid, (marker.name for marker in item.iter_markers()))

    def note(self, nodeid: str, markers: Iterable[str]) -> None:
        tags = frozenset(self.rules).intersection(markers)
        if tags:
            self.tags[nodeid] = tags

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        tags = self.tags.get(report.nodeid)
        if tags is None:  # not a feature scenario
            return
        if report.when == "call":
            self.scenarios_run += 1
        if report.failed:
            self.failing[report.nodeid] = tags
        feature = dict(report.user_properties).get(NOT_OFFERED_PROPERTY)
        if report.skipped and feature is not None:
            self.not_offered[report.nodeid] = str(feature)

    def lines(self) -> list[str]:
        """The section's lines; none when no scenario failed and every feature was offered."""
        lines = []
        if self.failing:
            lines.append("rules with failing scenarios (how many failed with the rule's tag):")
            for rule in sorted(blamed_rules(self.failing.values())):
                count = sum(rule in tags for tags in self.failing.values())
                lines.append(f"  {rule:<8} {count:>3} failing  {self.rules[rule]}")
        if self.not_offered:
            skipped = Counter(self.not_offered.values())
            each = ", ".join(f"{f} {skipped[f]}" for f in self.features if skipped[f])
            lines.append(f"not offered by the engine under test (scenarios skipped): {each}")
        return lines

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        lines = self.lines()
        if lines:
            terminalreporter.section(SECTION)
            for line in lines:
                terminalreporter.write_line(line)
        elif self.scenarios_run:
            terminalreporter.write_line(f"{SECTION}: no scenario failed")
