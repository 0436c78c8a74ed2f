"""`billing-sim sweep` over a real Dask scheduler with two worker processes on 127.0.0.1: the
same records as runs done here and as the default LocalCluster, whatever the batching or the
order batches finish; the exit and the files of a failing sweep, and the shrink of a failure."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from simulator import cli, runner
from simulator.bench import SweepMeasure, sweep_line
from simulator.invariants import Check
from simulator.scenario import load_scenario
from simulator.sweep.plan import parse_fault_rates, parse_seeds, plan_batches, scaled_faults
from simulator.sweep.records import sort_key
from simulator.sweep.scenario_file import scenario_data, scenario_from_data, scenario_yaml
from simulator.sweep.shrink import smallest_failing, without_chunks
from simulator.sweep.tasks import run_batch

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SEEDS = "1..6"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli.app, ["sweep", *args])


@pytest.fixture
def in_process_scheduler() -> Iterator[str]:
    """Workers as threads of this process: what the test patches, they see."""
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",  # a scheduler the command reaches by address, as any other
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


def test_a_sweep_over_the_cluster_is_the_local_sweep_and_the_runs_done_here(
    scheduler: str, tmp_path: Path
):
    args = ["gateway-faults", "month-end", "--seeds", SEEDS, "--quiet"]
    over = invoke(*args, "--cluster", scheduler, "--out", str(tmp_path / "cluster"))
    assert over.exit_code == 0, over.output
    local = invoke(*args, "--out", str(tmp_path / "local"))
    assert local.exit_code == 0, local.output
    swept = (tmp_path / "cluster" / "sweep.json").read_bytes()
    assert swept == (tmp_path / "local" / "sweep.json").read_bytes()

    # the same runs here, one seed a batch, in reverse order: the same records
    loaded = [(name, load_scenario(SCENARIOS / f"{name}.yaml")) for name in args[:2]]
    batches = plan_batches(loaded, parse_seeds(SEEDS), [None], transport="direct", slots=100)
    here = [record for batch in reversed(batches) for record in run_batch(batch)]
    assert json.loads(swept)["records"] == sorted(here, key=sort_key)


def test_sweep_json_has_one_record_per_run_with_exact_figures(scheduler: str, tmp_path: Path):
    done = invoke(
        "gateway-faults", "--seeds", "3..4", "--fault-rates", "0,1",
        "--cluster", scheduler, "--out", str(tmp_path), "--quiet",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    document = json.loads((tmp_path / "sweep.json").read_text())
    assert document["sweep"]["runs"] == 4 and document["sweep"]["fault_rates"] == ["0", "1"]
    keys = [(r["fault_rate"], r["seed"]) for r in document["records"]]
    assert keys == [("0", 3), ("0", 4), ("1", 3), ("1", 4)]
    for record in document["records"]:
        assert record["exit"] == 0 and record["scenario"] == "gateway-faults"
        assert {i["name"] for i in record["invariants"]} >= {"h3_conservation", "no_card_data"}
        figures = record["figures"]
        for amount in ("fees", "paid", "outstanding"):
            assert isinstance(figures[amount], str)
            Decimal(figures[amount])  # a decimal string, never a float
    # no faults at all: nothing declined, so no failed deduction
    assert all(r["figures"]["deductions_failed"] == 0 for r in document["records"][:2])
    page = (tmp_path / "sweep.html").read_text()
    assert "<svg" in page and "http" not in page.lower().replace("http-equiv", "")


def test_records_sort_the_same_whatever_order_they_come_in():
    records = [
        {"scenario_index": i, "fault_rate": rate, "seed": seed}
        for i in (0, 1)
        for rate in (None, "0.5", "2")
        for seed in range(5)
    ]
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == records


def test_fault_rates_scale_each_fault_capped_at_one():
    scenario = load_scenario(SCENARIOS / "gateway-faults.yaml")
    scaled = scaled_faults(scenario, Decimal("1.5"))
    assert [f.rate for f in scaled.faults] == [
        min(f.rate * Decimal("1.5"), Decimal(1)) for f in scenario.faults
    ]
    assert scaled_faults(scenario, None) is scenario
    with pytest.raises(ValueError):
        parse_fault_rates("0.5,x")
    with pytest.raises(ValueError):
        parse_seeds("9..3")


def test_a_scenario_written_back_reads_as_the_same_scenario():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        assert scenario_from_data(scenario_data(scenario)) == scenario, path.name


def test_shrink_helpers_keep_only_what_the_failure_needs():
    assert without_chunks(list(range(10)), lambda kept: 3 in kept and 7 in kept) == [3, 7]
    assert without_chunks([1, 2], lambda kept: len(kept) == 2) is None
    assert smallest_failing(1, 100, lambda n: n >= 37) == 37
    assert smallest_failing(1, 100, lambda n: False) is None


def culprit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any world with an account named `culprit` fails an extra invariant."""
    checks = runner.world_checks

    def with_culprit(world: Any) -> list[Check]:
        found = "culprit" in world.engine.account_ids()
        return [*checks(world), Check("no_culprit", ("culprit: present",) if found else ())]

    monkeypatch.setattr(runner, "world_checks", with_culprit)


def test_a_failing_sweep_exits_1_names_the_seed_and_shrinks_the_scenario(
    in_process_scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    culprit_fails(monkeypatch)
    base = load_scenario(SCENARIOS / "gateway-faults.yaml")
    data = scenario_data(base)
    data["accounts"].append({"id": "culprit", "country": "US"})
    source = tmp_path / "culprit.yaml"
    source.write_text(scenario_yaml(scenario_from_data(data)))  # type: ignore[arg-type]

    out = tmp_path / "out"
    done = invoke(
        str(source), "--seeds", "5..6", "--cluster", in_process_scheduler,
        "--out", str(out), "--shrink", "--quiet",
    )  # fmt: skip
    assert done.exit_code == 1, done.output
    assert f"billing-sim run {source} --seed 5 --transport direct" in done.output
    records = json.loads((out / "sweep.json").read_text())["records"]
    assert [(r["seed"], r["exit"]) for r in records] == [(5, 1), (6, 1)]
    failed = [i["name"] for i in records[0]["invariants"] if not i["ok"]]
    assert failed == ["no_culprit"]
    assert records[0]["reproduce"].endswith("--seed 5 --transport direct")

    shrunk_name = "shrunk-gateway-faults-seed5.yaml"
    shrunk = load_scenario(out / shrunk_name)
    assert [a.id for a in shrunk.accounts] == ["culprit"]
    assert (shrunk.end - shrunk.start).days == 1 and not shrunk.faults
    assert shrunk.seed == 5
    assert runner.run_scenario(shrunk, transport="direct").ok is False
    # one search per kind of failure: seed 6 failed alike, so it names seed 5's shrunk file
    assert not (out / "shrunk-gateway-faults-seed6.yaml").exists()
    assert records[1]["shrunk"] == records[0]["shrunk"] == str(out / shrunk_name)
    assert "2 failed run(s) of this kind" in (out / shrunk_name).read_text()
    # the page shows each failure's invariant detail and links its shrunk scenario
    page = (out / "sweep.html").read_text()
    assert page.count("<code>no_culprit</code>: culprit: present") == 2
    assert page.count(f'shrunk: <a href="{shrunk_name}">') == 2


def test_the_bench_sweep_line_shows_its_figures_and_the_target():
    line = sweep_line("gateway-faults", SweepMeasure(1000, 2, 50.0, 95.5, 0))
    for shown in ("1,000 seeds", "2 worker", "50.0 s", "95.5 s of CPU", "20.0 runs/s", "60 s"):
        assert shown in line, shown


@pytest.mark.parametrize(
    "args",
    [
        ["gateway-faults", "--seeds", "9..3"],
        ["gateway-faults", "--seeds", "1..2", "--fault-rates", "-1"],
        ["gateway-faults", "--seeds", "1..2", "--transport", "pigeon"],
        ["no-such-scenario.yaml", "--seeds", "1..2"],
    ],
)
def test_bad_arguments_and_invalid_scenarios_exit_2_before_any_cluster(args: list[str]):
    assert invoke(*args).exit_code == 2
