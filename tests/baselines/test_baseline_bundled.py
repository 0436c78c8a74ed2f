"""The committed baselines: every teaching scenario has one and none drifted. If a change to money
is intended, run `billing-sim baseline record SCENARIO... --dir baselines/`, commit the lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from simulator.baselines.store import baselines_in, read, read_events
from simulator.cli import app
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASELINES = REPO / "baselines"
#: scale runs take minutes; `make bench` measures them instead
NOT_BASELINED = {"population-10k-year"}


def test_every_teaching_scenario_has_a_baseline_at_its_seed() -> None:
    """Issue 6: each teaching scenario is baselined at its own seed (H-2 makes that meaningful)."""
    scenarios = {
        path.stem: load_scenario(path)
        for path in sorted((REPO / "scenarios").glob("*.yaml"))
        if path.stem not in NOT_BASELINED
    }
    recorded = {read(path).scenario: read(path) for path in baselines_in(BASELINES)}
    assert sorted(recorded) == sorted(s.name for s in scenarios.values())
    for stem, scenario in scenarios.items():
        baseline = recorded[scenario.name]
        assert baseline.seed == scenario.seed
        assert baseline.source == f"scenarios/{stem}.yaml"


def test_committed_baselines_have_not_drifted() -> None:
    """H-2 and every figure of the teaching scenarios (OV, AUTO, PAY, LINK) as recorded."""
    result = CliRunner().invoke(app, ["baseline", "check", "--dir", str(BASELINES)])
    assert result.exit_code == 0, result.output
    checked = [line for line in result.output.splitlines() if line.startswith("ok ")]
    assert len(checked) == len(baselines_in(BASELINES))


def test_baseline_files_are_sorted_and_hold_one_figure_per_line() -> None:
    """Issue 6: diff-friendly files: sorted keys, `ACCOUNT MONTH FIGURE` one per line."""
    figure_line = re.compile(r'    "[^"]+ [^" ]+ [^" ]+": ("-?\d+\.\d\d"|\d+|"[a-z_]+"),?')
    for path in baselines_in(BASELINES):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        lines = text.splitlines()
        start = lines.index('  "figures": {')
        figures = lines[start + 1 : start + 1 + len(data["figures"])]
        assert all(figure_line.fullmatch(line) for line in figures), path


def test_every_baseline_keeps_the_event_log_of_its_digest() -> None:
    """The log beside each baseline is the one it recorded, so a drift can name its first
    diverging event."""
    for path in baselines_in(BASELINES):
        assert read_events(path, read(path)), path
