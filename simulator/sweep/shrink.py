"""`--shrink`: reduce a failing run's scenario (fewer accounts, days, actions, usage, faults,
generated accounts) while the same failure shows on the same seed; keep the smallest found."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from simulator.scenario import Scenario
from simulator.sweep.records import failures
from simulator.sweep.scenario_file import scenario_data, scenario_from_data
from simulator.sweep.tasks import run_once

#: runs one shrink may spend: a reduction is a search, and a sweep may have many failures
SHRINK_RUNS = 150

Data = dict[str, Any]


@dataclass(frozen=True)
class Shrunk:
    scenario: Scenario
    #: the failure kept (an invariant's name, or an error's kind), as records.failures says
    failure: str
    #: runs the search made
    runs: int


class _Search:
    """Runs candidates on the failing seed; a candidate is kept when it fails the same way."""

    def __init__(
        self, seed: int, transport: str, failure: str, budget: int, engine_url: str | None
    ) -> None:
        self.seed, self.transport, self.failure, self.budget = seed, transport, failure, budget
        self.engine_url = engine_url
        self.runs = 0

    def fails(self, data: Data) -> bool:
        if self.runs >= self.budget:
            return False
        candidate = scenario_from_data(data)
        if candidate is None:  # not a valid scenario: not a run
            return False
        self.runs += 1
        record = run_once(candidate, self.seed, self.transport, self.engine_url)
        return self.failure in failures(record)


def shrink(
    scenario: Scenario,
    seed: int,
    transport: str,
    failure: str,
    budget: int = SHRINK_RUNS,
    engine_url: str | None = None,
) -> Shrunk:
    """The smallest scenario found that still fails `failure` on `seed` (on the engine at
    `engine_url` if given): each step tries a smaller one and keeps it if so, until no step
    helps or the budget is spent."""
    search = _Search(seed, transport, failure, budget, engine_url)
    data = scenario_data(scenario)
    steps = (_fewer_accounts, _fewer_generated, _fewer_days, _fewer_entries, _fewer_faults)
    changed = True
    while changed and search.runs < budget:
        changed = False
        for step in steps:
            smaller = step(data, search.fails)
            if smaller is not None:
                data, changed = smaller, True
    smallest = scenario_from_data(data)
    assert smallest is not None  # only valid candidates are ever kept
    return Shrunk(smallest, failure, search.runs)


def without_chunks(items: list[Any], fails: Callable[[list[Any]], bool]) -> list[Any] | None:
    """`items` with as many left out as keeps `fails` true: halves first, then quarters, and
    so on to one at a time (delta debugging's reduction). None when none could go."""
    kept, changed = list(items), False
    size = max(len(kept) // 2, 1)
    while kept:
        at = 0
        while at < len(kept):
            trial = kept[:at] + kept[at + size :]
            if fails(trial):
                kept, changed = trial, True
            else:
                at += size
        if size == 1:
            break
        size //= 2
    return kept if changed else None


def smallest_failing(low: int, high: int, fails: Callable[[int], bool]) -> int | None:
    """The least n in [low, high] for which `fails(n)`, by bisection (as if failing only grew
    with n; a guess otherwise, but every n returned did fail). None if none tried failed."""
    best = None
    while low <= high:
        middle = (low + high) // 2
        if fails(middle):
            best, high = middle, middle - 1
        else:
            low = middle + 1
    return best


def _fewer_accounts(data: Data, fails: Callable[[Data], bool]) -> Data | None:
    accounts = data.get("accounts", [])
    kept = without_chunks(accounts, lambda trial: fails({**data, "accounts": trial}))
    return None if kept is None else {**data, "accounts": kept}


def _fewer_generated(data: Data, fails: Callable[[Data], bool]) -> Data | None:
    population = data.get("population")
    if population is None:
        return None

    def with_count(count: int) -> Data:
        return {**data, "population": {**population, "count": count}}

    count = smallest_failing(1, population["count"] - 1, lambda n: fails(with_count(n)))
    return None if count is None else with_count(count)


def _fewer_days(data: Data, fails: Callable[[Data], bool]) -> Data | None:
    start = datetime.fromisoformat(data["start"])
    end = scenario_from_data(data).end  # type: ignore[union-attr]  # data is always valid here
    days = smallest_failing(1, (end - start).days - 1, lambda n: fails(_cut(data, start, n)))
    return None if days is None else _cut(data, start, days)


def _cut(data: Data, start: datetime, days: int) -> Data:
    """The scenario over its first `days` days: what starts at or after the new end left out,
    fault windows clipped to it."""
    end = start + timedelta(days=days)

    def before_end(entry: Data, key: str) -> bool:
        return key not in entry or datetime.fromisoformat(entry[key]) < end

    cut = copy.deepcopy(data)
    cut["duration"] = {"days": days}
    for account in cut.get("accounts", []):
        for key, field in (("actions", "at"), ("payment_methods", "at"), ("usage", "from")):
            if key in account:
                account[key] = [entry for entry in account[key] if before_end(entry, field)]
    faults = [fault for fault in cut.get("faults", []) if before_end(fault, "from")]
    for fault in faults:
        if datetime.fromisoformat(fault["until"]) > end:
            fault["until"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    if "faults" in cut:
        cut["faults"] = faults
    return cut


def _fewer_entries(data: Data, fails: Callable[[Data], bool]) -> Data | None:
    """Each account's actions, then its usage lines, as few as keep the failure."""
    changed = False
    for index in range(len(data.get("accounts", []))):
        for key in ("actions", "usage"):
            entries = data["accounts"][index].get(key, [])
            kept = without_chunks(entries, partial(_fails_with, fails, data, index, key))
            if kept is not None:
                data, changed = _with_entries(data, index, key, kept), True
    return data if changed else None


def _fails_with(
    fails: Callable[[Data], bool], data: Data, index: int, key: str, entries: list[Any]
) -> bool:
    return fails(_with_entries(data, index, key, entries))


def _with_entries(data: Data, index: int, key: str, entries: list[Any]) -> Data:
    accounts = list(data["accounts"])
    accounts[index] = {**accounts[index], key: entries}
    return {**data, "accounts": accounts}


def _fewer_faults(data: Data, fails: Callable[[Data], bool]) -> Data | None:
    kept = without_chunks(data.get("faults", []), lambda trial: fails({**data, "faults": trial}))
    return None if kept is None else {**data, "faults": kept}
