"""The feature suite against the naive example engine: its `billing rules` section, and the
verdict it writes as JSON, name exactly the three rules the engine bends, each failing scenario
blaming one of them; the scenarios that need what it does not offer are skipped as not offered,
and the rest pass."""

from __future__ import annotations

import json

import pytest

from tests.bdd.rule_verdicts import VERDICT_JSON_ENV

from .feature_suite import run_features

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
