"""Every output file carries its run's id; `report` and the baselines refuse a folder whose files
are of different runs; OUT is replaced whole, never mixed, and never when it holds other files."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.baselines.figures import events_digest, run_figures
from simulator.cli import app
from simulator.report.inputs import RunOutputsError, load_run
from simulator.report.page import run_id_in_page
from simulator.run_folder import OutputFolderError, RunFolder, remove_stale
from simulator.run_id import id_in_header
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def ids(out: Path) -> tuple[str | None, str, str | None]:
    """(events.jsonl's, summary.json's, report.html's) run id."""
    header = (out / "events.jsonl").read_text("utf-8").splitlines()[0]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    return (
        id_in_header(header),
        summary["run"]["id"],
        run_id_in_page((out / "report.html").read_text("utf-8")),
    )


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The quickstart scenario run with its seed and with another."""
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    first, second = tmp_path_factory.mktemp("a") / "out", tmp_path_factory.mktemp("b") / "out"
    run_scenario(scenario, transport="direct", out=first)
    run_scenario(scenario, seed=scenario.seed + 1, transport="direct", out=second)
    return first, second


def test_every_file_carries_the_same_run_id_naming_scenario_seed_and_version(two_runs):
    first, second = two_runs
    found = ids(first)
    assert found[0] == found[1] == found[2] and found[1].endswith("-seed42-v0.1.0")
    assert ids(second)[1].endswith("-seed43-v0.1.0")
    summary = json.loads((first / "summary.json").read_text("utf-8"))
    assert len(summary["run"]["scenario_sha256"]) == 64 and summary["run"]["seed"] == 42


def test_the_header_is_no_event_to_readers_and_not_in_the_digest(two_runs):
    first, _ = two_runs
    outputs = load_run(first)
    assert [event.seq for event in outputs.events()][:2] == [1, 2]
    lines = (first / "events.jsonl").read_bytes().splitlines(keepends=True)
    bare = first.parent / "bare.jsonl"
    bare.write_bytes(b"".join(lines[1:]))
    assert events_digest(first / "events.jsonl") == events_digest(bare)


def mixed(two_runs, tmp_path: Path) -> Path:
    """The first run's summary and report beside the second run's log."""
    first, second = two_runs
    folder = tmp_path / "mixed"
    shutil.copytree(first, folder)
    shutil.copy(second / "events.jsonl", folder / "events.jsonl")
    return folder


def test_report_refuses_a_folder_of_two_runs_exit_2(two_runs, tmp_path):
    folder = mixed(two_runs, tmp_path)
    before = (folder / "report.html").read_bytes()
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2
    assert "holds files of different runs" in result.output and "Traceback" not in result.output
    assert (folder / "report.html").read_bytes() == before


def test_the_baselines_reading_refuses_a_folder_of_two_runs(two_runs, tmp_path):
    with pytest.raises(RunOutputsError, match="holds files of different runs"):
        run_figures(load_run(mixed(two_runs, tmp_path)))


def test_a_log_without_its_header_is_refused(two_runs, tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(two_runs[0], folder)
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines(keepends=True)
    (folder / "events.jsonl").write_text("".join(lines[1:]), "utf-8")
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2 and "line 1 is not the run's header" in result.output


def test_a_run_replaces_out_whole_and_leaves_nothing_beside_it(tmp_path):
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    out = tmp_path / "out"
    run_scenario(scenario, transport="direct", out=out)
    run_scenario(scenario, seed=5, transport="direct", out=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["events.jsonl", "report.html", "summary.json"]
    assert ids(out)[1].endswith("-seed5-v0.1.0") and len(set(ids(out))) == 1


def test_a_failed_run_leaves_out_as_it_was(tmp_path, monkeypatch):
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    out = tmp_path / "out"
    run_scenario(scenario, transport="direct", out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("simulator.runner.write_summary", broken)
    with pytest.raises(OSError, match="disk full"):
        run_scenario(scenario, seed=5, transport="direct", out=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_holding_other_files_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.json").write_text("{}")
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputFolderError, match=r"holds files no run wrote \(thesis.tex\)"):
        RunFolder(out)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError, match="is not a folder"):
        RunFolder(tmp_path / "file")


def test_stale_folders_go_and_a_live_runs_folder_stays(tmp_path):
    out = tmp_path / "out"
    stale = tmp_path / ".out.partial-1-dead"
    stale.mkdir()
    (stale / ".events.jsonl.0").write_text("partial")
    aside = tmp_path / ".out.old-1-dead"  # a commit killed between its renames left OUT aside
    aside.mkdir()
    (aside / "summary.json").write_text("{}")
    live = RunFolder(out)  # holds its own folder locked while it lives
    assert not stale.exists() and not aside.exists()
    assert live.restored == aside and (out / "summary.json").read_text() == "{}"
    other = tmp_path / ".other.partial-1-dead"  # another OUT's: not this run's business
    other.mkdir()
    assert remove_stale(out) == [] and live.path.exists() and other.exists()
    handle = os.open(live.path, os.O_RDONLY)
    with pytest.raises(BlockingIOError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(handle)
    live.discard()
    assert not live.path.exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.partial-1-dead",
        "out",
    ]
