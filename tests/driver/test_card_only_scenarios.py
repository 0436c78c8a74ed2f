"""The card-only forms of the bundled scenarios (`NAME-cards`) judge an engine that offers no
optional feature: the naive engine runs each through `run --engine-url` to its end (no 501
NotOffered), failing only where it shows a rule the engine bends, and `billing-sim scenarios`
lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app

#: each card-only form -> the rule the naive engine bends there (None: it keeps every rule)
CARD_ONLY = {
    "quickstart-cards": "AUTO-2",  # euro-gmbh's threshold counts tax
    "gateway-faults-cards": None,
    "overdue-suspension-cards": None,
    "duplicate-link-cooldown-cards": "LINK-2",  # second links during first's cool-down
}


@pytest.mark.parametrize(("name", "bent"), sorted(CARD_ONLY.items()))
def test_the_naive_engine_runs_a_card_only_scenario_to_its_end(
    name: str, bent: str | None, naive_engine: str, tmp_path: Path
) -> None:
    args = ["run", name, "--engine-url", naive_engine, "--out", str(tmp_path / name), "-q"]
    result = CliRunner().invoke(app, args)
    # exit 3 would be a call it failed or a feature it does not offer (NotOffered)
    assert result.exit_code == (0 if bent is None else 1), result.output
    assert (tmp_path / name / "events.jsonl").exists()
    failed = [line for line in result.output.splitlines() if line.startswith("invariant failed")]
    assert all(f": {bent} " in line for line in failed) and bool(failed) == (bent is not None)


def test_the_card_only_forms_are_listed_with_the_bundled_scenarios() -> None:
    result = CliRunner().invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert set(CARD_ONLY) <= listed
