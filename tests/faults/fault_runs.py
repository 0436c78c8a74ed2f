"""Running a scenario to its end in this process and reading what its gateways saw: the money
checks of a run and which fault rules fired."""

from __future__ import annotations

from typing import Any

from mock_gateways.common.faults import FaultRule
from simulator.invariants import world_checks
from simulator.scenario import Scenario, parse_scenario
from simulator.world import World, built_world

MONEY_CHECKS = ("h3_conservation", "gateway_ledgers_match")


def scenario_from(text: str) -> Scenario:
    return parse_scenario(text, source="<test>")


def run_world(scenario: Scenario, *, seed: int | None = None, transport: str = "direct") -> World:
    """The world after living through the whole scenario (its checks still to be read)."""
    with built_world(
        scenario,
        list(scenario.accounts),
        seed=scenario.seed if seed is None else seed,
        transport=transport,
        events_path=None,
        keep_events=True,
    ) as world:
        world.live_through()
        return world


def failed_money_checks(world: World) -> dict[str, tuple[str, ...]]:
    checks = {check.name: check for check in world_checks(world)}
    return {name: checks[name].problems for name in MONEY_CHECKS if checks[name].problems}


def fired(world: World, fault: Any) -> bool:
    """Whether this scenario fault hit at least one call of its gateway."""
    core = {
        "card": world.gateways.card_core,
        "threeds": world.gateways.threeds_core,
        "paypal": world.gateways.paypal_core,
    }[fault.gateway]
    wanted = FaultRule.from_json(fault.to_rule()).to_json()
    return any(
        count > 0
        for rule, count in zip(core.faults.to_json(), core.faults.times_fired(), strict=True)
        if rule == wanted
    )


def event_types(world: World) -> list[str]:
    return [line.split('"type":"', 1)[1].split('"', 1)[0] for line in world.log.kept]
