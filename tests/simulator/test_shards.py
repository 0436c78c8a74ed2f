"""A run split over worker processes writes what one process writes: the same event log byte for
byte and the same summary; accounts that could meet (one card or PayPal login typed by both)
share a worker; a worker's refusal stops the run as it would in one process."""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import re
from pathlib import Path

import pytest

from simulator import eventlog, shards
from simulator.runner import run_scenario
from simulator.scenario import AccountSpec, Scenario, load_scenario
from simulator.shards import merge_logs, partition
from simulator.workers import MIN_ACCOUNTS_PER_WORKER, workers_for
from simulator.world import RunError, World

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def outputs(out: Path) -> tuple[str, dict, str]:
    """The event log's digest, the summary and the page, less the facts of how the run went."""
    summary = json.loads((out / "summary.json").read_text())
    del summary["run"]["wall_seconds"], summary["run"]["workers"]
    page = re.sub(r'"(wall_seconds|workers)":[0-9.]+', "", (out / "report.html").read_text())
    return hashlib.sha256((out / "events.jsonl").read_bytes()).hexdigest(), summary, page


@pytest.mark.parametrize(
    ("name", "accounts"), [("gateway-faults", None), ("population-10k-year", 240)]
)
def test_h2_one_or_several_workers_write_the_same_outputs(name, accounts, tmp_path):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    if accounts is not None:  # a slice of the population, its card faults included
        population = scenario.population.model_copy(update={"count": accounts})
        scenario = scenario.model_copy(update={"population": population})
    alone = run_scenario(scenario, transport="direct", out=tmp_path / "1", workers=1)
    shared = run_scenario(scenario, transport="direct", out=tmp_path / "3", workers=3)
    assert alone.ok and shared.ok, shared.summary["invariants"]
    assert shared.summary["run"]["workers"] == 3 and shared.workers_peak_mib > 0
    assert outputs(tmp_path / "1") == outputs(tmp_path / "3")
    assert alone.summary["invariants"] == shared.summary["invariants"]
    assert not list((tmp_path / "3").glob(".events.jsonl.*"))  # the workers' parts are gone


def account(name: str, *logins: str) -> AccountSpec:
    methods = [
        {"paypal": {"email": login}}
        if "@" in login
        else {"card": {"number": login, "exp": "12/30", "cvv": "123", "name": "A B"}}
        for login in logins
    ]
    return AccountSpec.model_validate({"id": name, "country": "US", "payment_methods": methods})


def test_accounts_typing_one_card_or_paypal_login_share_a_worker():
    scenario = Scenario(name="s", start="2026-01-01T00:00:00Z", duration={"days": 1})
    accounts = [
        account("a", "4242424242424242"),
        account("b", "ann@example.com"),
        account("c", "5555555555554444", "ann@example.com"),
        account("d", "4242424242424242"),
        account("e"),
        account("f"),
    ]
    shares = partition(accounts, 2, scenario.start)
    ids = [[spec.id for spec in share] for share in shares]
    together = {frozenset("ad"), frozenset("bc")}
    assert all(any(pair <= set(share) for share in ids) for pair in together)
    assert sorted(id_ for share in ids for id_ in share) == list("abcdef")
    assert all(share == sorted(share) for share in ids)  # run order kept within a share
    assert sorted(len(share) for share in ids) == [3, 3]


def test_how_many_workers():
    assert workers_for(None, 10_000, 2) == 2
    assert workers_for(None, MIN_ACCOUNTS_PER_WORKER * 2 - 1, 8) == 1
    assert workers_for(None, 5, None) == 1
    assert workers_for(4, 3, 2) == 3  # never more workers than accounts
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        workers_for(0, 10, 2)


def test_one_process_where_processes_cannot_be_forked(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert workers_for(None, 10_000, 8) == 1 and workers_for(4, 10_000, 8) == 1


def test_a_refusal_in_a_worker_stops_the_run_with_its_message(tmp_path, monkeypatch):
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    refused = scenario.accounts[-1].id
    add_account = World.add_account

    def refusing(world: World, spec: AccountSpec) -> None:  # the workers are forked: they see it
        if spec.id == refused:
            raise RunError(f"{spec.id}: repay at 2026-01-01: no such method")
        add_account(world, spec)

    monkeypatch.setattr(World, "add_account", refusing)
    with pytest.raises(RunError, match=f"{refused}: repay at 2026-01-01: no such method"):
        run_scenario(scenario, transport="direct", out=tmp_path, workers=2)
    assert not list(tmp_path.glob(".events.jsonl.*"))


def test_merged_logs_go_by_instant_then_account_rank_and_are_numbered_again(tmp_path):
    first, second, target = tmp_path / "p0", tmp_path / "p1", tmp_path / "events.jsonl"
    first.write_text(
        '{"seq":1,"at":"2026-01-01T00:00:00Z","type":"x","account":"b"}\n'
        '{"seq":2,"at":"2026-01-01T00:00:00Z","type":"y","account":"b"}\n'
        '{"seq":3,"at":"2026-01-01T02:00:00Z","type":"z","account":"b"}\n'
    )
    second.write_text(
        '{"seq":1,"at":"2026-01-01T00:00:00Z","type":"w","account":null}\n'
        '{"seq":2,"at":"2026-01-01T00:00:00Z","type":"v","account":"a\\"q"}\n'
        '{"seq":3,"at":"2026-01-01T01:00:00Z","type":"u","account":"a\\"q"}\n'
    )
    assert merge_logs([first, second], target, {'a"q': 0, "b": 1}) == 6
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(r["seq"], r["type"]) for r in records] == [
        (1, "w"), (2, "v"), (3, "x"), (4, "y"), (5, "u"), (6, "z"),
    ]  # fmt: skip


def test_the_collector_is_as_it_was_after_a_run_over_workers(tmp_path):
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    assert gc.isenabled()
    run_scenario(scenario, transport="direct", out=tmp_path, workers=2)
    assert gc.isenabled()


def test_h4_a_cvv_in_a_workers_part_is_found_at_its_line_in_the_log(tmp_path, monkeypatch):
    """(A card number would be masked as the line is written: a CVV field stands for any leak.)"""
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    write = eventlog.to_json

    def leaking(event, seq):  # the workers are forked: they write this too
        line = write(event, seq)
        return line[:-1] + ',"cvv":"123"}' if event.type == "preauth.released" else line

    monkeypatch.setattr(eventlog, "to_json", leaking)
    found = {}
    for workers in (1, 2):
        result = run_scenario(
            scenario, transport="direct", out=tmp_path / str(workers), workers=workers
        )
        found[workers] = next(
            i for i in result.summary["invariants"] if i["name"] == "no_card_data"
        )
    assert not found[2]["ok"] and found[2]["detail"].startswith("events.jsonl:")
    assert found[1] == found[2]  # the same line of events.jsonl named


def test_a_merge_that_fails_fails_the_run(tmp_path, monkeypatch):
    """The report reads the merged log as another process writes it: if that process fails,
    the report would be short, so the run stops rather than pass it off."""

    def failing(parts, target, ranks, *, copy=None):
        raise OSError("disk full")

    monkeypatch.setattr(shards, "merge_logs", failing)
    with pytest.raises(RunError, match="merging the workers' event logs failed"):
        run_scenario(load_scenario(SCENARIOS / "quickstart.yaml"), out=tmp_path, workers=2)
    assert not list(tmp_path.glob(".events.jsonl.*"))
