"""The event log's order: a scenario run writes each instant's events grouped by account, in the
accounts' order, each account's in the order they happened; seq numbers follow the file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from billing_engine.events import Event
from simulator.eventlog import EventLog

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def written(path: Path) -> list[tuple[int, str, str | None, str]]:
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return [(r["seq"], r["at"], r["account"], r["type"]) for r in records]


def test_one_instants_events_are_grouped_by_account_in_rank_order(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl", ranks={"ada": 0, "bob": 1})
    later = T0 + timedelta(hours=1)
    for at, account, kind in [
        (T0, "bob", "b.first"),
        (T0, "ada", "a.first"),
        (T0, "bob", "b.second"),
        (T0, None, "run.wide"),
        (T0, "cy", "c.unranked"),
        (T0, "ada", "a.second"),
        (later, "bob", "b.later"),
        (later, "ada", "a.later"),
    ]:
        log.emit(Event(at, kind, account, {}))
    log.close()
    assert written(tmp_path / "events.jsonl") == [
        (1, "2026-01-01T00:00:00Z", None, "run.wide"),
        (2, "2026-01-01T00:00:00Z", "ada", "a.first"),
        (3, "2026-01-01T00:00:00Z", "ada", "a.second"),
        (4, "2026-01-01T00:00:00Z", "bob", "b.first"),
        (5, "2026-01-01T00:00:00Z", "bob", "b.second"),
        (6, "2026-01-01T00:00:00Z", "cy", "c.unranked"),
        (7, "2026-01-01T01:00:00Z", "ada", "a.later"),
        (8, "2026-01-01T01:00:00Z", "bob", "b.later"),
    ]
    assert log.count == 8


def test_without_ranks_events_are_written_as_they_come(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl", keep=True)
    log.emit(Event(T0, "b.first", "bob", {}))
    assert len(log.kept) == 1  # readable at once: the BDD steps look between actions
    log.emit(Event(T0, "a.first", "ada", {}))
    log.close()
    assert [row[2] for row in written(tmp_path / "events.jsonl")] == ["bob", "ada"]


def test_tallies_and_observers_see_events_as_they_happen(tmp_path: Path) -> None:
    seen: list[str] = []
    log = EventLog(tmp_path / "events.jsonl", ranks={"ada": 0})
    log.observers.append(lambda event: seen.append(event.type))
    log.emit(Event(T0, "account.suspended", "ada", {}))
    assert seen == ["account.suspended"] and log.types["account.suspended"] == 1
    log.close()
