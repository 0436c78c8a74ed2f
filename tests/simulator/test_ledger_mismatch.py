"""gateway_ledgers_match names who: after the totals per kind, each account whose charges
differ, the gateway's charges the engine's log does not count (key, amount, time) and the
engine's charges the gateway did not keep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.charges import mismatched_accounts
from simulator.invariants import gateways_agree
from simulator.scenario import load_scenario
from simulator.world import World, built_world

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def finished(tmp_path: Path) -> Iterator[World]:
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    with built_world(
        scenario,
        list(scenario.accounts),
        seed=scenario.seed,
        transport="direct",
        events_path=tmp_path / "events.jsonl",
    ) as world:
        world.live_through()
        yield world


def test_a_sound_run_has_every_account_agree(finished: World) -> None:
    assert gateways_agree(finished).problems == ()
    assert mismatched_accounts(finished, ["card", "paypal"]) == []


def test_a_stray_charge_is_named_by_account_key_and_amount(finished: World) -> None:
    card = finished.gateways.card_core
    acme = next(c for c in card.charges.values() if c.card.last4 == "4242")
    card.charge(
        {"token": acme.card.token, "amount": "12.34", "currency": "USD",
         "merchant_initiated": True},
        "stray-charge-1",
    )  # fmt: skip
    problems = gateways_agree(finished).problems
    assert problems[0] == "card: engine 11960.90 vs gateway 11973.24"
    # acme's card is the one copycat tried to link too (LINK-1): named together
    assert problems[1].startswith("acme+copycat card: engine 8870.00 vs gateway 8882.34, ")
    assert "the gateway took 12.34 under key stray-charge-1 at 2026-03-01T00:30:00Z" in problems[1]
    assert len(problems) == 2


def test_a_charge_the_gateway_gave_back_is_named_with_its_amount(finished: World) -> None:
    card = finished.gateways.card_core
    refunded = next(c for c in card.charges.values() if c.amount == 1000)
    card.refund({"charge": refunded.id}, "give-back-1")
    problems = gateways_agree(finished).problems
    assert problems[0].startswith("card: engine 11960.90 vs gateway 10960.90")
    assert "the engine counts 1000.00 its gateway did not take" in problems[1]
