"""The end-of-run invariants hold on a real run and catch what they are there to catch: a charge
the engine does not know of, a card number in an output (H-4). What the harness's own model of
the run catches is in test_oracle.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.invariants import check_invariants
from simulator.scenario import load_scenario
from simulator.world import built_world

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def finished_world(tmp_path):
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    with built_world(
        scenario,
        list(scenario.accounts),
        seed=scenario.seed,
        transport="direct",
        events_path=tmp_path / "events.jsonl",
    ) as world:
        world.populate()
        world.run(until=scenario.end)
        world.log.close()
        yield world


def results(world, outputs=()):
    return {i.name: i for i in check_invariants(world, outputs=outputs)}


def test_every_invariant_holds_after_a_real_run(finished_world, tmp_path):
    checked = results(finished_world, [tmp_path / "events.jsonl"])
    assert all(i.ok for i in checked.values()), checked


def test_a_charge_the_engine_never_made_breaks_the_ledger_match(finished_world):
    card = finished_world.gateways.card_core
    token = next(iter(card.cards))
    card.charge(
        {"token": token, "amount": "12.34", "currency": "USD", "merchant_initiated": True},
        "stray-charge-1",
    )
    broken = results(finished_world)["gateway_ledgers_match"]
    assert not broken.ok
    assert "card: engine" in broken.detail


def test_h4_a_card_number_in_an_output_is_found(finished_world, tmp_path):
    leaky = tmp_path / "report.txt"
    leaky.write_text("ok\nlinked 4242424242424242 for acme\n")
    found = results(finished_world, [leaky])["no_card_data"]
    assert not found.ok
    assert found.detail == "report.txt:2"


def test_auto8_a_3d_secure_authentication_no_customer_started_is_caught(finished_world):
    from datetime import timedelta

    threeds = finished_world.gateways.threeds_core
    transaction = next(iter(threeds.transactions.values()))
    transaction.created_at += timedelta(days=3, minutes=7)  # as a renewal or deduction would
    broken = results(finished_world)["merchant_initiated_charges"]
    assert not broken.ok
    assert broken.detail.startswith("AUTO-8 a 3D Secure authentication at ")


def test_card5_a_hold_released_before_its_first_business_day_is_caught(finished_world):
    card = finished_world.gateways.card_core
    hold = next(iter(card.authorizations.values()))
    hold.release_at = hold.created_at  # the issuer's calendar gave no business day at all
    broken = results(finished_world)["holds_released_never_captured"]
    assert not broken.ok
    assert f"CARD-5 hold {hold.id} made on" in broken.detail
