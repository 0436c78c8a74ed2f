"""The naive example engine (examples/naive-engine) gets three rules wrong on purpose; `diff`
names exactly those rules, one scenario each, and agrees on everything else."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from simulator.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "naive-engine"
DIVERGING = re.compile(r"^\s*(\S+)\s+\d+\s+\d+\s+DIVERGES\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def naive_engine() -> Iterator[str]:
    spec = importlib.util.spec_from_file_location("naive_engine", EXAMPLE / "naive_engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with RunningServer(module.create_app()) as server:
        yield server.url


@pytest.mark.parametrize(
    ("scenario", "rule", "account"),
    [
        ("cooldown", "LINK-2", "second"),
        ("threshold-tax", "AUTO-2", "taxed"),
        ("sub-cent", "AUTO-4", "tiny"),
    ],
)
def test_diff_names_exactly_the_rule_the_naive_engine_bends(
    naive_engine: str, scenario: str, rule: str, account: str
) -> None:
    path = EXAMPLE / "scenarios" / f"{scenario}.yaml"
    result = CliRunner().invoke(app, ["diff", str(path), "--engine-url", naive_engine])
    assert result.exit_code == 1, result.output
    assert set(DIVERGING.findall(result.output)) == {rule}, result.output
    assert f"account {account}" in result.output
    assert f"rule:     {rule}" in result.output
