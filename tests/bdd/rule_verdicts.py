"""What a feature-suite run says about the billing rules: the rules its failing scenarios blame
(each by the rule of the step that failed, or of the first event where the engine under test
parted from the reference engine), the scenarios a feature's author must fix, and the optional
features the engine under test does not offer; printed after the run, and written as JSON when
BILLING_SIM_VERDICT_JSON names a file."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .step_rules import blame

SECTION = "billing rules"
VERDICT_JSON_ENV = "BILLING_SIM_VERDICT_JSON"
# User properties a scenario's report carries (a property reaches the report, so the verdicts
# need nothing but the reports):
#: a scenario skipped as not offered: the feature
NOT_OFFERED_PROPERTY = "not_offered"
#: the rules of the step that failed (`step_rules.checks`), empty for a step of no rule
STEP_RULES_PROPERTY = "step_rules"
#: the rule of the first event where the engine under test parted from the reference engine
DIVERGED_PROPERTY = "diverged"
#: what the feature says that its steps cannot read (no rule is blamed)
AUTHORING_PROPERTY = "authoring_error"


def not_offered_reason(feature: str) -> str:
    return f"the engine under test does not offer {feature}"


@dataclass(frozen=True)
class Blame:
    """The rules one failing scenario blames; `guessed` when they are only its tags (no step
    or divergence named a rule)."""

    rules: frozenset[str]
    guessed: bool = False


def blamed_rules(failing: Iterable[Blame]) -> dict[Blame, frozenset[str]]:
    """Each failing scenario's rules as the section lists them. A rule a step or a divergence
    named stays; so does a scenario's only tag. A scenario guessed at by several tags is
    explained by any of them named for another scenario (it failed for that rule's sake, as far
    as the run can tell); otherwise it names them all."""
    blames = list(failing)
    named = {r for b in blames if not b.guessed or len(b.rules) == 1 for r in b.rules}
    return {b: (b.rules & named if b.guessed and b.rules & named else b.rules) for b in blames}


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
        #: a failing scenario's node id -> what it blames
        self.failing: dict[str, Blame] = {}
        #: a scenario its author must fix: node id -> what its steps could not read
        self.authoring: dict[str, str] = {}
        #: a scenario skipped as not offered: node id -> the feature
        self.not_offered: dict[str, str] = {}
        #: node id -> "passed", "failed" or "skipped" (its worst phase)
        self.outcomes: dict[str, str] = {}
        #: why the run stopped before judging any scenario (an unreachable engine)
        self.stopped: str | None = None

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
        counts = report.outcome != "passed" or report.when == "call"
        if counts and self.outcomes.get(report.nodeid) != "failed":
            self.outcomes[report.nodeid] = report.outcome
        properties = dict(report.user_properties)
        if report.failed:
            if AUTHORING_PROPERTY in properties:
                self.authoring[report.nodeid] = str(properties[AUTHORING_PROPERTY])
            else:
                self.failing[report.nodeid] = self.blame(tags, properties)
        feature = properties.get(NOT_OFFERED_PROPERTY)
        if report.skipped and feature is not None:
            self.not_offered[report.nodeid] = str(feature)

    def blame(self, tags: frozenset[str], properties: Mapping[str, Any]) -> Blame:
        diverged = properties.get(DIVERGED_PROPERTY)
        twin = frozenset({diverged}) if diverged in self.rules else frozenset()
        if STEP_RULES_PROPERTY in properties:  # a step failed: its rule, and the divergence's
            step = frozenset(properties[STEP_RULES_PROPERTY]) & frozenset(self.rules)
            rules = blame(step, tags)
            guessed = rules == tags and len(step) != 1
            return Blame(twin | rules, guessed=guessed and not twin)
        if twin:
            return Blame(twin)
        return Blame(tags, guessed=True)

    def listed(self) -> dict[str, frozenset[str]]:
        """Each failing scenario's node id -> the rules the section lists for it."""
        listed = blamed_rules(self.failing.values())
        return {nodeid: listed[b] for nodeid, b in self.failing.items()}

    def lines(self) -> list[str]:
        """The section's lines: the rules blamed, the authoring errors, the features not offered
        (only the last when no scenario failed)."""
        lines = []
        listed = self.listed()
        if listed:
            lines.append("rules with failing scenarios (how many failing scenarios blame it):")
            counts = Counter(rule for rules in listed.values() for rule in rules)
            for rule in sorted(counts):
                lines.append(f"  {rule:<8} {counts[rule]:>3} failing  {self.rules[rule]}")
        if self.authoring:
            count = len(self.authoring)
            lines.append(f"authoring errors (scenarios no rule is blamed for): {count}")
            lines += [f"  {nodeid}: {why}" for nodeid, why in sorted(self.authoring.items())]
        if self.not_offered:
            skipped = Counter(self.not_offered.values())
            each = ", ".join(f"{f} {skipped[f]}" for f in self.features if skipped[f])
            lines.append(f"not offered by the engine under test (scenarios skipped): {each}")
        return lines

    def verdict(self) -> dict[str, Any]:
        """The verdict as BILLING_SIM_VERDICT_JSON gets it (docs/driver.md)."""
        listed = self.listed()
        outcomes = Counter(self.outcomes.values())
        verdict: dict[str, Any] = {
            "failed": [
                {"scenario": nodeid, "rules": sorted(listed.get(nodeid, ()))}
                for nodeid in sorted(set(listed) | set(self.authoring))
            ],
            "blamed_rules": sorted({rule for rules in listed.values() for rule in rules}),
            "authoring_errors": dict(sorted(self.authoring.items())),
            "not_offered": dict(Counter(self.not_offered.values())),
            "passed": outcomes["passed"],
            "failed_count": outcomes["failed"],
            "skipped": outcomes["skipped"],
        }
        if self.stopped is not None:
            verdict["error"] = self.stopped
        return verdict

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = os.environ.get(VERDICT_JSON_ENV)
        if path and (self.tags or self.stopped):
            Path(path).write_text(json.dumps(self.verdict(), indent=2) + "\n", encoding="utf-8")

    def tally(self) -> str:
        """How the scenarios run ended, counted as the suite's size is (an outline once per
        Examples row): "130 scenarios: 128 passed, 2 failed"."""
        outcomes = Counter(self.outcomes.values())
        each = ", ".join(
            f"{outcomes[o]} {o}" for o in ("passed", "failed", "skipped") if outcomes[o]
        )
        count = len(self.outcomes)
        return f"{count} scenario{'' if count == 1 else 's'}: {each}"

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        lines = self.lines()
        failed = bool(self.failing or self.authoring)
        if lines:
            terminalreporter.section(SECTION)
            if not failed:  # the words CI greps for, with the features left out below them
                terminalreporter.write_line(f"no scenario failed ({self.tally()})")
            for line in lines:
                terminalreporter.write_line(line)
            if failed:
                terminalreporter.write_line(self.tally())
        elif self.outcomes:
            terminalreporter.write_line(f"{SECTION}: no scenario failed ({self.tally()})")
