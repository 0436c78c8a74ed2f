"""H-4 over every output, by what a field is: a card number typed in a scenario's free text is
masked as the scenario is read and shows masked everywhere; no_card_data finds the numbers and
CVVs customers typed in any spacing, and card-like runs in free text only, so a seed, digest
or amount that passes Luhn is printed as it is and fails nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from billing_engine.domain.card_validation import luhn_valid
from simulator import runner
from simulator.card_text import SEPARATORS, card_like_runs, is_card_number
from simulator.cli import app
from simulator.invariants import CardData, no_card_data
from simulator.report.inputs import load_run
from simulator.report.page import packed_account_data
from simulator.run_id import run_id_of
from simulator.scenario import Scenario, load_scenario, parse_scenario
from simulator.summary import write_summary

ROOT = Path(__file__).resolve().parents[2]
LEAKY = """
name: leaky
description: "billing card 4242  4242  4242  4242, backup 5555 - 5555 - 5555 - 4444"
start: 2026-01-01T00:00:00Z
duration: {days: 2}
accounts:
  - id: acct-4000.0000.0000.0002
    country: US
    usage: [{product: "gpu 6011/1111/1111/1117", daily: "10.00"}]
"""
#: the issue's chaos seed: a Luhn-valid 16-digit number, as about 10% of random seeds are
LUHN_SEED = 4242424242424242


def outputs_of(out: Path, printed: str) -> dict[str, str]:
    page = (out / "report.html").read_text("utf-8")
    return {
        "stdout": printed,
        "events": (out / "events.jsonl").read_text("utf-8"),
        "summary": (out / "summary.json").read_text("utf-8"),
        "report": page,
        "report data": packed_account_data(page),
    }


def no_card_data_verdict(summary: dict) -> dict:
    return next(i for i in summary["invariants"] if i["name"] == "no_card_data")


def cli_run(scenario: Path, out: Path, *more: str):
    command = ["run", str(scenario), "--out", str(out), "--transport", "direct", *more]
    return CliRunner().invoke(app, command)


def test_h4_a_card_number_in_free_text_is_masked_as_read_and_so_in_every_output(tmp_path):
    scenario = tmp_path / "leaky.yaml"
    scenario.write_text(LEAKY)
    loaded = load_scenario(scenario)
    assert loaded.description == "billing card •••• 4242, backup •••• 4444"
    assert loaded.accounts[0].id == "acct-•••• 0002"
    assert loaded.accounts[0].usage[0].product == "gpu •••• 1117"
    result = cli_run(scenario, tmp_path / "out")
    assert result.exit_code == 0, result.output
    outputs = outputs_of(tmp_path / "out", result.output)
    for number in ("4242", "5555", "4000", "6011"):
        leaked = re.compile(f"{number}(?:[{re.escape(SEPARATORS)}]*[0-9]){{8,}}")
        assert {name: leaked.findall(text) for name, text in outputs.items()} == {
            name: [] for name in outputs
        }
    summary = json.loads(outputs["summary"])
    assert list(summary["accounts"]) == ["acct-•••• 0002"]
    assert '"account":"acct-•••• 0002"' in outputs["events"]
    assert "billing card •••• 4242" in result.output
    assert no_card_data_verdict(summary)["ok"]


def test_h4_a_luhn_valid_seed_is_printed_as_it_is_and_the_run_reads_back(tmp_path):
    out = tmp_path / "out"
    result = cli_run(ROOT / "scenarios/quickstart.yaml", out, "--seed", str(LUHN_SEED))
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["seed"] == LUHN_SEED and no_card_data_verdict(summary)["ok"]
    assert f"seed{LUHN_SEED}" in (out / "events.jsonl").read_text("utf-8").split("\n", 1)[0]
    assert str(LUHN_SEED) in (out / "report.html").read_text("utf-8")
    load_run(out)  # every file carries the same run id, unmasked


def luhn_run_in(digest: str) -> str | None:
    return next((run for run in re.findall(r"[0-9]{13,}", digest) if is_card_number(run)), None)


def test_h4_a_scenario_whose_digest_holds_a_card_like_run_runs_clean(tmp_path):
    base = load_scenario(ROOT / "scenarios/quickstart.yaml")
    # about 0.4% of scenarios: try descriptions until one's sha256 holds such a run
    tries = (base.model_copy(update={"description": f"try {n}"}) for n in range(20_000))
    scenario = next(s for s in tries if luhn_run_in(run_id_of(s, s.seed).scenario_sha256))
    text = (ROOT / "scenarios/quickstart.yaml").read_text("utf-8")
    path = tmp_path / "digest.yaml"
    path.write_text(re.sub(r"(?m)^description: .*$", f"description: {scenario.description}", text))
    reloaded = load_scenario(path)
    digest = run_id_of(reloaded, reloaded.seed).scenario_sha256
    assert luhn_run_in(digest) and reloaded.description == scenario.description
    out = tmp_path / "out"
    result = cli_run(path, out)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["run"]["scenario_sha256"] == digest and no_card_data_verdict(summary)["ok"]
    load_run(out)  # the live bug: the id masked in summary.json only, and the folder refused


def test_h4_an_account_and_a_product_named_cvv_fail_nothing(tmp_path):
    text = (ROOT / "scenarios/quickstart.yaml").read_text("utf-8")
    text = text.replace("id: acme\n", "id: cvv\n").replace("product: qwen-max,", "product: cvv,")
    path = tmp_path / "cvv.yaml"
    path.write_text(text)
    result = cli_run(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert "cvv" in summary["accounts"] and no_card_data_verdict(summary)["ok"]


def test_h4_ids_that_read_alike_once_masked_are_refused_naming_both(tmp_path):
    text = (ROOT / "scenarios/quickstart.yaml").read_text("utf-8")
    text = text.replace("id: acme\n", "id: acct-4242424242424242\n", 1)
    text = text.replace("id: bistro\n", "id: acct-4242-4242-4242-4242\n", 1)
    path = tmp_path / "alike.yaml"
    path.write_text(text)
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "accounts[1].id" in lines[0] and "accounts[0]" in lines[0]
        assert "once its card number is masked" in lines[0]
        assert not list(card_like_runs(result.output))


# --- the invariant ------------------------------------------------------------------------


def test_h4_the_invariant_finds_typed_numbers_in_any_spacing_in_files_and_texts(tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text('{"seq":1}\n{"seq":2,"note":"6011 . 1111 / 1111 _ 1117"}\n')
    spaced = tmp_path / "summary.json"
    spaced.write_text('{\n  "description": "3782  822463  10005"\n}\n')
    clean = tmp_path / "report.html"
    clean.write_text("<p>•••• 4242, 2026-01-01, 1000000.00, 4242424242424242</p>\n")
    typed = {"6011111111111117", "378282246310005", "4242424242424241"}
    found = no_card_data(typed, [log, spaced, clean], {"stdout": "ok\ncard 4242-4242-4242-4241\n"})
    assert found.problems == ("events.jsonl:2", "summary.json:2", "stdout:2")
    # a Luhn-valid run no customer typed, outside free text, is no card: a seed, say
    assert no_card_data(set(), [clean]).problems == ()


def test_h4_the_invariant_finds_a_typed_cvv_under_its_name_only(tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text('{"account":"cvv","amount":"123.00"}\n{"card":{"cvv":"123"}}\n')
    found = no_card_data(CardData(frozenset({"4242424242424242"}), frozenset({"123"})), [log])
    assert found.problems == ("events.jsonl:2",)


def test_h4_the_invariant_finds_card_like_runs_in_free_text_only():
    free_text = [("accounts[0].id", "acct-•••• 4242"), ("accounts[1].id", "pop-4242424242424242")]
    found = no_card_data(set(), [], {}, free_text)
    assert found.problems == ("free text accounts[1].id",)


def test_h4_a_leak_in_the_written_page_fails_the_run_and_says_so_in_both_files(
    tmp_path, monkeypatch
):
    scenario = load_scenario(ROOT / "scenarios/quickstart.yaml")
    monkeypatch.setattr(runner, "packed_account_data", lambda page: "x\n4242 4242 4242 4242\n")
    result = runner.run_scenario(scenario, transport="direct", out=tmp_path / "out")
    assert not result.ok
    verdict = no_card_data_verdict(result.summary)
    assert verdict == {"name": "no_card_data", "ok": False, "detail": "report.html account data:2"}
    written = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert written["invariants"] == result.summary["invariants"]
    assert '"detail":"report.html account data:2"' in (tmp_path / "out" / "report.html").read_text()


def test_h4_what_is_printed_is_scanned(monkeypatch):
    scenario = load_scenario(ROOT / "scenarios/quickstart.yaml")
    monkeypatch.setattr(runner, "summary_text", lambda summary: "title\n4242_4242_4242_4242\n")
    result = runner.run_scenario(scenario, transport="direct")
    verdict = no_card_data_verdict(result.summary)
    assert verdict["detail"] == "stdout:2" and not result.ok


# --- generated: seeds, amounts and digests that pass Luhn are never touched ------------------


def luhn_valid_numbers(low: int, high: int) -> st.SearchStrategy[str]:
    def complete(body: int) -> str:
        return next(f"{body}{d}" for d in range(10) if luhn_valid(f"{body}{d}"))

    return st.integers(low, high).map(complete)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=luhn_valid_numbers(10**12, 2**63 // 10 - 1).map(int),
    whole=luhn_valid_numbers(10**11, 10**14),
    cents=st.integers(0, 99),
    prefix=st.text("0123456789abcdef", max_size=20),
)
def test_h4_luhn_valid_seeds_amounts_and_digests_pass_unmasked(
    tmp_path, seed: int, whole: str, cents: int, prefix: str
):
    digest = (prefix + str(seed) + "f" * 64)[:64]
    amount = f"{whole}.{cents:02d}"
    grouped = f"{int(whole):,}.{cents:02d}"  # 1,487,999,997,024.00 as the terminal shows it
    summary = {
        "seed": seed,
        "run": {"scenario_sha256": digest, "id": f"{digest[:16]}-seed{seed}-v1"},
        "totals": {"charged": amount, "shown": grouped},
        "accounts": {"acme": {"charged": amount}},
    }
    path = tmp_path / "summary.json"
    write_summary(path, summary)
    assert json.loads(path.read_text("utf-8")) == summary
    typed = CardData(frozenset({"4000000000000002"}), frozenset({"123"}), frozenset({str(seed)}))
    printed = {"stdout": f"{amount} {grouped} seed {seed}"}
    assert no_card_data(typed, [path], printed).problems == ()


@settings(max_examples=30)
@given(st.sampled_from(["  ", " - ", ".", "/", "_", "-_-", " ./ "]))
def test_h4_a_card_typed_in_any_separator_style_is_one_card(separator: str):
    typed = separator.join(["4242", "4242", "4242", "4242"])
    yaml = LEAKY.replace("usage:", f'payment_methods:\n      - card: {{number: "{typed}", '
                         'exp: "12/30", cvv: "123", name: "A"}\n    usage:')  # fmt: skip
    scenario: Scenario = parse_scenario(yaml)
    card = scenario.accounts[0].payment_methods[0].card
    assert card is not None and card.number == "4242424242424242"
