"""Reading events.jsonl for the report: lines skipped by type before decoding, and decoding
that accepts and refuses exactly what json.loads does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.report.inputs import RunOutputsError, load_run


def test_skipping_a_type_leaves_every_other_event_as_read(quickstart_dir: Path) -> None:
    outputs = load_run(quickstart_dir)
    every = list(outputs.events())
    assert any(event.type == "month.closed" for event in every)
    skipped = list(outputs.events(skipping=frozenset({"month.closed"})))
    assert skipped == [event for event in every if event.type != "month.closed"]


def _run_with_lines(source: Path, target: Path, lines: list[str]) -> Path:
    target.mkdir()
    (target / "summary.json").write_text((source / "summary.json").read_text("utf-8"), "utf-8")
    (target / "events.jsonl").write_text("".join(lines), "utf-8")
    return target


def test_lines_decode_as_json_loads_reads_them(quickstart_dir: Path, tmp_path: Path) -> None:
    first = (quickstart_dir / "events.jsonl").read_text("utf-8").splitlines()[0]
    lines = [f"{first}\n", f"  {first}\r\n", f"{first}"]
    run = _run_with_lines(quickstart_dir, tmp_path / "run", lines)
    events = list(load_run(run).events())
    assert len(events) == 3
    assert events[0].fields == events[1].fields == events[2].fields


@pytest.mark.parametrize("extra", ["{}", "x", ",1"])
def test_a_line_with_more_than_one_json_text_is_refused(
    quickstart_dir: Path, tmp_path: Path, extra: str
) -> None:
    record = {"seq": 1, "at": "2026-01-01T00:00:00Z", "type": "month.closed", "account": "a"}
    run = _run_with_lines(quickstart_dir, tmp_path / "run", [json.dumps(record) + extra + "\n"])
    with pytest.raises(RunOutputsError, match="line 1: not JSON"):
        list(load_run(run).events())
