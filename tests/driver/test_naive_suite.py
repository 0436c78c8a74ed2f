"""The feature suite against the naive example engine: its `billing rules` section, and the
verdict it writes as JSON, name exactly the three rules the engine bends, each failing scenario
blaming one of them; the scenarios that need what it does not offer are skipped as not offered,
and the rest pass."""

from __future__ import annotations

import json

import pytest

from simulator.driver.served_suite import ENGINE_URL_ENV
from tests.bdd.rule_verdicts import VERDICT_JSON_ENV
from tests.bdd.test_failure_report import run_failing

from .feature_suite import run_features

pytest_plugins = ["pytester"]

BENT = {"LINK-2", "AUTO-2", "AUTO-4"}
NOT_OFFERED = ("paypal", "repayments", "coding_plan")


def test_the_suite_names_exactly_the_rules_the_naive_engine_bends(
    naive_engine: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict_path = tmp_path / "verdict.json"
    monkeypatch.setenv(VERDICT_JSON_ENV, str(verdict_path))
    run = run_features(naive_engine)
    assert run.rules == BENT, run.output
    reasons = {f"the engine under test does not offer {feature}" for feature in NOT_OFFERED}
    assert set(run.skipped) <= reasons, run.output
    assert sum(run.not_offered.values()) == run.counts["skipped"], run.output
    assert run.counts["passed"] >= 40 and not run.counts["error"], run.output
    verdict = json.loads(verdict_path.read_text())
    assert set(verdict["blamed_rules"]) == BENT
    assert all(len(f["rules"]) == 1 and set(f["rules"]) <= BENT for f in verdict["failed"])
    assert verdict["failed_count"] == run.counts["failed"] == len(verdict["failed"])
    assert verdict["not_offered"] == run.not_offered and not verdict["authoring_errors"]


#: steps that all pass on the naive engine, whose event log still parts from the reference's:
#: it counts the fees before tax toward the threshold (AUTO-2), so deducts later
QUIET_FEATURE = """\
Feature: A story the naive engine tells differently
  @OV-1 <tags>
  Scenario: Ada's card stays linked while she uses qwen-max
    Given it is 2 March 2026 00:00 UTC
    And Ada has an account in Germany with 19% tax
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 100.00 an hour
    When the clock reaches 2 March 2026 12:00 UTC
    Then <then>
"""


def test_a_scenario_whose_steps_pass_fails_where_the_log_parts_from_the_reference(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, naive_engine: str
) -> None:
    monkeypatch.setenv(ENGINE_URL_ENV, naive_engine)
    result = run_failing(
        pytester, monkeypatch, "Ada's Visa card is still linked", feature=QUIET_FEATURE
    )
    result.stdout.fnmatch_lines(
        [
            "bddcopy/failing.feature:3: Scenario: * every step passed, but",
            "the engine under test parted from the reference engine at 2026-03-02T09:00:00Z, "
            "account ada",
            "  rule:     AUTO-2",
            "  expected: deduction.initiated at 2026-03-02T09:00:00Z*",
            "*billing rules*",
            "  AUTO-2 * 1 failing *",
        ]
    )
    result.stdout.no_fnmatch_line("  OV-1 * failing *")
