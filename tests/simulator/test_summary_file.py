"""summary.json as written: the same figures as the run's summary, key order kept, and each
account's figures on one line so a diff of two runs shows which accounts moved."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.runner import write_summary


def test_the_file_reads_back_as_the_summary_in_the_same_order(tmp_path: Path) -> None:
    summary = {
        "scenario": "s",
        "run": {"events": 3},
        "accounts": {
            "ada": {"months": {"2026-01": {"total": "1.00"}}, "status": "active"},
            'o"brien': {"months": {}, "status": "suspended"},
            "zoë": {"months": {}, "status": "active"},
        },
        "totals": {"fees": "1.00"},
        "invariants": [{"name": "h3_conservation", "ok": True}],
    }
    path = tmp_path / "summary.json"
    write_summary(path, summary)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == summary
    assert list(json.loads(text)) == list(summary)
    assert list(json.loads(text)["accounts"]) == list(summary["accounts"])
    lines = text.splitlines()
    assert any(line.startswith('    "ada": {') and line.endswith("},") for line in lines)
    assert '    "zoë": {"months": {}, "status": "active"}' in lines
    assert text.endswith("\n")


def test_a_run_without_accounts_is_plain_indented_json(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    write_summary(path, {"scenario": "s", "accounts": {}})
    assert path.read_text(encoding="utf-8") == '{\n  "scenario": "s",\n  "accounts": {}\n}\n'
