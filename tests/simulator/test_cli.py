"""The `billing-sim` command line: exit statuses (0 ok, 1 invariant failed, 2 bad input, 3 an
internal error, 130 interrupted; never a traceback unless asked), the summary table, validate
and scenarios. The run path is tested against a stand-in run_scenario, plus one real run of the
quickstart scenario."""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import simulator
from simulator import cli
from simulator.scenario import Scenario, ScenarioError

SUMMARY: dict[str, Any] = {
    "scenario": "quickstart",
    "description": "Six accounts",
    "seed": 42,
    "transport": "direct",
    "span": {"start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z", "days": 59},
    "run": {"wall_seconds": 0.5, "events": 812, "account_months": 12},
    "accounts": {
        "acme": {"country": "US", "status": "active", "total_amount_due": "0.00", "months": {}},
        "lapsed": {
            "country": "US",
            "status": "suspended",
            "total_amount_due": "9.00",
            "months": {},
        },
    },
    "totals": {
        "fees": "12345.67",
        "paid": "12000.00",
        "outstanding": "345.67",
        "deductions": {
            "threshold": {"succeeded": 3, "failed": 1},
            "month_end": {"succeeded": 5, "failed": 0},
        },
        "repayments": {"paid": 1, "failed": 0, "rejected": 2},
        "links": {"linked": 6, "rejected": {"expires_this_month": 1, "already_linked": 1}},
    },
    "invariants": [
        {"name": "h3_conservation", "ok": True, "detail": "fees 12345.67 = paid + outstanding"},
        {"name": "one_month_end_deduction", "ok": True, "detail": "12 account-months"},
    ],
}

RUN_ID_KEYS = ("id", "scenario_sha256", "seed", "version")

MINIMAL = """
name: tiny
description: One account, one day
start: 2026-01-01T00:00:00Z
duration: {days: 1}
accounts:
  - {id: a, country: US}
"""


class FakeResult:
    def __init__(self, summary: dict[str, Any], ok: bool) -> None:
        self.summary, self.ok, self.events_path = summary, ok, None


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace simulator.runner.run_scenario (whether or not the real runner imports yet)."""
    calls: list[dict[str, Any]] = []
    state = {"ok": True}

    def run_scenario(scenario: Scenario, **kwargs: Any) -> FakeResult:
        calls.append({"scenario": scenario, **kwargs})
        if kwargs.get("progress"):
            kwargs["progress"](1.0)
        summary = json.loads(json.dumps(SUMMARY))
        if not state["ok"]:
            summary["invariants"][0].update(ok=False, detail="fees 1.00 != paid 0.00")
        return FakeResult(summary, state["ok"])

    module = types.ModuleType("simulator.runner")
    module.run_scenario = run_scenario  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simulator.runner", module)
    monkeypatch.setattr(simulator, "runner", module, raising=False)
    try:  # the real RunError, once the world imports
        importlib.import_module("simulator.world")
    except ImportError:
        world = types.ModuleType("simulator.world")
        world.RunError = type("RunError", (Exception,), {})  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "simulator.world", world)
    calls.append({"state": state})
    return calls


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli.app, list(args))


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_run_prints_summary_table_and_passes_options(fake_run, tmp_path: Path):
    path = write(tmp_path, MINIMAL)
    result = invoke("run", str(path), "--seed", "7", "--transport", "direct", "--out", "o")
    assert result.exit_code == 0, result.output
    call = fake_run[-1]
    assert call["seed"] == 7 and call["transport"] == "direct" and call["out"] == Path("o")
    assert call["scenario"].name == "tiny"
    for text in ("Deductions", "threshold", "month_end", "expires_this_month", "12345.67",
                 "h3_conservation", "2026-01-01T00:00:00Z", "59 days", "1 suspended"):  # fmt: skip
        assert text in result.output


def test_a_negative_seed_is_refused_before_the_run(fake_run, tmp_path: Path):
    result = invoke("run", str(write(tmp_path, MINIMAL)), "--seed", "-1")
    assert result.exit_code == 2 and "--seed" in result.output
    assert not [call for call in fake_run if "scenario" in call]


def test_run_passes_workers_and_defaults_to_one_per_cpu(fake_run, tmp_path: Path):
    path = write(tmp_path, MINIMAL)
    assert invoke("run", str(path), "--workers", "3").exit_code == 0
    assert fake_run[-1]["workers"] == 3
    assert invoke("run", str(path)).exit_code == 0
    assert fake_run[-1]["workers"] is None  # the runner's default: one per CPU, large runs
    refused = invoke("run", str(path), "--workers", "0")
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_run_defaults_out_to_scenario_name(fake_run, tmp_path: Path):
    result = invoke("run", str(write(tmp_path, MINIMAL)), "--quiet")
    assert result.exit_code == 0
    assert result.output == ""
    assert fake_run[-1]["out"] == Path("out") / "tiny" and fake_run[-1]["transport"] == "wsgi"
    assert fake_run[-1]["progress"] is None


def test_run_exits_1_when_an_invariant_failed(fake_run, tmp_path: Path):
    fake_run[0]["state"]["ok"] = False
    result = invoke("run", str(write(tmp_path, MINIMAL)), "--quiet")
    assert result.exit_code == 1
    assert "invariant failed: h3_conservation: fees 1.00 != paid 0.00" in result.output


def test_invalid_scenario_exits_2_one_line_per_problem_no_traceback(fake_run, tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("country: US", "country: USA, colour: red"))
    result = invoke("run", str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{path}: accounts[0].country: expected an ISO 3166 alpha-2 country code such as US, "
        "got 'USA'",
        f"{path}: accounts[0].colour: unknown field; expected one of: id, country, tax_rate, "
        "balance, payment_methods, usage, actions",
    ]
    assert "Traceback" not in result.output and len(fake_run) == 1  # nothing was run


def test_missing_file_exits_2_without_traceback(fake_run, tmp_path: Path):
    result = invoke("run", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.output.strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def failing_run(monkeypatch, exc: BaseException) -> None:
    def fail(scenario: Scenario, **kwargs: Any) -> None:
        raise exc

    monkeypatch.setattr(sys.modules["simulator.runner"], "run_scenario", fail)


def test_a_refusal_after_the_run_started_is_an_internal_error_exit_3(
    fake_run, tmp_path, monkeypatch
):
    """Scripted actions that cannot be carried out are events; one that still stops the run is
    a fault of the harness, with the one command that reproduces it."""
    from simulator.world import RunError

    failing_run(monkeypatch, RunError("a: repay at 2026-01-01: no such method"))
    path = write(tmp_path, MINIMAL)
    result = invoke("run", str(path), "--seed", "9", "--transport", "direct")
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == [
        f"internal error in {path} (seed 9): RunError: a: repay at 2026-01-01: no such method",
        f"  reproduce: billing-sim run {path} --seed 9 --transport direct",
        "  the traceback: add --debug (or set BILLING_SIM_DEBUG=1)",
    ]


@pytest.mark.parametrize(
    "exc",
    [
        ZeroDivisionError("division by zero"),
        ScenarioError(["x.yaml: accounts[0]: raised after the start"]),
        KeyError("meter"),
    ],
)
def test_any_exception_escaping_the_run_exits_3_without_a_traceback(
    fake_run, tmp_path, monkeypatch, exc
):
    failing_run(monkeypatch, exc)
    path = write(tmp_path, MINIMAL)
    result = invoke("run", str(path))
    assert result.exit_code == 3
    assert "Traceback" not in result.output and len(result.output.splitlines()) == 3
    # the scenario's own seed, and no --transport for the default one
    assert f"  reproduce: billing-sim run {path} --seed 0\n" in result.output


def test_debug_shows_the_traceback(fake_run, tmp_path, monkeypatch):
    failing_run(monkeypatch, ZeroDivisionError("division by zero"))
    path = write(tmp_path, MINIMAL)
    shown = invoke("run", str(path), "--debug", "--workers", "2")
    assert shown.exit_code == 3 and "Traceback (most recent call last)" in shown.output
    assert f"reproduce: billing-sim run {path} --seed 0 --workers 2" in shown.output
    monkeypatch.setenv("BILLING_SIM_DEBUG", "1")
    assert "Traceback" in invoke("run", str(path)).output


def test_an_internal_error_never_prints_a_card_number(fake_run, tmp_path, monkeypatch):
    failing_run(monkeypatch, ValueError("bad card 4242 4242 4242 4242"))
    result = invoke("run", str(write(tmp_path, MINIMAL)))
    assert result.exit_code == 3 and "bad card •••• 4242" in result.output


def test_an_output_folder_holding_other_files_exits_2_before_the_run(tmp_path, monkeypatch):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = invoke("run", str(write(tmp_path, MINIMAL)), "--out", str(out), "-q")
    assert result.exit_code == 2
    assert "holds files no run wrote (notes.txt)" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_ctrl_c_exits_130_with_one_line(fake_run, tmp_path, monkeypatch):
    failing_run(monkeypatch, KeyboardInterrupt())
    result = invoke("run", str(write(tmp_path, MINIMAL)), "--out", "o")
    assert result.exit_code == 130
    assert result.output.splitlines() == ["interrupted: o left as it was"]


def test_unknown_transport_is_a_usage_error():
    result = invoke("run", "x.yaml", "--transport", "pigeon")
    assert result.exit_code == 2


def test_bundled_name_resolves_to_scenarios_dir(fake_run):
    result = invoke("run", "quickstart", "--quiet")
    assert result.exit_code == 0
    assert fake_run[-1]["scenario"].name == "quickstart"


def test_validate_names_each_file_and_exits_2_if_any_invalid(tmp_path: Path):
    good = write(tmp_path, MINIMAL, "good.yaml")
    bad = write(tmp_path, MINIMAL.replace("{days: 1}", "{weeks: 1}"), "bad.yaml")
    result = invoke("validate", str(good), str(bad))
    assert result.exit_code == 2
    assert f"ok {good}: tiny, 1 account(s), 1 days from 2026-01-01" in result.output
    assert f"{bad}: duration.weeks: unknown field; expected one of: months, days" in result.output
    assert invoke("validate", str(good)).exit_code == 0


def test_scenarios_lists_bundled_with_descriptions(tmp_path: Path):
    write(tmp_path, MINIMAL, "tiny.yaml")
    write(tmp_path, "name: [", "broken.yaml")
    result = invoke("scenarios", "--dir", str(tmp_path))
    assert result.exit_code == 0
    assert "tiny" in result.output and "One account, one day" in result.output
    assert "broken" in result.output and "invalid" in result.output
    bundled = invoke("scenarios")
    assert "quickstart" in bundled.output and "Six accounts over two months" in bundled.output


def test_quickstart_really_runs(tmp_path: Path):
    """The real runner on the bundled quickstart: exit 0 (every invariant held), outputs
    written, every kind of event the scenario promises present."""
    result = invoke("run", "quickstart", "--transport", "direct", "--out", str(tmp_path), "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["scenario"] == "quickstart" and len(summary["accounts"]) == 6
    header, *lines = (tmp_path / "events.jsonl").read_text().splitlines()
    assert json.loads(header) == {
        "seq": 0,
        "at": "2026-01-01T00:00:00Z",
        "type": "run.started",
        "account": None,
        "run": {key: summary["run"][key] for key in RUN_ID_KEYS},
    }
    assert len(lines) == summary["run"]["events"]
    types = {json.loads(line)["type"] for line in lines}
    assert types >= {
        "payment_method.linked", "payment_method.link_rejected", "preauth.authorized",
        "preauth.released", "threeds.challenged", "deduction.initiated", "deduction.succeeded",
        "deduction.failed", "account.overdue", "account.suspended", "account.resumed",
        "repayment.submitted", "repayment.settled", "plan.purchased", "plan.renewed",
        "account.deactivated", "month.closed", "product.activated",
    }  # fmt: skip
    reasons = summary["totals"]["links"]["rejected"]
    assert reasons == {"already_linked": 1, "expires_this_month": 1}


def test_gateways_serve_delegates_to_mock_gateways(monkeypatch: pytest.MonkeyPatch):
    import mock_gateways.serve

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(mock_gateways.serve, "serve", lambda **kwargs: calls.append(kwargs))
    result = invoke("gateways", "serve", "--card-port", "8101", "--paypal-port", "8103")
    assert result.exit_code == 0, result.output
    assert calls == [
        {"host": "127.0.0.1", "card_port": 8101, "threeds_port": 0, "paypal_port": 8103, "seed": 0}
    ]


def test_h4_scenarios_and_validate_show_a_typed_card_number_masked(tmp_path: Path):
    leaky = MINIMAL.replace("name: tiny", "name: tiny-4242424242424242").replace(
        "One account, one day", "pay with 5555 5555 5555 4444"
    )
    write(tmp_path, leaky, "leaky.yaml")
    listed = invoke("scenarios", "--dir", str(tmp_path))
    assert "pay with •••• 4444" in listed.output and "5555" not in listed.output
    checked = invoke("validate", str(tmp_path / "leaky.yaml"))
    assert "tiny-•••• 4242, 1 account(s)" in checked.output
