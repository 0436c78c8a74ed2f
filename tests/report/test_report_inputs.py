"""Reading events.jsonl for the report: lines skipped by type before decoding."""

from __future__ import annotations

from pathlib import Path

from simulator.report.inputs import load_run


def test_skipping_a_type_leaves_every_other_event_as_read(quickstart_dir: Path) -> None:
    outputs = load_run(quickstart_dir)
    every = list(outputs.events())
    assert any(event.type == "month.closed" for event in every)
    skipped = list(outputs.events(skipping=frozenset({"month.closed"})))
    assert skipped == [event for event in every if event.type != "month.closed"]
