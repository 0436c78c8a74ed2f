"""A large run split over worker processes: each lives through the scenario with a share of the
accounts in a world of its own, and their logs, tallies and checks are merged into exactly what
one process writes (the event log groups each instant's events by account, so order is kept)."""

from __future__ import annotations

import gc
import heapq
import multiprocessing
import os
import resource
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from json.decoder import scanstring  # type: ignore[attr-defined]
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any, cast

from simulator.invariants import CardData, Check, first_leak, world_checks
from simulator.report.inputs import SUMMARY_FILE
from simulator.report.page import write_report
from simulator.summary import Tally, tally, write_summary
from simulator.workers import die_with_parent
from simulator.world import RunError, built_world


def partition(accounts: list[Any], workers: int, start: datetime) -> list[list[Any]]:
    """The accounts dealt into `workers` shares of about equal work (expected_work), in their
    run order within each share. Accounts that type the same card number or PayPal login stay
    in one share: the engine refuses a method already linked to another account (LINK-1),
    which a world can only see if it holds both."""
    parent = list(range(len(accounts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_holder: dict[str, int] = {}
    for index, spec in enumerate(accounts):
        for _, entry in spec.link_attempts(start):
            login = f"card {entry.card.number}" if entry.card else f"paypal {entry.paypal.email}"
            holder = first_holder.setdefault(login, index)
            parent[root(index)] = root(holder)
    groups: dict[int, list[int]] = {}
    for index in range(len(accounts)):
        groups.setdefault(root(index), []).append(index)
    work = [expected_work(spec) for spec in accounts]
    shares: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    # the heaviest group first, each to the least loaded share (the first of equals)
    for members in sorted(groups.values(), key=lambda m: -sum(work[i] for i in m)):
        lightest = loads.index(min(loads))
        shares[lightest].extend(members)
        loads[lightest] += sum(work[i] for i in members)
    return [[accounts[i] for i in sorted(share)] for share in shares if share]


#: months' worth of a usage rate given per hour, day or month (a rough scale, not billing)
_MONTHS_OF = {"hourly": 730, "daily": 30, "monthly": 1}


def expected_work(spec: Any) -> int:
    """A rough measure of the billing events an account makes, only to balance the shares:
    every account closes its months, and the more it spends the more often it crosses a
    threshold (about one deduction per 1,000 of monthly spend)."""
    monthly = sum(
        getattr(usage, unit) * scale
        for usage in spec.usage
        for unit, scale in _MONTHS_OF.items()
        if getattr(usage, unit) is not None
    )
    return 1000 + int(monthly)


@dataclass(frozen=True)
class Share:
    """What one worker is given (inherited by the forked process, never pickled)."""

    number: int
    scenario: Any
    accounts: list[Any]
    seed: int
    transport: str
    ranks: Mapping[str, int]
    #: where the worker writes its part of the event log (None: no log is written)
    part: Path | None
    #: every card number (and CVV) the run's customers type, to look for in the part (H-4)
    card_numbers: CardData | frozenset[str]


@dataclass(frozen=True)
class ShareResult:
    tally: Tally
    checks: list[Check]
    peak_mib: float
    #: no card number or CVV in the worker's part of the event log
    part_clean: bool


@dataclass(frozen=True)
class ShardedRun:
    tally: Tally
    checks: list[Check]
    #: resident memory (MiB) of the parent as the workers started plus each worker's peak less
    #: the pages it shares: about the most the run held at once while they ran
    peak_mib: float
    #: the workers found no card number or CVV in their parts of the event log, which hold
    #: its lines but for their numbers (the H-4 scan, done in parallel)
    log_clean: bool
    #: the workers' parts of the event log, to merge (merge_logs) and then remove
    parts: tuple[Path, ...]
    #: each share's peak memory (MiB), in share order: one per worker
    share_peaks_mib: tuple[float, ...] = ()

    def remove_parts(self) -> None:
        _remove(self.parts)


def _remove(parts: Iterable[Path | None]) -> None:
    for part in parts:
        if part is not None:
            part.unlink(missing_ok=True)


def run_in_shards(
    scenario: Any,
    shares: list[list[Any]],
    *,
    seed: int,
    transport: str,
    ranks: Mapping[str, int],
    events_path: Path | None,
    card_numbers: CardData | frozenset[str] = frozenset(),
    progress: Callable[[float], None] | None = None,
) -> ShardedRun:
    """Live through `scenario` with one worker process per share, each writing its part of
    the log next to `events_path` (when given): the caller merges the parts and removes them.
    A worker's refusal is raised here as it was raised there (and no part is left)."""
    parent_mib = _resident_mib()
    context = multiprocessing.get_context("fork")  # the workers inherit the scenario and shares
    done = context.Array("d", len(shares), lock=False)  # each worker's progress, 0..1
    parts = [
        None if events_path is None else events_path.with_name(f".{events_path.name}.{n}")
        for n in range(len(shares))
    ]
    workers, receivers = [], []
    parent = os.getpid()
    try:
        for number, accounts in enumerate(shares):
            share = Share(
                number, scenario, accounts, seed, transport, ranks, parts[number], card_numbers
            )
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(
                target=_live_share,
                args=(share, done, sender, parent),
                name=f"billing-sim-share-{number}",
                daemon=True,
            )
            worker.start()
            sender.close()
            workers.append(worker)
            receivers.append(receiver)
        try:
            results = _collect(receivers, done, progress)
        finally:  # on a failure or Ctrl-C, no worker outlives the run
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
                worker.join()
    except BaseException:
        _remove(parts)
        raise
    return combined(results, ranks, parts, parent_mib)


def combined(
    results: list[ShareResult],
    ranks: Mapping[str, int],
    parts: Iterable[Path | None],
    parent_mib: float,
) -> ShardedRun:
    """The shares' results as one run's: tallies and checks added up, accounts in run order."""
    counted = sum((r.tally for r in results[1:]), results[0].tally)
    counted.accounts = {a: counted.accounts[a] for a in ranks if a in counted.accounts}
    checks = [sum(each[1:], each[0]) for each in zip(*(r.checks for r in results), strict=True)]
    peaks = tuple(r.peak_mib for r in results)
    written = tuple(p for p in parts if p is not None)
    clean = all(r.part_clean for r in results)
    return ShardedRun(counted, checks, parent_mib + sum(peaks), clean, written, peaks)


def _collect(
    receivers: list[Connection], done: Any, progress: Callable[[float], None] | None
) -> list[ShareResult]:
    results: dict[int, ShareResult] = {}
    waiting = {receiver: number for number, receiver in enumerate(receivers)}
    while waiting:
        for ready in wait(list(waiting), timeout=0.2):
            ready = cast(Connection, ready)  # wait() was given only connections
            number = waiting.pop(ready)
            try:
                outcome, value = ready.recv()
            except EOFError:
                raise RunError(f"worker {number} ended without a result") from None
            if outcome == "error":
                raise value
            results[number] = value
        if progress is not None:
            progress(min(done))
    return [results[n] for n in range(len(receivers))]


def _live_share(share: Share, done: Any, sender: Connection, parent: int) -> None:
    """A worker: the scenario with its share of the accounts; its tally and checks back."""
    die_with_parent(parent)

    def report(fraction: float) -> None:
        done[share.number] = fraction

    # The world keeps almost everything it allocates to the end and makes few reference
    # cycles, and this process ends with the world: the cyclic collector would rescan millions
    # of objects again and again (a fifth of the run) to free next to nothing.
    gc.disable()
    try:
        counted, checks, clean = live_share(share, report)
        sender.send(("ok", ShareResult(counted, checks, _peak_mib(), clean)))
    except BaseException as exc:  # every failure, Ctrl-C included, goes back to the parent
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that does not pickle: its text then
            sender.send(("error", RunError(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def live_share(share: Share, report: Callable[[float], None]) -> tuple[Tally, list[Check], bool]:
    """The scenario with the share's accounts in a world of its own, its log part written to
    `share.part`: the tally, the world checks and whether the part holds no card number or
    CVV (H-4). What a forked worker does, and a Dask task (simulator/cluster.py)."""
    with built_world(
        share.scenario,
        share.accounts,
        seed=share.seed,
        transport=share.transport,
        events_path=share.part,
        ranks=share.ranks,
    ) as world:
        world.live_through(progress=report)
        counted, checks = tally(world), world_checks(world)
    clean = share.part is None or first_leak(share.part, share.card_numbers) is None
    return counted, checks, clean


def _peak_mib() -> float:
    """This worker's peak resident memory less the pages it still shares with the parent it
    was forked from (counted once, in the parent's)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    memory = _memory_mib()
    return peak - (memory["Rss"] - memory["Pss"]) if memory else peak


def _resident_mib() -> float:
    """This process's resident memory now (0 where /proc is missing)."""
    return _memory_mib().get("Rss", 0.0)


def _memory_mib() -> dict[str, float]:
    """Rss and Pss (shared pages divided among their sharers) of this process now, in MiB;
    empty where /proc does not tell (not Linux)."""
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:
        return {}
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("Rss", "Pss"):
            found[name] = int(value.split()[0]) / 1024  # kB
    return found


def merge_logs(
    parts: Iterable[Path],
    target: Path,
    ranks: Mapping[str, int],
    *,
    copy: IO[str] | None = None,
    header: str = "",
) -> int:
    """The workers' logs as one, after `header` (the run's id line): by instant, then by
    account rank (one account's events are all in one part, in order), numbered again from 1;
    each line also to `copy` if given. Returns the number of events."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        out.write(header)
        if copy is not None:
            copy.write(header)
        merged = heapq.merge(*(_keyed(part, ranks) for part in parts), key=_key)
        for count, (_, line) in enumerate(merged, start=1):
            # every line starts {"seq":N, (simulator.event_json.to_json)
            numbered = f'{{"seq":{count}{line[line.index(",") :]}'
            out.write(numbered)
            if copy is not None:
                copy.write(numbered)
    return count


def write_outputs_while_merging(
    directory: Path,
    parts: Iterable[Path],
    events_path: Path,
    ranks: Mapping[str, int],
    summary: dict[str, Any],
    header: str = "",
) -> None:
    """The run's outputs in DIRECTORY, two processes at once: another process merges the log
    into events.jsonl and, through a FIFO, into the report's copy of it, then writes
    summary.json; this one writes report.html from that copy and the summary it was given.
    A merge that fails fails the run (its report would be short)."""
    fifo = directory / f".{events_path.name}.fifo"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    parts = tuple(parts)
    merger = multiprocessing.get_context("fork").Process(
        target=_merge_into_fifo,
        args=(
            parts,
            events_path,
            ranks,
            fifo,
            summary,
            directory / SUMMARY_FILE,
            header,
            os.getpid(),
        ),
        name="billing-sim-merge",
        daemon=True,
    )
    failed = RunError("merging the workers' event logs failed")
    try:
        merger.start()
        try:
            write_report(directory, events_from=fifo, summary=summary)
        except Exception as exc:
            merger.join()  # a merge that failed cut the report's copy short: say so first
            if merger.exitcode != 0:
                raise failed from exc
            raise
        except BaseException:
            merger.terminate()  # it may be waiting for a reader that is gone
            raise
        finally:
            merger.join()
    finally:
        fifo.unlink(missing_ok=True)
    if merger.exitcode != 0:
        raise failed


def _merge_into_fifo(
    parts: tuple[Path, ...],
    events_path: Path,
    ranks: Mapping[str, int],
    fifo: Path,
    summary: dict[str, Any],
    summary_path: Path,
    header: str,
    parent: int,
) -> None:
    die_with_parent(parent)
    with fifo.open("w", encoding="utf-8") as copy:  # first: the report waits for it
        merge_logs(parts, events_path, ranks, copy=copy, header=header)
    write_summary(summary_path, summary)


def _key(item: tuple[tuple[str, int], str]) -> tuple[str, int]:
    return item[0]


def _keyed(part: Path, ranks: Mapping[str, int]) -> Iterator[tuple[tuple[str, int], str]]:
    """Each line with its (time, account rank). The time text sorts as the time (ISO 8601
    UTC, fixed width) and is read by position: seq, at, type and account come first."""
    with part.open(encoding="utf-8") as lines:
        for line in lines:
            at = line.index(',"at":"') + 7
            at_end = line.index('"', at)
            account = line.index(',"account":', at_end) + 11
            # null: a run-wide event, first in its instant
            rank = -1 if line[account] == "n" else ranks[scanstring(line, account + 1)[0]]
            yield (line[at:at_end], rank), line
