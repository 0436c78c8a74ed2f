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


def test_ov1_a_month_total_over_the_wire_is_the_engines_not_the_sum_of_its_rounded_parts():
    """An engine over the driver protocol shows each figure rounded; 117.0909... + 11.7090...
    is 128.80 to the cent, while the rounded parts add up to 128.81."""
    from fractions import Fraction

    from simulator.driver.views import SpendResult
    from simulator.summary import month_figures

    shown = SpendResult.of({"pretax": "117.09", "tax": "11.71", "total": "128.80"})
    figures = month_figures({("qwen-max", "payg"): shown}, ["qwen-max"])
    assert (figures["pretax"], figures["tax"], figures["total"]) == ("117.09", "11.71", "128.80")
    assert figures["by_mode"]["payg"] == "128.80"
    assert SpendResult(Fraction(1), Fraction(2)).total == 3  # no total shown: the sum
