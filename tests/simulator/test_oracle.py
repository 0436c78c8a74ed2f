"""The harness's own model of a run judges the engine's events: a reference run passes, and each
way an engine can bend a rule is named under that rule, with no help from the engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.oracle.oracle import judge_log
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
Records = list[dict[str, Any]]


def reference_log(name: str, tmp_path: Path) -> tuple[Any, Records]:
    scenario = load_scenario(SCENARIOS / name)
    run_scenario(scenario, out=tmp_path / name, transport="direct")
    lines = (tmp_path / name / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return scenario, [json.loads(line) for line in lines]


def problems(scenario: Any, records: Records) -> dict[str, list[str]]:
    return {k: v for k, v in judge_log(scenario, records).problems.items() if v}


@pytest.mark.parametrize(
    "name", sorted(p.name for p in SCENARIOS.glob("*.yaml") if "10k" not in p.name)
)
def test_a_reference_run_of_every_bundled_scenario_is_judged_sound(name, tmp_path):
    scenario, records = reference_log(name, tmp_path)
    assert problems(scenario, records) == {}


def first(records: Records, match: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, r in enumerate(records) if match(r))


def test_auto2_a_threshold_deduction_never_started_is_named(tmp_path):
    scenario, records = reference_log("card-threshold.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "deduction.initiated")
    deduction = records[at]["deduction"]
    kept = [r for r in records if r.get("deduction") != deduction]
    found = problems(scenario, kept)
    assert list(found) == ["thresholds_honoured"]
    assert found["thresholds_honoured"][0].startswith(f"AUTO-2 {records[at]['account']} at ")
    assert "no deduction started" in found["thresholds_honoured"][0]


def test_auto2_a_deduction_that_does_not_take_every_fee_is_named(tmp_path):
    scenario, records = reference_log("card-threshold.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "deduction.initiated")
    records[at]["amount"] = "999.00"
    found = problems(scenario, records)["thresholds_honoured"]
    assert "deduction of 999.00 where" in found[0]


def test_auto4_a_second_month_end_deduction_and_one_of_nothing_are_named(tmp_path):
    scenario, records = reference_log("month-end.yaml", tmp_path)
    at = first(records, lambda r: r.get("trigger") == "month_end")
    again = dict(records[at], deduction="again", amount="0.00")
    found = problems(scenario, [*records[: at + 1], again, *records[at + 1 :]])
    assert found["one_month_end_deduction"][0].startswith(f"AUTO-4 {again['account']} at ")


def test_auto4_a_month_end_passed_without_a_deduction_is_named(tmp_path):
    scenario, records = reference_log("month-end.yaml", tmp_path)
    at = first(records, lambda r: r.get("trigger") == "month_end")
    deduction = records[at]["deduction"]
    found = problems(scenario, [r for r in records if r.get("deduction") != deduction])
    assert "not deducted, and no deduction" in found["one_month_end_deduction"][0]


def test_ov1_a_total_made_of_rounded_parts_is_named(tmp_path):
    scenario, records = reference_log("month-end.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "month.closed")
    records[at]["total"] = "0.01"
    found = problems(scenario, records)
    assert found["month_totals"][0].startswith(f"OV-1 {records[at]['account']} at ")


def test_plan1_a_price_with_tax_added_on_top_is_named(tmp_path):
    scenario, records = reference_log("coding-plan.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "plan.purchased")
    records[at]["amount"] = "55.00"
    found = problems(scenario, records)
    assert found["month_totals"][0].startswith("PLAN-1 ")


def test_link2_a_card_linked_inside_the_cooldown_is_named(tmp_path):
    scenario, records = reference_log("duplicate-link-cooldown.yaml", tmp_path)
    at = first(
        records,
        lambda r: r["type"] == "payment_method.link_rejected" and r["reason"] == "already_linked",
    )
    refused = records[at]
    records[at] = {
        "seq": refused["seq"],
        "at": refused["at"],
        "type": "payment_method.linked",
        "account": refused["account"],
        "method": refused["method"],
        "kind": "card",
        "default": False,
    }
    found = problems(scenario, records)["methods_linked_once"]
    assert found[0].split(" ")[0] in ("LINK-1", "LINK-2")
    assert "holds it" in found[0]


def rule_of(found: dict[str, list[str]], check: str) -> str:
    return found[check][0].split(" ")[0]


def test_pay3_a_deduction_that_skips_the_balance_is_named(tmp_path):
    scenario, records = reference_log("manual-repayment.yaml", tmp_path)
    at = first(
        records,
        lambda r: r["type"] == "deduction.succeeded" and r["from_balance"] != "0.00",
    )
    records[at]["from_balance"] = "0.00"
    assert rule_of(problems(scenario, records), "payments_as_told") == "PAY-3"


def test_pay5_a_payment_settled_at_once_and_a_second_repayment_are_named(tmp_path):
    scenario, records = reference_log("manual-repayment.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "repayment.settled")
    records[at]["at"] = next(
        r["at"] for r in records if r.get("repayment") == records[at]["repayment"]
    )
    assert rule_of(problems(scenario, records), "payments_as_told") == "PAY-5"
    scenario, records = reference_log("manual-repayment.yaml", tmp_path / "again")
    at = first(records, lambda r: r["type"] == "repayment.submitted")
    twice = dict(records[at], repayment="again")
    found = problems(scenario, [*records[: at + 1], twice, *records[at + 1 :]])
    assert "a second repayment while one is pending" in found["payments_as_told"][0]


def test_pay2_a_valid_amount_refused_is_named(tmp_path):
    scenario, records = reference_log("manual-repayment.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "repayment.submitted")
    submitted = records[at]
    refused = {k: submitted[k] for k in ("seq", "at", "account", "amount")}
    records[at] = {**refused, "type": "repayment.rejected", "reason": "invalid_amount"}
    kept = [r for r in records if r.get("repayment") != submitted["repayment"]]
    assert rule_of(problems(scenario, kept), "payments_as_told") == "PAY-2"


def test_card6_a_second_card_made_the_default_at_its_link_is_named(tmp_path):
    scenario, records = reference_log("manual-repayment.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "payment_method.linked" and r["default"] is False)
    records[at]["default"] = True
    found = problems(scenario, records)
    assert rule_of(found, "methods_linked_by_the_rules") == "CARD-6"


def test_card4_a_card_expiring_this_month_linked_is_named(tmp_path):
    scenario, records = reference_log("expiring-cards.yaml", tmp_path)
    at = first(
        records,
        lambda r: (
            r["type"] == "payment_method.link_rejected" and r["reason"] == "expires_this_month"
        ),
    )
    refused = records[at]
    records[at] = {
        **{k: refused[k] for k in ("seq", "at", "account", "method")},
        "type": "payment_method.linked",
        "kind": "card",
        "default": not any(
            r["type"] == "payment_method.linked" and r["account"] == refused["account"]
            for r in records[:at]
        ),
    }
    found = problems(scenario, records)
    assert rule_of(found, "methods_linked_by_the_rules") == "CARD-4"


def test_plan1_a_renewal_on_another_day_than_the_purchases_is_named(tmp_path):
    scenario, records = reference_log("coding-plan.yaml", tmp_path)
    at = first(records, lambda r: r["type"] == "plan.renewed")
    assert not records[at]["at"].startswith("2026-02-01")
    records[at]["at"] = "2026-02-01T00:00:00Z"
    found = problems(scenario, records)
    assert rule_of(found, "plan_renewals") == "PLAN-1"


def test_auto7_an_account_never_suspended_is_named(tmp_path):
    scenario, records = reference_log("overdue-suspension.yaml", tmp_path)
    account = next(r["account"] for r in records if r["type"] == "account.overdue")
    kept = [
        r
        for r in records
        if not (
            r["account"] == account
            and r["type"] in ("account.overdue", "account.suspended", "account.resumed")
        )
    ]
    found = problems(scenario, kept)
    assert rule_of(found, "overdue_suspension") == "AUTO-7"


def test_h3_a_day_of_fees_the_usage_does_not_make_is_named(tmp_path):
    from datetime import date
    from fractions import Fraction

    scenario, records = reference_log("month-end.yaml", tmp_path)
    oracle = judge_log(scenario, records)
    days = {}
    for customer in oracle.customers.values():
        for day, fees in customer.book.days.items():
            days[day] = days.get(day, Fraction(0)) + fees
    oracle.check_figures({}, days)
    assert oracle.problems["h3_conservation"] == []
    days[date(2026, 1, 5)] += Fraction(1, 100)
    oracle.check_figures({}, days)
    assert oracle.problems["h3_conservation"][0].startswith("H-3 (run) at ")
    assert "fees of 2026-01-05" in oracle.problems["h3_conservation"][0]
