"""The naive example engine (examples/naive-engine) gets three rules wrong on purpose; `diff`
names exactly those rules, one scenario each, and agrees on everything else."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import NAIVE_ENGINE

DIVERGING = re.compile(r"^\s*(\S+)\s+\d+\s+\d+\s+DIVERGES\s*$", re.MULTILINE)


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
    path = NAIVE_ENGINE / "scenarios" / f"{scenario}.yaml"
    result = CliRunner().invoke(app, ["diff", str(path), "--engine-url", naive_engine])
    assert result.exit_code == 1, result.output
    assert set(DIVERGING.findall(result.output)) == {rule}, result.output
    assert f"account {account}" in result.output
    assert f"rule:     {rule}" in result.output
