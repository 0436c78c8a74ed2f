"""`billing-sim rules`: the conformance matrix printed from the feature tags (and from a cucumber
JSON report when given), on the project's features and on sample files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from simulator import cli
from simulator.rules import rule_registry

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
RULES = rule_registry()


def rules(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["rules", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_matrix_lists_every_rule_with_its_summary_and_scenarios(tmp_path):
    code, out = rules("--features", str(ROOT / "features"), "--report", str(tmp_path / "none"))
    assert code == 0
    for rule, summary in RULES.items():
        assert f" {rule} " in out and summary in out
    assert "Scenario Outline" not in out  # names, not keywords
    assert "A card deduction starts the moment the fees not yet deducted reach" in out
    assert f"{len(RULES)} rules, {len(RULES)} covered" in out
    assert "no report" in out and "last result ┃" not in out


def test_matrix_shows_each_scenarios_last_result(tmp_path):
    (tmp_path / "sample.feature").write_text(
        "Feature: Sample\n"
        "  @AUTO-2\n  Scenario: Reaches the threshold\n    Given it is 1 January 2026\n"
        "  @AUTO-2 @PAY-5\n  Scenario: Pays twice\n    Given it is 1 January 2026\n"
    )
    report = tmp_path / "cucumber.json"
    elements = [
        {"name": "Reaches the threshold", "steps": [{"result": {"status": "passed"}}]},
        {"name": "Pays twice", "steps": [{"result": {"status": "failed"}}]},
    ]
    report.write_text(json.dumps([{"uri": "sample.feature", "elements": elements}]))
    code, out = rules("--features", str(tmp_path), "--report", str(report))
    assert code == 0
    lines = {
        line.split("│")[3].strip(): line for line in out.splitlines() if "sample.feature" in line
    }
    assert "passed" in lines["sample.feature: Reaches the threshold"]
    assert "failed" in lines["sample.feature: Pays twice"]
    uncovered = next(line for line in out.splitlines() if " AUTO-1 " in line)
    assert "none" in uncovered
    assert f"{len(RULES)} rules, 2 covered, 2 scenarios" in out


def test_a_missing_features_directory_is_bad_input(tmp_path):
    code, out = rules("--features", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such directory" in out
