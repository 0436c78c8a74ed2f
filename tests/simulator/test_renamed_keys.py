"""An engine that names its idempotency keys and ids otherwise gets the same luck: every bundled
scenario run with the reference engine's keys renamed (BILLING_SIM_ENGINE_KEYS=renamed) has the
same outcomes as with its own, fault hits and issuer release days included."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from simulator.differential.compare import compare_events, read_events
from simulator.engine_keys import ENGINE_KEYS_VARIABLE
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.world import built_world

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: the year of 10,000 accounts is too long for a test; its faults are the same kinds
NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml") if p.stem != "population-10k-year")
OTHER_SEEDS = (7, 2026)
#: the scenarios that install faults; some of their rules hit only part of the calls
FAULTED = [name for name in NAMES if load_scenario(SCENARIOS / f"{name}.yaml").faults]
#: how the renamed engine spells "acme-ded-3": "DED000003.acme"
RENAMED = re.compile(r'"([0-9A-Z]+?)([0-9]{6})\.([^"]+)"')


def run(name: str, seed: int | None, style: str, out: Path, monkeypatch: Any) -> Path:
    monkeypatch.setenv(ENGINE_KEYS_VARIABLE, style)
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    result = run_scenario(scenario, seed=seed, transport="direct", out=out)
    assert result.ok, result.summary["invariants"]
    return out


def spelled_plainly(text: str) -> str:
    """`text` with every renamed id spelled as the plain engine spells it."""
    return RENAMED.sub(lambda m: f'"{m[3]}-{m[1].lower()}-{int(m[2])}"', text)


def summary(out: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(spelled_plainly((out / "summary.json").read_text()))
    del loaded["run"]["wall_seconds"]  # how long it took, not what happened
    return loaded


def faults_seen(name: str, seed: int | None, style: str, monkeypatch: Any) -> list[Any]:
    """Per gateway: how often each fault rule fired, and each hit (less the key it came
    under), after living through the scenario with the engine's keys spelled `style`."""
    monkeypatch.setenv(ENGINE_KEYS_VARIABLE, style)
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    seed = scenario.seed if seed is None else seed
    accounts = list(scenario.accounts)
    with built_world(scenario, accounts, seed=seed, transport="direct", events_path=None) as world:
        world.live_through()
        gateways = world.gateways
        cores = (gateways.card_core, gateways.threeds_core, gateways.paypal_core)
        return [
            (
                core.faults.to_json(),
                core.faults.times_fired(),
                [{k: v for k, v in hit.items() if k != "key"} for hit in core.fault_log],
            )
            for core in cores
        ]


def test_renamed_ids_are_spelled_back_exactly():
    assert spelled_plainly('{"deduction":"DED000012.busy-card","x":"3DS000001.a-b"}') == (
        '{"deduction":"busy-card-ded-12","x":"a-b-3ds-1"}'
    )


@pytest.mark.parametrize("seed", [None, *OTHER_SEEDS], ids=lambda s: f"seed-{s or 'own'}")
@pytest.mark.parametrize("name", NAMES)
def test_renamed_keys_get_the_same_outcomes(name, seed, tmp_path, monkeypatch):
    plain = run(name, seed, "plain", tmp_path / "plain", monkeypatch)
    renamed = run(name, seed, "renamed", tmp_path / "renamed", monkeypatch)
    comparison = compare_events(
        read_events(plain / "events.jsonl"), read_events(renamed / "events.jsonl")
    )
    assert comparison.agrees, comparison.first()
    assert summary(plain) == summary(renamed)
    ours = (plain / "events.jsonl").read_text().splitlines()
    theirs = (renamed / "events.jsonl").read_text().splitlines()
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs, strict=True):
        # a line naming no engine id is the same byte for byte; one naming one is once the
        # renamed spelling is undone (issuer release days and gateway ids included)
        assert mine == (other if RENAMED.search(other) is None else spelled_plainly(other))


@pytest.mark.parametrize("seed", [None, *OTHER_SEEDS], ids=lambda s: f"seed-{s or 'own'}")
@pytest.mark.parametrize("name", FAULTED)
def test_renamed_keys_are_hit_by_the_same_faults(name, seed, monkeypatch):
    """The gateways' own record: every rule fired as often, at the same calls and attempts,
    rules that hit only part of the calls included (retries hide most of them from events)."""
    plain = faults_seen(name, seed, "plain", monkeypatch)
    assert plain == faults_seen(name, seed, "renamed", monkeypatch)
    partial = [
        fired
        for rules, counts, _ in plain
        for rule, fired in zip(rules, counts, strict=True)
        if rule["rate"] not in ("1", "0")
    ]
    assert any(partial), "no rule with a rate below 1 hit anything: the test would prove nothing"
