"""`billing-sim baseline record` and `check` on temporary copies: a moved figure, policy number or
event log is reported (exit 1, figure, before, after); a missing dir, baseline or scenario: 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from simulator.baselines.figures import run_figures
from simulator.report.inputs import load_run
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


def _cli(*args: str) -> Result:
    from simulator.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, Path]:
    """(baseline dir, scenario copy) for overdue-suspension, recorded from the copy."""
    scenario = tmp_path / "overdue-suspension.yaml"
    shutil.copy(SCENARIOS / "overdue-suspension.yaml", scenario)
    directory = tmp_path / "baselines"
    result = _cli("baseline", "record", str(scenario), "--dir", str(directory))
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output
    assert (directory / "overdue-suspension-seed42.events.jsonl.gz").is_file()
    return directory, scenario


def _baseline(directory: Path) -> Path:
    return directory / "overdue-suspension-seed42.json"


def test_clean_check_exits_0(recorded: tuple[Path, Path]) -> None:
    """H-2: the same scenario and seed rerun to the same figures and digest: exit 0."""
    directory, _ = recorded
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 0, result.output
    assert "ok " in result.output and "event log unchanged" in result.output


def test_a_moved_figure_is_named_with_before_and_after(recorded: tuple[Path, Path]) -> None:
    """OV-4 fees moved: the drift names account, month, figure, before and after; exit 1."""
    directory, _ = recorded
    path = _baseline(directory)
    data = json.loads(path.read_text(encoding="utf-8"))
    actual = data["figures"]["late-payer 2026-01 fees"]
    data["figures"]["late-payer 2026-01 fees"] = "1.23"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 1
    assert "DRIFT" in result.output and "1 figure(s) moved" in result.output
    moved = [line.split() for line in result.output.splitlines() if "1.23" in line]
    assert moved == [["late-payer", "2026-01", "fees", "1.23", "->", actual]]
    assert "record again" in result.output


def test_a_changed_policy_number_moves_money(recorded: tuple[Path, Path]) -> None:
    """AUTO-7 with 10 days' grace instead of 15: suspended sooner, fewer fees metered."""
    directory, scenario = recorded
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(
        text.replace("overdue_grace_days: 15", "overdue_grace_days: 10"), encoding="utf-8"
    )
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 1
    rows = {tuple(line.split()[:3]) for line in result.output.splitlines()}
    assert ("late-payer", "2026-01", "fees") in rows
    assert ("(run)", "-", "fees") in rows
    assert "events.jsonl sha256" in result.output
    # it leads with the first event that diverged, the rule it bears witness to, both sides
    lines = result.output.splitlines()
    assert lines[1] == "  first divergence: 2026-01-15T00:30:00Z, account late-payer"
    assert lines[2].split() == ["rule:", "AUTO-7"]
    assert lines[3].split()[:2] == ["recorded:", "deduction.initiated"]
    assert lines[4].split()[:2] == ["now:", "account.overdue"]
    assert lines[5] == "  rules touched: AUTO-7 (1 account)"
    assert lines[6].split()[:3] == ["account", "month", "figure"]


def test_figures_past_twenty_are_folded(recorded: tuple[Path, Path]) -> None:
    """Many moved figures: the first twenty are shown, the rest counted in one line."""
    directory, _ = recorded
    path = _baseline(directory)
    data = json.loads(path.read_text(encoding="utf-8"))
    for number in range(25):
        data["figures"][f"ghost-{number:02d} 2026-01 fees"] = "1.00"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 1
    assert "25 figure(s) moved" in result.output
    shown = [line for line in result.output.splitlines() if line.split()[:1] == ["ghost-00"]]
    assert len(shown) == 1
    assert "ghost-19" in result.output and "ghost-20" not in result.output
    assert "  ... and 5 more" in result.output.splitlines()


def test_a_baseline_without_its_event_log_says_so(recorded: tuple[Path, Path]) -> None:
    """A baseline recorded before logs were kept still checks its figures, and says how to see
    the first diverging event."""
    directory, scenario = recorded
    (directory / "overdue-suspension-seed42.events.jsonl.gz").unlink()
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(
        text.replace("overdue_grace_days: 15", "overdue_grace_days: 10"), encoding="utf-8"
    )
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 1
    assert "keeps no event log: record it again to see the first event" in result.output
    assert ("late-payer", "2026-01", "fees") in {
        tuple(line.split()[:3]) for line in result.output.splitlines()
    }


def test_a_changed_event_log_alone_is_drift(recorded: tuple[Path, Path]) -> None:
    """H-2: the same scenario and seed give the same log; another digest is reported."""
    directory, _ = recorded
    path = _baseline(directory)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events_sha256"] = "0" * 64
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 1
    assert "events.jsonl sha256 000000000000… ->" in result.output
    assert "no recorded figure moved" in result.output
    # the log kept beside it is not the one of that digest: told, not compared
    assert "not the event log overdue-suspension-seed42.json recorded" in result.output


def test_another_seed_is_recorded_beside(recorded: tuple[Path, Path]) -> None:
    """H-2 per seed: each seed has its own baseline file, checked alike."""
    directory, scenario = recorded
    result = _cli("baseline", "record", str(scenario), "--dir", str(directory), "--seed", "7")
    assert result.exit_code == 0, result.output
    assert (directory / "overdue-suspension-seed7.json").is_file()
    assert _cli("baseline", "check", "--dir", str(directory)).exit_code == 0


def test_missing_directory_or_empty_one_exits_2(tmp_path: Path) -> None:
    """Issue 6: no baselines to check is exit 2, not a silent pass."""
    result = _cli("baseline", "check", "--dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such baseline directory" in result.output
    result = _cli("baseline", "check", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "no baseline files" in result.output
    assert "Traceback" not in result.output


def test_missing_scenario_exits_2(recorded: tuple[Path, Path]) -> None:
    """Issue 6: a baseline whose scenario file is gone is exit 2, naming it."""
    directory, scenario = recorded
    scenario.unlink()
    result = _cli("baseline", "check", "--dir", str(directory))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_malformed_baseline_exits_2(tmp_path: Path) -> None:
    """Issue 6: a baseline file that is not JSON is exit 2, naming it."""
    (tmp_path / "broken-seed1.json").write_text('{"scenario": "x"', encoding="utf-8")
    result = _cli("baseline", "check", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "broken-seed1.json: not JSON" in result.output


def test_recording_an_invalid_or_missing_scenario_exits_2(tmp_path: Path) -> None:
    """Issue 6: recording an invalid or missing scenario is exit 2 with its problems."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nseed: one\n", encoding="utf-8")
    result = _cli("baseline", "record", str(bad), "--dir", str(tmp_path / "b"))
    assert result.exit_code == 2 and "bad.yaml" in result.output
    result = _cli("baseline", "record", str(tmp_path / "gone.yaml"), "--dir", str(tmp_path))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_quickstart_figures_per_account_and_month(tmp_path: Path) -> None:
    """The figures a baseline keeps: deductions by trigger and outcome in the month whose fees
    they collect (AUTO-2, AUTO-4, AUTO-6), repayments (PAY-1), link outcomes and reasons
    (CARD-4, LINK-1), tax (OV-1) and what stayed outstanding at each close (OV-2)."""
    run_scenario(load_scenario(SCENARIOS / "quickstart.yaml"), transport="direct", out=tmp_path)
    figures = run_figures(load_run(tmp_path))
    assert figures["lapsed 2026-01 deductions.threshold.failed.count"] == 2
    assert figures["lapsed 2026-01 deductions.threshold.failed.amount"] == "3000.00"
    assert figures["lapsed 2026-01 repayments.paid.amount"] == "2500.00"
    assert figures["lapsed 2026-01 account.suspended"] == 1
    assert figures["acme 2026-01 deductions.month_end.succeeded.amount"] == "650.00"
    assert figures["acme 2026-01 outstanding"] == "650.00"
    assert figures["expiring 2026-01 links.rejected.expires_this_month"] == 1
    assert figures["copycat 2026-01 links.rejected.already_linked"] == 1
    assert figures["euro-gmbh 2026-01 tax"] == "235.60"
    assert figures["acme 2026-02 coding_plan"] == "10.00"
    assert figures["copycat - status"] == "deactivated"
