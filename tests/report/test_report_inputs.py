"""Reading events.jsonl for the report: lines skipped by type before decoding, and decoding
that accepts and refuses exactly what json.loads does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.report.inputs import RunOutputsError, load_run


def test_skipping_a_type_leaves_every_other_event_as_read(quickstart_dir: Path) -> None:
    outputs = load_run(quickstart_dir)
    every = list(outputs.events())
    assert any(event.type == "month.closed" for event in every)
    skipped = list(outputs.events(skipping=frozenset({"month.closed"})))
    assert skipped == [event for event in every if event.type != "month.closed"]


def _run_with_lines(source: Path, target: Path, lines: list[str]) -> Path:
    """A copy of the run whose log holds `lines` after its header (line 1)."""
    target.mkdir()
    (target / "summary.json").write_text((source / "summary.json").read_text("utf-8"), "utf-8")
    header = (source / "events.jsonl").read_text("utf-8").splitlines(keepends=True)[0]
    (target / "events.jsonl").write_text(header + "".join(lines), "utf-8")
    return target


def test_lines_decode_as_json_loads_reads_them(quickstart_dir: Path, tmp_path: Path) -> None:
    first = (quickstart_dir / "events.jsonl").read_text("utf-8").splitlines()[1]
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
    with pytest.raises(RunOutputsError, match="line 2: not JSON"):
        list(load_run(run).events())


def _run_with_month(source: Path, target: Path, change: Any) -> Path:
    """A copy of the run whose first account's first month `change` has altered."""
    target.mkdir()
    summary = json.loads((source / "summary.json").read_text("utf-8"))
    account = next(iter(summary["accounts"].values()))
    change(next(iter(account["months"].values())))
    (target / "summary.json").write_text(json.dumps(summary), "utf-8")
    (target / "events.jsonl").write_text((source / "events.jsonl").read_text("utf-8"), "utf-8")
    return target


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda m: m.update(pretax="12.5"), r"months\.\d{4}-\d\d\.pretax: expected a two-place"),
        (lambda m: m.update(tax=1.5), r"months\.\d{4}-\d\d\.tax` has the wrong type \(float\)"),
        (lambda m: m.pop("total"), r"months\.\d{4}-\d\d\.total` is missing"),
        (
            lambda m: m["by_mode"].update(payg=None),
            r"months\.\d{4}-\d\d\.by_mode\.payg: expected a two-place amount .* got None",
        ),
        (lambda m: m.update(by_mode=[]), r"months\.\d{4}-\d\d\.by_mode` has the wrong type"),
        (
            lambda m: m["by_product"].update({"qwen-x": ["1.00"]}),
            r"months\.\d{4}-\d\d\.by_product\.qwen-x: expected a two-place amount",
        ),
        (
            lambda m: m.update(outstanding_at_close="1"),
            r"months\.\d{4}-\d\d\.outstanding_at_close: expected a two-place amount",
        ),
    ],
)
def test_load_run_checks_every_month_amount_and_names_a_bad_one(
    quickstart_dir: Path, tmp_path: Path, change: Any, named: str
) -> None:
    """The report and the baselines read the month figures unchecked: load_run refuses any bad
    one, naming the file and its key (H-3: no float amount)."""
    run = _run_with_month(quickstart_dir, tmp_path / "run", change)
    with pytest.raises(RunOutputsError, match=rf"summary\.json: `?accounts\.\S+\.{named}"):
        load_run(run)


def test_load_run_accepts_an_open_month_and_a_mode_left_out(
    quickstart_dir: Path, tmp_path: Path
) -> None:
    def change(month: dict[str, Any]) -> None:
        month["outstanding_at_close"] = None
        del month["by_mode"]["coding_plan"]

    load_run(_run_with_month(quickstart_dir, tmp_path / "run", change))


def test_only_a_line_written_as_the_log_writes_is_skipped_undecoded(
    quickstart_dir: Path, tmp_path: Path
) -> None:
    record = {"seq": 1, "at": "2026-01-01T00:00:00Z", "type": "month.closed", "account": "a"}
    written = json.dumps(record, separators=(",", ":")) + "\n"
    spaced = json.dumps(record) + "\n"  # `"type": "...`: not the written form, so decoded
    broken = written.replace('"account"', "account")  # skipped: never decoded, never refused
    run = _run_with_lines(quickstart_dir, tmp_path / "run", [written, spaced, broken])
    events = list(load_run(run).events(skipping=frozenset({"month.closed"})))
    assert [(event.line, event.type) for event in events] == [(3, "month.closed")]
