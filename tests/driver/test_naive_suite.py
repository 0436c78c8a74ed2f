"""The feature suite against the naive example engine: its `billing rules` section names exactly
the three rules the engine bends, the scenarios that need what it does not offer are skipped as
not offered, and the rest pass."""

from __future__ import annotations

from .feature_suite import run_features

BENT = {"LINK-2", "AUTO-2", "AUTO-4"}
NOT_OFFERED = ("paypal", "repayments", "coding_plan")


def test_the_suite_names_exactly_the_rules_the_naive_engine_bends(naive_engine: str) -> None:
    run = run_features(naive_engine)
    assert run.rules == BENT, run.output
    reasons = {f"the engine under test does not offer {feature}" for feature in NOT_OFFERED}
    assert set(run.skipped) <= reasons, run.output
    assert sum(run.not_offered.values()) == run.counts["skipped"], run.output
    assert run.counts["passed"] >= 40 and not run.counts["error"], run.output
