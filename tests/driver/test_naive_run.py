"""`run --engine-url` against the naive example engine: each of its scenarios exits 1 and names
the one rule the engine bends there, judged by the harness's own model, not the engine's word."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import NAIVE_ENGINE

BENT = {"threshold-tax": "AUTO-2", "sub-cent": "AUTO-4", "cooldown": "LINK-2"}


@pytest.mark.parametrize(("name", "rule"), sorted(BENT.items()))
def test_run_names_the_rule_the_naive_engine_bends(
    name: str, rule: str, naive_engine: str, tmp_path: Path
) -> None:
    scenario = NAIVE_ENGINE / "scenarios" / f"{name}.yaml"
    args = ["run", str(scenario), "--engine-url", naive_engine, "--out", str(tmp_path), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("invariant failed")]
    named = {word for line in failed for word in line.replace(";", " ").split() if "-" in word}
    assert rule in named, result.output
    assert named & {"AUTO-2", "AUTO-4", "LINK-2"} == {rule}, result.output
