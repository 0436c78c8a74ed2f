"""`--out` is named as the user typed it, relative stays relative, in every message about it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app


@pytest.mark.parametrize("occupied", ["a file", "a folder of someone's"])
def test_a_refused_out_is_named_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, occupied: str
) -> None:
    monkeypatch.chdir(tmp_path)
    typed = Path("outputs") / "mine"
    typed.parent.mkdir()
    if occupied == "a file":
        typed.write_text("not a run\n", encoding="utf-8")
    else:
        typed.mkdir()
        (typed / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "quickstart", "--out", str(typed), "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{typed}: "), result.output
    assert str(tmp_path) not in result.output


def test_where_the_outputs_are_is_named_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["run", "quickstart", "--out", "here", "--transport", "direct"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "outputs in here/"
