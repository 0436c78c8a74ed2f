"""Which faults fired, at whom: summary.json and the report list each scenario fault with the
attempts it hit, in all (the gateways' own counts) and per account whose card or PayPal payer
the call was about; a run without faults has no such section, its summary as it was."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.report.inputs import load_run
from simulator.report.page import page_data
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.summary import tally
from simulator.world import built_world

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_each_fault_counts_what_its_gateway_counted_per_account() -> None:
    scenario = load_scenario(SCENARIOS / "gateway-faults.yaml")
    with built_world(
        scenario, list(scenario.accounts), seed=scenario.seed, transport="direct", events_path=None
    ) as world:
        world.live_through()
        counted = tally(world).fault_firings
        cores = {
            "card": world.gateways.card_core,
            "threeds": world.gateways.threeds_core,
            "paypal": world.gateways.paypal_core,
        }
        told = {name: core.faults.times_fired() for name, core in cores.items()}
    places = {name: 0 for name in cores}
    accounts = {spec.id for spec in scenario.accounts}
    for index, fault in enumerate(scenario.faults):
        by_account = {whom: n for (at, whom), n in counted.items() if at == index}
        # the gateway's own count of this rule (`GET /__admin/faults` -> fired), split by account
        assert sum(by_account.values()) == told[fault.gateway][places[fault.gateway]]
        places[fault.gateway] += 1
        assert set(by_account) <= accounts, by_account  # every hit is on a known customer
    assert sum(counted.values()) > 0


def test_summary_and_report_show_the_firings_only_when_there_are_faults(tmp_path: Path) -> None:
    faulty = load_scenario(SCENARIOS / "gateway-faults.yaml")
    run_scenario(faulty, transport="direct", out=tmp_path / "faults")
    summary = json.loads((tmp_path / "faults" / "summary.json").read_text(encoding="utf-8"))
    shown = summary["faults"]
    assert [(f["gateway"], f["kind"]) for f in shown] == [
        (f.gateway, f.kind) for f in faulty.faults
    ]
    timeouts = next(f for f in shown if f["kind"] == "timeout")
    assert timeouts["endpoint"] == "charge" and timeouts["fired"] >= 1
    assert timeouts["fired"] == sum(timeouts["by_account"].values())
    run, _ = page_data(load_run(tmp_path / "faults"))
    assert run["faults"] == shown

    run_scenario(
        load_scenario(SCENARIOS / "quickstart.yaml"), transport="direct", out=tmp_path / "q"
    )
    plain = json.loads((tmp_path / "q" / "summary.json").read_text(encoding="utf-8"))
    assert "faults" not in plain
    assert "faults" not in page_data(load_run(tmp_path / "q"))[0]
