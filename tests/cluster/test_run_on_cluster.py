"""`billing-sim run --cluster ADDRESS` over a real Dask scheduler with two worker processes on
127.0.0.1: a population slice gives the events.jsonl and summary.json of a run in one process,
whether the workers write their log parts into the run's folder or send them back in pieces."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from distributed import Client
from typer.testing import CliRunner

from simulator import cli, cluster, runner
from simulator.bench import ClusterMeasure, Measure, SweepMeasure, cluster_line, sweep_line
from simulator.run_folder import RUN_FILES
from simulator.scenario import load_scenario
from simulator.sweep.scenario_file import scenario_yaml

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: accounts in the slice of population-10k-year: a year of them takes about a second
SLICE = 200
#: what a run over the cluster may write differently: how long it took and over how many
#: workers; everything else in summary.json is the same
RUN_FACTS_THAT_DIFFER = ("wall_seconds", "workers")


@pytest.fixture(scope="module")
def population_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = load_scenario(SCENARIOS / "population-10k-year.yaml")
    assert scenario.population is not None
    population = scenario.population.model_copy(update={"count": SLICE})
    path = tmp_path_factory.mktemp("slice") / "slice.yaml"
    path.write_text(scenario_yaml(scenario.model_copy(update={"population": population})))
    return path


@pytest.fixture(scope="module")
def local_run(population_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The slice in this one process."""
    out = tmp_path_factory.mktemp("local") / "out"
    done = invoke("run", str(population_slice), "--workers", "1", "--out", str(out))
    assert done.exit_code == 0, done.output
    return out


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli.app, [*args, "--transport", "direct", "--quiet"])


def without_run_facts(path: Path) -> dict[str, Any]:
    summary = json.loads(path.read_text())
    for fact in RUN_FACTS_THAT_DIFFER:
        del summary["run"][fact]
    return summary


def test_a_run_over_the_cluster_writes_what_one_process_writes(
    scheduler: str, population_slice: Path, local_run: Path, tmp_path: Path
):
    out = tmp_path / "out"
    done = invoke(
        "run", str(population_slice), "--cluster", scheduler, "--workers", "2", "--out", str(out)
    )
    assert done.exit_code == 0, done.output
    assert sorted(os.listdir(out)) == sorted(RUN_FILES)  # no part or probe left behind
    events = (out / "events.jsonl").read_bytes()
    assert events == (local_run / "events.jsonl").read_bytes()
    assert without_run_facts(out / "summary.json") == without_run_facts(local_run / "summary.json")
    assert json.loads((out / "summary.json").read_text())["run"]["workers"] == 2
    assert json.loads(events.splitlines()[-1])["seq"] == len(events.splitlines()) - 1


def test_parts_sent_back_in_pieces_merge_into_the_same_log(
    scheduler: str,
    population_slice: Path,
    local_run: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    # the workers do not see the run's folder, as on other machines; small pieces, so a part
    # comes back in many
    monkeypatch.setattr(cluster, "_folder_probe", lambda events_path: None)
    monkeypatch.setattr(cluster, "CHUNK_BYTES", 64 << 10)
    seen: list[float] = []
    result = runner.run_scenario(
        load_scenario(population_slice),
        transport="direct",
        out=tmp_path / "out",
        workers=3,  # more shares than workers: one waits, and the worlds are freed at once
        cluster=scheduler,
        progress=seen.append,
    )
    assert result.ok and result.summary["run"]["workers"] == 3
    assert len(result.share_peaks_mib) == 3 and min(result.share_peaks_mib) > 0
    out = tmp_path / "out"
    assert (out / "events.jsonl").read_bytes() == (local_run / "events.jsonl").read_bytes()
    assert without_run_facts(out / "summary.json") == without_run_facts(local_run / "summary.json")
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with Client(scheduler) as client:  # each worker removed its copy once fetched
        left = client.run(lambda dask_worker: os.listdir(dask_worker.local_directory))
    assert not [name for names in left.values() for name in names if "billing-sim" in name]


def test_no_scheduler_at_the_address_exits_2_and_leaves_out_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    out = tmp_path / "out"
    done = invoke("run", "quickstart", "--cluster", "tcp://127.0.0.1:9", "--out", str(out))
    assert done.exit_code == 2, done.output
    assert "no Dask scheduler at tcp://127.0.0.1:9" in done.output
    assert not out.exists() and os.listdir(tmp_path) == []


def test_shares_on_the_cluster_are_one_per_slot_with_enough_accounts_each():
    assert cluster.shares_for(None, 10_000, 2) == 2
    assert cluster.shares_for(None, 700, 4) == 1  # 500 accounts a share at least
    assert cluster.shares_for(None, 100, 4) == 1
    assert cluster.shares_for(3, 100, 1) == 3  # as asked, whatever the slots
    assert cluster.shares_for(8, 5, 2) == 5  # never more than one per account
    # a worker runs several shares rather than one too large for its memory
    assert cluster.shares_for(None, 100_000, 2) == 10
    assert cluster.shares_for(None, 100_000, 16) == 16


def test_the_bench_lines_show_the_dask_figures_and_the_targets():
    fork = Measure("direct", 2, 10_000, 120_000, 605_532, 20.0, 39.0, 960.0, True)
    on_dask = ClusterMeasure(10_000, 605_532, 2, 2, 1.5, 21.0, 430.0, 520.0, True)
    line = cluster_line(on_dask, fork)
    for shown in ("2 share(s)", "21.0 s", "430 MiB per worker", "20.0 s", "+5%", "+10%"):
        assert shown in line, shown
    large = ClusterMeasure(100_000, 6_000_000, 8, 2, 1.5, 240.0, 1_100.0, 2_000.0, True)
    assert "1,536 MiB per worker" in cluster_line(large)
    swept = sweep_line("gateway-faults", SweepMeasure(1000, 2, 25.0, 50.0, 0, 1.0, 45.6))
    assert "1.0 s starting the cluster" in swept and "95% busy" in swept
