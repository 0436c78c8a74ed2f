"""H-4 over every output: a card number typed in a scenario's free text is masked in events,
summary.json, report.html and on the terminal, and no_card_data finds one wherever it is, with
spaces or dashes, whatever the brand."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from simulator import runner
from simulator.card_text import card_numbers_in
from simulator.cli import app
from simulator.invariants import no_card_data
from simulator.report.page import packed_account_data

LEAKY = """
name: leaky
description: "billing card 4242 4242 4242 4242, backup 5555-5555-5555-4444"
start: 2026-01-01T00:00:00Z
duration: {days: 2}
accounts:
  - id: acct-4000000000000002
    country: US
    usage: [{product: qwen-max, daily: "10.00"}]
"""


def luhn_runs(text: str) -> list[str]:
    return list(card_numbers_in(text))


def test_h4_a_card_number_in_free_text_is_masked_in_every_output(tmp_path: Path):
    scenario = tmp_path / "leaky.yaml"
    scenario.write_text(LEAKY)
    out = tmp_path / "out"
    command = ["run", str(scenario), "--out", str(out), "--transport", "direct"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text("utf-8")
    outputs = {
        "stdout": result.output,
        "events": (out / "events.jsonl").read_text("utf-8"),
        "summary": (out / "summary.json").read_text("utf-8"),
        "report": page,
        "report data": packed_account_data(page),
    }
    assert {name: luhn_runs(text) for name, text in outputs.items()} == {n: [] for n in outputs}
    summary = json.loads(outputs["summary"])
    assert summary["description"] == "billing card •••• 4242, backup •••• 4444"
    assert list(summary["accounts"]) == ["acct-•••• 0002"]
    assert '"account":"acct-•••• 0002"' in outputs["events"]
    assert "acct-•••• 0002" in outputs["report data"]
    assert "billing card •••• 4242" in result.output
    verdict = next(i for i in summary["invariants"] if i["name"] == "no_card_data")
    assert verdict["ok"]


def test_h4_the_invariant_finds_numbers_with_spaces_or_dashes_in_files_and_texts(tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text('{"seq":1}\n{"seq":2,"note":"6011-1111-1111-1117"}\n')
    spaced = tmp_path / "summary.json"
    spaced.write_text('{\n  "description": "3782 822463 10005"\n}\n')
    clean = tmp_path / "report.html"
    clean.write_text("<p>•••• 4242, 2026-01-01, 1000000.00</p>\n")
    found = no_card_data(set(), [log, spaced, clean], {"stdout": "ok\nok\ncard 1234567812345670\n"})
    assert found.problems == ("events.jsonl:2", "summary.json:2", "stdout:3")
    typed = no_card_data({"4242424242424241"}, [], {"stdout": "4242 4242 4242 4241"})
    assert typed.problems == ("stdout:1",)  # typed by a customer: card data, Luhn or not


def test_h4_a_leak_in_the_written_page_fails_the_run_and_says_so_in_both_files(
    tmp_path, monkeypatch
):
    from simulator.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/quickstart.yaml")
    monkeypatch.setattr(runner, "packed_account_data", lambda page: "x\n4242424242424242\n")
    result = runner.run_scenario(scenario, transport="direct", out=tmp_path / "out")
    assert not result.ok
    verdict = next(i for i in result.summary["invariants"] if i["name"] == "no_card_data")
    assert verdict == {"name": "no_card_data", "ok": False, "detail": "report.html account data:2"}
    written = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert written["invariants"] == result.summary["invariants"]
    assert '"detail":"report.html account data:2"' in (tmp_path / "out" / "report.html").read_text()


def test_h4_what_is_printed_is_scanned(tmp_path, monkeypatch):
    from simulator.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/quickstart.yaml")
    monkeypatch.setattr(runner, "summary_text", lambda summary: "title\n5555 5555 5555 4444\n")
    result = runner.run_scenario(scenario, transport="direct")
    verdict = next(i for i in result.summary["invariants"] if i["name"] == "no_card_data")
    assert verdict["detail"] == "stdout:2" and not result.ok
