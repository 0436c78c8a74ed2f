"""What simulated customers do at a bank's challenge page, for a card link and for a Coding Plan
order (3DS-1, 3DS-2, PLAN-1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from simulator.scenario import AccountSpec, Scenario
from simulator.world import built_world

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
ALWAYS_CHALLENGED = "4000002760003184"


def run_account(spec: dict) -> list[str]:
    scenario = Scenario.model_validate(
        {"name": "customers", "start": START, "duration": {"days": 1}}
    )
    with built_world(
        scenario, [], seed=1, transport="direct", events_path=None, keep_events=True
    ) as world:
        world.add_account(AccountSpec.model_validate(spec))
        world.run(until=START + timedelta(hours=2))
        return world.log.kept


def plan_order(threeds: str) -> dict:
    return {
        "id": "ada",
        "country": "US",
        "payment_methods": [
            {"card": {"number": ALWAYS_CHALLENGED, "exp": "12/30", "cvv": "123", "name": "ADA"}}
        ],
        "actions": [
            {
                "at": START + timedelta(minutes=30),
                "buy_plan": {"plan": "lite", "method": 0, "threeds": threeds},
            }
        ],
    }


@pytest.mark.parametrize(
    ("threeds", "outcome"),
    [
        ("pass", ("plan.purchased", None)),
        ("abandon", ("plan.purchase_refused", "threeds_abandoned")),
    ],
)
def test_3ds1_a_challenged_plan_order_goes_on_when_answered_and_ends_when_abandoned(
    threeds, outcome
):
    events = [json.loads(line) for line in run_account(plan_order(threeds))]
    challenged = [e for e in events if e["type"] == "threeds.challenged" and e.get("plan")]
    assert [e["at"] for e in challenged] == ["2026-03-02T09:30:00Z"]
    [ended] = [e for e in events if e["type"].startswith("plan.")]
    assert (ended["type"], ended.get("reason")) == outcome


def test_plan1_an_order_from_a_method_that_does_not_exist_is_skipped_and_the_run_goes_on():
    order = plan_order("pass")
    order["actions"][0]["buy_plan"]["method"] = 3
    events = [json.loads(line) for line in run_account(order)]
    [skipped] = [e for e in events if e["type"] == "action.skipped"]
    assert (skipped["action"], skipped["reason"]) == ("buy_plan", "method_not_linked")
    assert not [e for e in events if e["type"].startswith("plan.")]


def repayment_by_challenged_card(threeds: str) -> dict:
    return {
        "id": "ada",
        "country": "US",
        "payment_methods": [
            {"card": {"number": ALWAYS_CHALLENGED, "exp": "12/30", "cvv": "123", "name": "ADA"}}
        ],
        "usage": [{"product": "qwen-max", "hourly": "10.00"}],
        "actions": [
            {
                "at": START + timedelta(hours=1, minutes=10),
                "repay": {"amount": "all", "method": 0, "threeds": threeds},
            }
        ],
    }


@pytest.mark.parametrize(
    ("threeds", "ending"),
    [("pass", "repayment.settled"), ("fail", "repayment.rejected")],
)
def test_3ds1_a_repayment_the_bank_challenges_goes_through_the_challenge(threeds, ending):
    """Once refused `authentication_required`: a repayment is customer initiated, so the
    customer answers the bank's challenge as for a link (pass: paid; fail: nothing charged)."""
    events = [json.loads(line) for line in run_account(repayment_by_challenged_card(threeds))]
    kinds = [e["type"] for e in events]
    assert "threeds.challenged" in kinds[kinds.index("payment_method.linked") + 1 :]
    [ended] = [e for e in events if e["type"] in ("repayment.settled", "repayment.rejected")]
    assert ended["type"] == ending
    if ending == "repayment.settled":
        assert ended["status"] == "paid"
    else:
        assert ended["reason"] == "threeds_failed"
