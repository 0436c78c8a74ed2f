"""Issue-by-issue regressions of money under gateway faults: each of these once overcharged,
stopped the run, or injected a fault that never fired."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from simulator.scenario import ScenarioError, load_scenario

from .fault_runs import event_types, failed_money_checks, fired, run_world, scenario_from

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

BUSY_PAYPAL = """
name: lost-paypal-answers
seed: 7
start: 2026-01-01T00:00:00Z
duration: {months: 1}
accounts:
  - id: spender
    country: US
    payment_methods:
      - paypal: {email: "spender@paypal.test", threshold: "50.00"}
    usage:
      - {product: qwen-max, daily: "500.00"}
faults:
"""

BUSY_CARD = """
name: lost-card-answers
seed: 7
start: 2026-01-01T00:00:00Z
duration: {months: 1}
accounts:
  - id: spender
    country: US
    payment_methods:
      - card: {number: "4242424242424242", exp: "12/30", cvv: "123", name: "SPENDER"}
    usage:
      - {product: qwen-max, hourly: "60.00"}
faults:
"""


def lost(gateway: str, endpoint: str) -> str:
    return (
        f"  - {{gateway: {gateway}, endpoint: {endpoint}, kind: timeout, rate: 1,\n"
        "     from: 2026-01-02T00:00:00Z, until: 2026-01-20T00:00:00Z}\n"
    )


def test_paypal_orders_whose_answers_are_lost_for_18_days_are_found_by_request_id() -> None:
    """Once: engine 12,437.50 paid, PayPal took 473,750.00."""
    world = run_world(scenario_from(BUSY_PAYPAL + lost("paypal", "orders.create")))
    assert failed_money_checks(world) == {}
    types = event_types(world)
    assert "deduction.failed" not in types and "deduction.unknown" not in types


def test_paypal_orders_lost_while_their_look_up_is_lost_too_are_reconciled_not_retaken() -> None:
    faults = lost("paypal", "orders.create") + lost("paypal", "lookup")
    world = run_world(scenario_from(BUSY_PAYPAL + faults))
    assert failed_money_checks(world) == {}
    types = event_types(world)
    assert types.count("deduction.unknown") == types.count("deduction.reconciled") > 100
    assert "deduction.failed" not in types


def test_card_charges_lost_while_the_look_up_times_out_too_are_charged_once() -> None:
    """Once: engine 12,500.00, card processor 48,500.00."""
    faults = lost("card", "charge") + lost("card", "lookup")
    world = run_world(scenario_from(BUSY_CARD + faults))
    assert failed_money_checks(world) == {}
    ledger = world.engine.account("spender").ledger
    assert ledger.unknown == 0  # all reconciled once the look-ups answer again
    assert ledger.paid == world.gateways.money_taken()["card"]


def test_a_charge_still_unknown_when_the_run_ends_is_owed_not_double_counted() -> None:
    faults = (
        "  - {gateway: card, endpoint: charge, kind: timeout, rate: 1,\n"
        "     from: 2026-01-25T00:00:00Z, until: 2026-03-01T00:00:00Z}\n"
        "  - {gateway: card, endpoint: lookup, kind: timeout, rate: 1,\n"
        "     from: 2026-01-25T00:00:00Z, until: 2026-03-01T00:00:00Z}\n"
    )
    world = run_world(scenario_from(BUSY_CARD + faults))
    assert world.engine.unknown_payments(), "the run should end with charges still unknown"
    assert failed_money_checks(world) == {}


def test_a_fault_naming_an_endpoint_the_gateway_lacks_is_refused() -> None:
    typo = (
        "  - {gateway: card, endpoint: chargez, kind: timeout,\n"
        "     from: 2026-01-02T00:00:00Z, until: 2026-01-03T00:00:00Z}\n"
    )
    with pytest.raises(ScenarioError) as refused:
        scenario_from(BUSY_CARD + typo)
    (line,) = refused.value.problems
    assert "faults[0]" in line and "chargez" in line and "charge, refund, lookup" in line


def bundled_faults() -> list[tuple[str, int]]:
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        if scenario.population is None:
            cases += [(path.name, index) for index in range(len(scenario.faults))]
    return cases


@pytest.mark.parametrize(("name", "index"), bundled_faults())
def test_every_fault_of_every_bundled_scenario_fires(name: str, index: int) -> None:
    scenario = load_scenario(SCENARIOS / name)
    world = run_world(scenario)
    assert fired(world, scenario.faults[index]), scenario.faults[index]
    assert failed_money_checks(world) == {}


def test_a_scripted_action_on_a_method_that_never_linked_is_skipped_and_the_run_goes_on() -> None:
    scenario = scenario_from(
        """
name: declined-card-then-actions
seed: 1
start: 2026-01-01T00:00:00Z
duration: {days: 3}
accounts:
  - id: ada
    country: US
    payment_methods:
      - card: {number: "4000000000000002", exp: "12/30", cvv: "123", name: "ADA"}
    actions:
      - {at: 2026-01-02T00:00:00Z, set_default: {method: 0}}
      - {at: 2026-01-02T01:00:00Z, buy_plan: {plan: lite, method: 0}}
"""
    )
    world = run_world(scenario)
    skipped = [line for line in world.log.kept if '"action.skipped"' in line]
    assert len(skipped) == 2
    assert '"action":"set_default"' in skipped[0] and '"reason":"method_not_linked"' in skipped[0]
    assert '"action":"buy_plan"' in skipped[1]


def test_times_off_the_hour_run_to_the_end_and_bill_part_hours_by_the_minute() -> None:
    """Once `run` spun forever at 100% CPU on a start, from, until or at not on the hour."""
    scenario = scenario_from(
        """
name: off-the-hour
seed: 1
start: 2026-01-01T09:30:00Z
duration: {days: 1}
accounts:
  - id: ada
    country: US
    balance: "100.00"
    usage:
      - {product: qwen-max, hourly: "6.00", from: 2026-01-01T10:15:00Z,
         until: 2026-01-01T12:40:00Z}
    actions:
      - {at: 2026-01-01T11:20:00Z, deactivate: {}}
"""
    )
    world = run_world(scenario)
    # 10:15-11:00 is billed for its 45 minutes; the hour the account closes in is not metered
    assert world.engine.account("ada").ledger.fees == 6 * Fraction(45, 60)
