"""Running a scenario end to end: build the world, let the simulated months pass, check the
invariants and write the outputs (events.jsonl, summary.json, report.html) into OUT, whole."""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from simulator.driver.connections import probe
from simulator.event_json import format_time
from simulator.invariants import CardData, Check, no_card_data, world_checks
from simulator.population import generate_population
from simulator.report.inputs import EVENTS_FILE, SUMMARY_FILE
from simulator.report.page import REPORT_FILE, packed_account_data, write_report
from simulator.run_folder import RunFolder
from simulator.run_id import RunId, run_id_of
from simulator.scenario.schema import cvvs_typed, free_text_of
from simulator.shards import (
    ShardedRun,
    merge_logs,
    partition,
    run_in_shards,
    write_outputs_while_merging,
)
from simulator.summary import Tally, summary_of, tally, write_summary
from simulator.terminal import summary_text
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
    #: each worker's peak memory (MiB), one per share; empty for a run in this process alone
    share_peaks_mib: tuple[float, ...] = ()


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
    cluster: str | None = None,
    engine_url: str | None = None,
) -> RunResult:
    """Run the scenario; with `out`, write events.jsonl, summary.json and report.html there.
    OUT changes only once all three are written (a run cut short leaves it as it was);
    simulator.run_folder.OutputFolderError, before anything runs, if OUT holds other files;
    if it gains some while the run goes, the outputs stay beside it (see `events_path`).
    `workers` processes share the accounts (None: one per CPU for a large run); the outputs
    are the same byte for byte whatever their number. With `cluster` (a Dask scheduler's
    address) the shares run as its tasks (None workers: one per worker thread of the cluster
    for a large run); simulator.cluster.ClusterUnreachable when no scheduler answers there.
    With `engine_url` the engine under test is the remote one speaking the driver protocol
    there, driven from this one process (its mocks on real sockets);
    simulator.driver.connections.EngineUnreachable, before anything runs, if nothing answers
    there."""
    if engine_url is not None and (cluster is not None or (workers or 1) > 1):
        raise ValueError("a remote engine is driven from one process: no workers or cluster")
    if engine_url is not None:
        transport = "http"  # a remote engine reaches the mocks on real sockets
        probe(engine_url)  # a dead engine in seconds, not at the first call's long timeout
    if transport not in TRANSPORTS:
        raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
    seed = scenario.seed if seed is None else seed
    run_id = run_id_of(scenario, seed)
    folder = RunFolder(out) if out is not None else None
    try:
        with _cluster_client(cluster) as client:
            result = _run(
                scenario,  # its free text masked as it was read (H-4)
                seed=seed,
                run_id=run_id,
                transport=transport,
                directory=None if folder is None else folder.path,
                progress=progress,
                workers=1 if engine_url is not None else workers,
                cluster=client,
                engine_url=engine_url,
            )
    except BaseException:  # Ctrl-C included: the partial outputs go, OUT stays as it was
        if folder is not None:
            folder.discard()
        raise
    if folder is None:
        return result
    where = folder.commit()  # OUT, or beside it if OUT gained files no run wrote meanwhile
    return replace(result, events_path=where / EVENTS_FILE)


def _cluster_client(address: str | None) -> AbstractContextManager[Any]:
    """A client to the Dask cluster at `address` (None: no cluster), connected before the
    population is generated, so the workers import the simulator meanwhile."""
    if address is None:
        return nullcontext()
    from simulator.cluster import warmed_client

    return warmed_client(address)


def _run(
    scenario: Any,
    *,
    seed: int,
    run_id: RunId,
    transport: str,
    directory: Path | None,
    progress: Callable[[float], None] | None,
    workers: int | None,
    cluster: Any = None,
    engine_url: str | None = None,
) -> RunResult:
    """The run, its outputs written to `directory` (a folder of its own, moved into place by
    the caller); its shares on the Dask cluster of the client `cluster` when given."""
    rng = seeded_rng(seed)
    accounts = list(scenario.accounts)
    if scenario.population is not None:
        generated = generate_population(
            scenario.population, rng, start=scenario.start, policy=scenario.make_policy()
        )
        accounts += generated  # ids of a prefix never ending in 7 digits: no card in them
    requested, workers = workers, workers_for(workers, len(accounts), os.cpu_count())
    events_path = None if directory is None else directory / EVENTS_FILE
    header = run_id.header_line(format_time(scenario.start))
    ranks = {spec.id: rank for rank, spec in enumerate(accounts)}
    # what no output may hold; the seed is printed as it is, even when it reads as a card
    typed = CardData(
        frozenset(card_numbers(accounts, scenario.start)),
        frozenset(cvvs_typed(accounts, scenario.start)),
        frozenset({str(seed)}),
    )
    outputs = [events_path] if events_path is not None else []  # scanned for card data (H-4)
    began = time.perf_counter()
    workers_peak = 0.0
    sharded: ShardedRun | None = None
    parts_merged = False  # a run over workers has its log in parts until merged
    try:
        if workers > 1 or cluster is not None:
            # This process holds no world, only the outputs it merges and writes, which make
            # next to no reference cycles: the collector rests (the workers pause theirs too).
            gc.disable()
            if cluster is not None:  # the same shares and parts, as tasks on a Dask cluster
                from simulator.cluster import run_on_cluster

                sharded = run_on_cluster(
                    cluster,
                    scenario,
                    accounts,
                    requested=requested,
                    seed=seed,
                    transport=transport,
                    ranks=ranks,
                    events_path=events_path,
                    card_numbers=typed,
                    progress=progress,
                )
                workers = len(sharded.share_peaks_mib)
            else:
                sharded = run_in_shards(
                    scenario,
                    partition(accounts, workers, scenario.start),
                    seed=seed,
                    transport=transport,
                    ranks=ranks,
                    events_path=events_path,
                    card_numbers=typed,
                    progress=progress,
                )
            counted, checks, workers_peak = sharded.tally, sharded.checks, sharded.peak_mib
            if sharded.log_clean:
                outputs = []  # the workers scanned the log's lines in their parts
            elif events_path is not None:  # the scan names a line of the merged log
                merge_logs(sharded.parts, events_path, ranks, header=header)
                parts_merged = True
        else:
            counted, checks = _run_alone(
                scenario, accounts, seed, transport, events_path, ranks, header, progress,
                engine_url,
            )  # fmt: skip
        summary = summary_of(
            counted,
            scenario=scenario,
            seed=seed,
            transport=transport,
            start=scenario.start,
            end=scenario.end,
            run_id=run_id.as_dict(),
        )
        summary["run"]["workers"] = workers
        if engine_url is not None:  # only then: an in-process run's summary is as it was
            summary["run"]["engine_url"] = engine_url
        summary["run"]["wall_seconds"] = round(time.perf_counter() - began, 3)
        # what is printed is scanned as well as what is written (H-4)
        printed = {"stdout": summary_text(summary)}
        checks.append(no_card_data(typed, outputs, printed, free_text_of(scenario, accounts)))
        summary["invariants"] = [check.verdict().as_dict() for check in checks]
        if sharded is not None and events_path is not None and not parts_merged:
            assert directory is not None  # events_path is under it
            write_outputs_while_merging(
                directory, sharded.parts, events_path, ranks, summary, header
            )
        elif directory is not None:
            write_summary(directory / SUMMARY_FILE, summary)
            write_report(directory)  # report.html, read back from the two files just written
        if directory is not None:
            _scan_written(directory, typed, checks, summary)
    finally:
        if sharded is not None:
            sharded.remove_parts()
    return RunResult(
        summary=summary,
        events_path=events_path,
        ok=all(invariant["ok"] for invariant in summary["invariants"]),
        workers_peak_mib=workers_peak,
        share_peaks_mib=() if sharded is None else sharded.share_peaks_mib,
    )


def _run_alone(
    scenario: Any,
    accounts: list[Any],
    seed: int,
    transport: str,
    events_path: Path | None,
    ranks: dict[str, int],
    header: str,
    progress: Callable[[float], None] | None,
    engine_url: str | None = None,
) -> tuple[Tally, list[Check]]:
    """The run in this process: its tally and world checks; events.jsonl is the run's header
    and the log the world wrote beside it."""
    part = None if events_path is None else events_path.with_name(f".{events_path.name}.0")
    with built_world(
        scenario,
        accounts,
        seed=seed,
        transport=transport,
        events_path=part,
        ranks=ranks,
        engine_url=engine_url,
    ) as world:
        world.live_through(progress=progress)
        counted, checks = tally(world), world_checks(world)
    # The world (engine, gateways, every ledger) is done with: free it (it holds reference
    # cycles) before the outputs are written, so its memory serves them.
    del world
    gc.collect()
    if events_path is not None and part is not None:
        with events_path.open("w", encoding="utf-8") as log, part.open(encoding="utf-8") as lines:
            log.write(header)
            shutil.copyfileobj(lines, log, 1 << 20)
        part.unlink()
    return counted, checks


def _scan_written(
    directory: Path, typed: CardData, checks: list[Check], summary: dict[str, Any]
) -> None:
    """H-4 over summary.json and report.html as written (the page's packed data unpacked),
    which hold the verdicts, so are scanned after: a find fails no_card_data, and both are
    written again to say so."""
    page = (directory / REPORT_FILE).read_text(encoding="utf-8")
    found = no_card_data(
        typed,
        [directory / SUMMARY_FILE, directory / REPORT_FILE],
        {f"{REPORT_FILE} account data": packed_account_data(page)},
    )
    if found.problems:
        checks[-1] = checks[-1] + found
        summary["invariants"] = [check.verdict().as_dict() for check in checks]
        write_summary(directory / SUMMARY_FILE, summary)
        write_report(directory)
