"""A scenario run against the reference engine served over the driver protocol gives the same
events and summary as the run in process: the HTTP adapter, the test clock and the usage
windows change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from simulator.cli import app
from simulator.driver.server import create_app
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def served_engine() -> Iterator[str]:
    with RunningServer(create_app()) as server:
        yield server.url


def outputs(folder: Path) -> tuple[list[str], dict]:
    events = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["run"].pop("wall_seconds")
    summary["run"].pop("engine_url", None)
    return events, summary


@pytest.mark.parametrize("name", ["quickstart", "gateway-faults"])
def test_a_remote_run_is_the_run_in_process(name: str, served_engine: str, tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    here = run_scenario(scenario, transport="http", out=tmp_path / "here")
    there = run_scenario(scenario, engine_url=served_engine, out=tmp_path / "there")
    assert here.ok and there.ok
    assert there.summary["run"]["engine_url"] == served_engine
    assert outputs(tmp_path / "there") == outputs(tmp_path / "here")


def test_run_with_engine_url(served_engine: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", "month-end", "--engine-url", served_engine, "--out", str(out), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "events.jsonl").exists()


def test_a_remote_engine_is_driven_from_one_process(served_engine: str) -> None:
    args = ["run", "month-end", "--engine-url", served_engine, "--workers", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "one process" in result.output


def test_an_engine_that_cannot_be_reached_is_named_not_taken_for_an_internal_error(
    tmp_path: Path,
) -> None:
    with RunningServer(create_app()) as server:
        gone = server.url  # served, then stopped: nothing answers there any more
    args = ["run", "month-end", "--engine-url", gone, "--out", str(tmp_path / "out"), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3
    assert result.output.strip() == f"cannot reach the engine at {gone}: connection refused"
