"""Running a scenario end to end: build the world, let the simulated months pass, check the
invariants and write the outputs (events.jsonl, summary.json)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.invariants import no_card_data, world_checks
from simulator.population import generate_population
from simulator.report.page import write_report
from simulator.shards import (
    ShardedRun,
    merge_logs,
    partition,
    run_in_shards,
    write_outputs_while_merging,
)
from simulator.summary import summary_of, tally, write_summary
from simulator.workers import workers_for
from simulator.world import built_world, card_numbers, seeded_rng

TRANSPORTS = ("direct", "wsgi", "http")


@dataclass(frozen=True)
class RunResult:
    summary: dict[str, Any]
    events_path: Path | None
    ok: bool
    #: with several processes: the most memory (MiB) they held at once while the workers ran
    #: (see ShardedRun); 0 for a run in this process alone
    workers_peak_mib: float = 0.0


#: young-generation collections every this many allocations during a run (CPython: 700)
RUN_GC_THRESHOLD = 100_000


@contextmanager
def few_collections() -> Iterator[None]:
    """A run allocates millions of small objects and keeps most of them to its end (ledgers,
    deductions, gateway records); with CPython's default the cyclic collector rescans them
    hundreds of times, a fifth of a large run. Collect young objects every 100,000
    allocations instead (a run makes few reference cycles), and restore the settings after
    (the run may also pause the collector)."""
    previous, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(RUN_GC_THRESHOLD, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if enabled:
            gc.enable()


@few_collections()
def run_scenario(
    scenario: Any,
    *,
    seed: int | None = None,
    transport: str = "wsgi",
    out: Path | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int | None = 1,
) -> RunResult:
    """Run the scenario; with `out`, write events.jsonl, summary.json and report.html there.
    `workers` processes share the accounts (None: one per CPU for a large run); the outputs
    are the same byte for byte whatever their number."""
    if transport not in TRANSPORTS:
        raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
    seed = scenario.seed if seed is None else seed
    rng = seeded_rng(seed)
    accounts = list(scenario.accounts)
    if scenario.population is not None:
        accounts += generate_population(
            scenario.population, rng, start=scenario.start, policy=scenario.make_policy()
        )
    workers = workers_for(workers, len(accounts), os.cpu_count())
    events_path = None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        events_path = out / "events.jsonl"
    ranks = {spec.id: rank for rank, spec in enumerate(accounts)}
    numbers = frozenset(card_numbers(accounts, scenario.start))
    outputs = [events_path] if events_path is not None else []  # scanned for card data (H-4)
    began = time.perf_counter()
    workers_peak = 0.0
    sharded: ShardedRun | None = None
    parts_merged = False  # a run over workers has its log in parts until merged
    try:
        if workers > 1:
            # This process holds no world, only the outputs it merges and writes, which make
            # next to no reference cycles: the collector rests (the workers pause theirs too).
            gc.disable()
            sharded = run_in_shards(
                scenario,
                partition(accounts, workers, scenario.start),
                seed=seed,
                transport=transport,
                ranks=ranks,
                events_path=events_path,
                card_numbers=numbers,
                progress=progress,
            )
            counted, checks, workers_peak = sharded.tally, sharded.checks, sharded.peak_mib
            if sharded.log_clean:
                outputs = []  # the workers scanned the log's lines in their parts
            elif events_path is not None:  # the scan names a line of the merged log
                merge_logs(sharded.parts, events_path, ranks)
                parts_merged = True
        else:
            with built_world(
                scenario,
                accounts,
                seed=seed,
                transport=transport,
                events_path=events_path,
                ranks=ranks,
            ) as world:
                world.live_through(progress=progress)
                counted, checks = tally(world), world_checks(world)
            # The world (engine, gateways, every ledger) is done with: free it (it holds
            # reference cycles) before the outputs are written, so its memory serves them.
            del world
            gc.collect()
        summary = summary_of(
            counted,
            scenario=scenario,
            seed=seed,
            transport=transport,
            start=scenario.start,
            end=scenario.end,
        )
        checks.append(no_card_data(set(numbers), outputs))
        invariants = [check.verdict() for check in checks]
        summary["invariants"] = [i.as_dict() for i in invariants]
        summary["run"]["workers"] = workers
        summary["run"]["wall_seconds"] = round(time.perf_counter() - began, 3)
        if sharded is not None and events_path is not None and not parts_merged:
            write_outputs_while_merging(out, sharded.parts, events_path, ranks, summary)
        elif out is not None:
            write_summary(out / "summary.json", summary)
            write_report(out)  # DIR/report.html, read back from the two files just written
    finally:
        if sharded is not None:
            sharded.remove_parts()
    return RunResult(
        summary=summary,
        events_path=events_path,
        ok=all(i.ok for i in invariants),
        workers_peak_mib=workers_peak,
    )
