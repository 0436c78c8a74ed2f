"""The card-only forms of the bundled scenarios (`NAME-cards`) judge an engine that offers no
optional feature: the naive engine runs each through `run --engine-url` to its end, and
`billing-sim scenarios` lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app

CARD_ONLY = (
    "quickstart-cards",
    "gateway-faults-cards",
    "overdue-suspension-cards",
    "duplicate-link-cooldown-cards",
)


@pytest.mark.parametrize("name", CARD_ONLY)
def test_the_naive_engine_runs_a_card_only_scenario_to_its_end(
    name: str, naive_engine: str, tmp_path: Path
) -> None:
    args = ["run", name, "--engine-url", naive_engine, "--out", str(tmp_path / name), "-q"]
    result = CliRunner().invoke(app, args)
    # exit 3 would be a call it failed or a feature it does not offer (NotOffered)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name / "events.jsonl").exists()


def test_the_card_only_forms_are_listed_with_the_bundled_scenarios() -> None:
    result = CliRunner().invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert set(CARD_ONLY) <= listed
