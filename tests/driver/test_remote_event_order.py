"""A remote engine's events are logged in time order: what it did while its test clock moved
up to an action comes before the action, even one the harness skips (and logs) itself."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.runner import run_scenario
from simulator.scenario import load_scenario

# The card linked at the start has its verification hold released within 5 business days (by 8
# January); the only call after that is on 9 January, a default set to the card that was never
# linked, which the engine refuses and the harness logs as skipped. The release is read from the
# engine during the advance to 9 January.
SCENARIO = """\
name: skip-after-advance
description: a hold released while the clock moves, then an action is skipped
seed: 42
start: 2026-01-01T00:00:00Z
duration: {days: 10}
accounts:
  - id: solo
    country: US
    payment_methods:
      - card: {number: "2223003122003222", exp: "01/26", cvv: "555", name: "SOLO"}
      - card: {number: "4242424242424242", exp: "12/30", cvv: "123", name: "SOLO"}
    actions:
      - {at: 2026-01-09T12:00:00Z, set_default: {method: 0}}
"""


def _events(folder: Path) -> list[dict]:
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[1:]]  # the run.started header left out


def test_what_the_advance_did_is_logged_before_a_skipped_action(
    engine_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "skip.yaml"
    source.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(source)
    run_scenario(scenario, engine_url=engine_url, out=tmp_path / "remote")
    run_scenario(scenario, transport="http", out=tmp_path / "here")
    events = _events(tmp_path / "remote")
    kinds = [event["type"] for event in events]
    assert kinds[-2:] == ["preauth.released", "action.skipped"], kinds
    assert events[-2]["at"] < events[-1]["at"]
    times = [event["at"] for event in events]
    assert times == sorted(times)
    assert events == _events(tmp_path / "here")
