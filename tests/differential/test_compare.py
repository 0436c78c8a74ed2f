"""`billing-sim compare OUT_A OUT_B`: two runs of one scenario agree; a run whose log moved is
told by its first diverging event and rule; a folder that is not a complete run is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.scenario.bundled import resolve_scenario_path


@pytest.fixture(scope="module")
def run_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "a"
    run_scenario(load_scenario(resolve_scenario_path(Path("quickstart"))), out=out)
    return out


def copied(run: Path, to: Path) -> Path:
    shutil.copytree(run, to)
    return to


def test_two_runs_of_one_scenario_agree(run_a: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["compare", str(run_a), str(copied(run_a, tmp_path / "b"))])
    assert result.exit_code == 0, result.output
    assert "agrees with" in result.output


def test_a_moved_threshold_is_told_by_its_first_event_and_rule(run_a: Path, tmp_path: Path) -> None:
    moved = copied(run_a, tmp_path / "b")
    log = moved / "events.jsonl"
    text = log.read_text(encoding="utf-8")
    assert text.count('"threshold":"50.00"') == 1  # bistro's PayPal link
    log.write_text(text.replace('"threshold":"50.00"', '"threshold":"40.00"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(run_a), str(moved)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[1] == f"B: {moved} (quickstart, seed 42)"  # as typed
    assert lines[2] == "first divergence: 2026-01-01T00:00:00Z, account bistro"
    assert lines[3].split() == ["rule:", "PAYPAL-1"]
    assert 'threshold="50.00"' in lines[4] and 'threshold="40.00"' in lines[5]
    assert any(line.split()[:3] == ["PAYPAL-1", "6", "1"] for line in lines)


@pytest.mark.parametrize("broken", ["missing-summary", "empty", "absent", "other-run"])
def test_a_folder_that_is_not_a_complete_run_is_refused_in_one_line(
    run_a: Path, tmp_path: Path, broken: str
) -> None:
    folder = tmp_path / "b"
    if broken == "missing-summary":
        copied(run_a, folder)
        (folder / "summary.json").unlink()
    elif broken == "empty":
        folder.mkdir()
    elif broken == "other-run":  # a summary of another run beside this log
        copied(run_a, folder)
        summary = (folder / "summary.json").read_text(encoding="utf-8")
        run_id = summary.split('"id": "', 1)[1].split('"', 1)[0]
        (folder / "summary.json").write_text(summary.replace(run_id, "0" * 16 + "-seed1-v0"))
    result = CliRunner().invoke(app, ["compare", str(run_a), str(folder)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert str(folder) in result.output
