"""`billing-sim diff`: the served reference engine agrees with itself; a doctored run's first
divergence is found with its time, account and rule, identifiers normalised."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from simulator.cli import app
from simulator.differential.compare import compare_events
from simulator.driver.server import create_app


@pytest.fixture(scope="module")
def served_engine() -> Iterator[str]:
    with RunningServer(create_app()) as server:
        yield server.url


def test_the_reference_served_agrees_with_itself(served_engine: str) -> None:
    result = CliRunner().invoke(app, ["diff", "quickstart", "--engine-url", served_engine])
    assert result.exit_code == 0, result.output
    assert "agrees with the reference engine" in result.output
    assert "DIVERGES" not in result.output


def event(seq: int, at: str, type_: str, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "at": f"2026-01-{at}Z", "type": type_, "account": "ada", **fields}


LINKED = event(1, "01T00:00:00", "payment_method.linked", method=0, kind="card", default=True)


def test_identifiers_are_normalised_and_the_earlier_event_names_the_rule() -> None:
    reference = [
        LINKED,
        event(2, "20T05:00:00", "deduction.initiated", deduction="ada-ded-1", trigger="threshold",
              amount="1000.00", method=0),
        event(3, "20T05:30:00", "deduction.succeeded", deduction="ada-ded-1", amount="1000.00"),
    ]  # fmt: skip
    same = [{**e, "deduction": "X-77"} if "deduction" in e else e for e in reference]
    assert compare_events(reference, same).agrees

    early = [
        LINKED,
        event(2, "19T01:00:00", "deduction.initiated", deduction="d1", trigger="threshold",
              amount="1000.00", method=0),
    ]  # fmt: skip
    comparison = compare_events(reference, early)
    first = comparison.first()
    assert first is not None
    assert (first.account, first.rule, f"{first.at:%d %H:%M}") == ("ada", "AUTO-2", "19 01:00")
    assert 'deduction="deduction#1"' in first.seen
    assert comparison.diverging_rules() == {"AUTO-2"}
    assert ("AUTO-2", 2, 1) in comparison.table()


def test_an_out_folder_holding_other_files_is_refused(served_engine: str, tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "stray.txt").write_text("mine")
    args = ["diff", "month-end", "--engine-url", served_engine, "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "stray.txt" in result.output
