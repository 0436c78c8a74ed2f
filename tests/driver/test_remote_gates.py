"""Another team's CI gates as ours does: `baseline record`, `baseline check` and `sweep` take
--engine-url and run each scenario on that engine; a served reference engine passes the bundled
baselines, the naive engine drifts on a scenario that shows a rule it bends."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from simulator.cli import app
from simulator.driver.server import create_app

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ROOT / "baselines"


@pytest.fixture(scope="module")
def served_engine() -> Iterator[str]:
    with RunningServer(create_app()) as server:
        yield server.url


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """A baseline names its scenario relative to the repository's top."""
    monkeypatch.chdir(ROOT)


def _baselines(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "baselines"
    folder.mkdir()
    for name in names:
        shutil.copy(BASELINES / f"{name}-seed42.json", folder)
    return folder


def test_a_served_reference_engine_passes_the_bundled_baselines(
    served_engine: str, tmp_path: Path, at_root: None
) -> None:
    folder = _baselines(tmp_path, "card-threshold", "threeds-by-region")
    args = ["baseline", "check", "--dir", str(folder), "--engine-url", served_engine]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("event log unchanged") == 2, result.output


def test_a_baseline_recorded_on_the_served_engine_is_the_committed_one(
    served_engine: str, tmp_path: Path, at_root: None
) -> None:
    args = ["baseline", "record", "scenarios/month-end.yaml", "--dir", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--engine-url", served_engine])
    assert result.exit_code == 0, result.output
    recorded = (tmp_path / "month-end-seed42.json").read_text(encoding="utf-8")
    assert recorded == (BASELINES / "month-end-seed42.json").read_text(encoding="utf-8")


def test_the_naive_engine_drifts_where_it_bends_a_rule_and_skips_what_it_does_not_offer(
    naive_engine: str, tmp_path: Path, at_root: None
) -> None:
    # duplicate-link-cooldown-cards shows LINK-2, which the naive engine bends (it frees a
    # closed account's card at once); card-threshold only rules it keeps; it offers no PayPal
    names = ("duplicate-link-cooldown-cards", "card-threshold", "paypal-threshold")
    folder = _baselines(tmp_path, *names)
    args = ["baseline", "check", "--dir", str(folder), "--engine-url", naive_engine]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    # `second` links on day 29 of the cool-down and is refused on day 31 (itself holding the
    # card): a month's counts as recorded, in the other order, so the event log tells it
    drift = f"DRIFT {folder / 'duplicate-link-cooldown-cards-seed42.json'} "
    assert drift in result.output and "event log changed" in result.output
    assert f"ok {folder / 'card-threshold-seed42.json'}" in result.output
    skipped = f"skipped {folder / 'paypal-threshold-seed42.json'}: the engine at {naive_engine}"
    assert skipped in result.output and "does not offer paypal" in result.output
    assert "1 of 3 baseline(s) skipped" in result.output
    assert "1 of 3 baseline(s) drifted" in result.output


def test_a_sweep_on_a_remote_engine_runs_its_seeds_here_one_after_another(
    served_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simulator.cluster

    def no_cluster(*_: object, **__: object) -> None:
        raise AssertionError("a sweep on a remote engine starts no Dask cluster")

    monkeypatch.setattr(simulator.cluster, "dask_client", no_cluster)
    out = tmp_path / "sweep"
    args = ["sweep", "month-end", "--seeds", "1..2", "--out", str(out), "-q"]
    result = CliRunner().invoke(app, [*args, "--engine-url", served_engine])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert document["sweep"]["engine_url"] == served_engine
    assert document["sweep"]["transport"] == "http"
    assert [record["seed"] for record in document["records"]] == [1, 2]
    assert all(record["exit"] == 0 for record in document["records"])


def test_a_failed_run_on_a_remote_engine_is_reproduced_on_it(
    naive_engine: str, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    args = ["sweep", "paypal-threshold", "--seeds", "3", "--out", str(out), "-q"]
    result = CliRunner().invoke(app, [*args, "--engine-url", naive_engine])
    assert result.exit_code == 1, result.output
    assert "engine failed: NotOffered" in result.output
    assert f"--seed 3 --engine-url {naive_engine}" in result.output
    (record,) = json.loads((out / "sweep.json").read_text(encoding="utf-8"))["records"]
    assert record["exit"] == 3 and "does not offer paypal" in record["error"]


def test_a_remote_engine_sweeps_on_no_cluster(served_engine: str) -> None:
    args = ["sweep", "month-end", "--seeds", "1", "--engine-url", served_engine]
    result = CliRunner().invoke(app, [*args, "--cluster", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "no --cluster" in result.output
