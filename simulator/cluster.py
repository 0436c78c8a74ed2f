"""Dask clusters for the simulator: a client to a running scheduler (`--cluster ADDRESS`) or to a
LocalCluster of one single-threaded worker process per CPU; and a run's shares as Dask tasks
(`billing-sim run --cluster ADDRESS`), merged as the fork path's are."""

from __future__ import annotations

import gc
import importlib
import logging
import math
import multiprocessing
import os
import pickle
import queue
import resource
import secrets
import signal
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from simulator.invariants import CardData
from simulator.shards import (
    ShardedRun,
    Share,
    ShareResult,
    _remove,
    _resident_mib,
    combined,
    live_share,
    partition,
)
from simulator.workers import MIN_ACCOUNTS_PER_WORKER, die_with_parent
from simulator.world import RunError

#: how long to wait for a scheduler given by address before giving up
CONNECT_TIMEOUT = "20s"


#: a LocalCluster's settings: on a machine of few cores, what its processes do beside the tasks
#: is taken from the runs (workers started with `dask worker` take the same settings from
#: DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False and so on)
QUIET_CLUSTER = {
    # no statistical profiler in the workers: it samples every thread's stack every 10 ms, 3-5%
    # of a run's CPU
    "distributed.worker.profile.enabled": False,
    # the event loops' health check (every 20 ms), the processes' CPU, memory and network
    # figures (500 ms) and the nannies' look at their workers' memory (100 ms), less often: with
    # them, the scheduler, nannies and workers took 1.7 s of CPU while a 10k year's two shares
    # ran for 22 s, and 1.0 s without
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextmanager
def dask_client(address: str | None = None, *, workers: int | None = None) -> Iterator[Any]:
    """A distributed.Client: to the scheduler at `address`, or to a LocalCluster of `workers`
    processes (default: one per CPU) started here and stopped on leaving. Processes, not
    threads: a run is pure Python and holds the GIL throughout."""
    import dask
    from distributed import Client, LocalCluster

    if address is not None:
        with Client(address, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    with (
        dask.config.set(QUIET_CLUSTER),
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            # the scheduler's HTTP endpoints on any free port: 8787 may be another cluster's
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def warmed_client(address: str) -> Iterator[Any]:
    """A client to the scheduler at `address` (ClusterUnreachable when none answers), its
    workers already set to import what a share needs (warm_up, a task each, not waited for):
    the caller generates the population meanwhile, and each worker's first share starts on a
    worker that has imported the simulator (0.4 s)."""
    with ExitStack() as stack:
        try:
            client = stack.enter_context(dask_client(address))
        except OSError as exc:  # refused, or no answer within CONNECT_TIMEOUT
            raise ClusterUnreachable(f"no Dask scheduler at {address}: {exc}") from None
        # a worker runs its warm-up before any share it is given (first come); the futures are
        # held to the end, as Dask cancels a task whose future is let go of
        warming = [
            client.submit(warm_up, workers=[worker], pure=False) for worker in client.nthreads()
        ]
        yield client
        del warming


#: what a share's world imports that this module does not: the card gateway's calendar loads
#: every country's holidays module at its first lookup
WARM_MODULES = ("simulator.shards", "holidays.countries")


def warm_up() -> None:
    """On a worker: import what a share imports (this module, which the task unpickles, and
    WARM_MODULES), so the share's child is forked from a worker that has them; a failure is
    the share's to report."""
    for name in WARM_MODULES:
        with suppress(ImportError):
            importlib.import_module(name)


def worker_slots(client: Any) -> int:
    """Tasks the cluster runs at once: its workers' threads together (at least 1)."""
    return max(1, sum(client.nthreads().values()))


# --- a run's shares as Dask tasks (`billing-sim run --cluster ADDRESS`) ------------------------

#: a log part that comes back to the client comes in pieces of this size, one in flight ahead
CHUNK_BYTES = 32 << 20
#: how often the client looks at its tasks while they run (and passes their progress on)
POLL_SECONDS = 0.1
#: where processes cannot be forked, a worker collects a share's world this long after its task
#: returned (by then the client has the result, which the collection would otherwise hold up)
COLLECT_AFTER_SECONDS = 2.0
#: a share's world holds some 60 KiB an account at its peak (806 MiB for 12,500 accounts in a
#: process of its own); it lives in a child forked for its task, whose memory goes when it
#: ends (a worker that ran it in its own process kept much of it for the next share: a 100k
#: year in shares of 12,500 peaked at 2 GiB a worker): at most this many keep a worker near 1 GiB
MAX_ACCOUNTS_PER_SHARE = 10_000


class ClusterUnreachable(Exception):
    """No Dask scheduler answered at the address given."""


@dataclass(frozen=True)
class PartCopy:
    """A log part written on a worker that does not see the run's folder, to fetch from it."""

    worker: str
    path: str
    size: int


def shares_for(requested: int | None, accounts: int, slots: int) -> int:
    """How many shares a run on the cluster is cut into: `requested`, or (None) one per
    worker slot as far as each gets at least MIN_ACCOUNTS_PER_WORKER accounts, and more when
    a share would hold over MAX_ACCOUNTS_PER_SHARE (a worker then runs several, one after the
    other); never more than one per account."""
    if requested is not None:
        return max(1, min(requested, accounts))
    by_slots = min(slots, accounts // MIN_ACCOUNTS_PER_WORKER)
    return max(1, by_slots, math.ceil(accounts / MAX_ACCOUNTS_PER_SHARE))


def run_on_cluster(
    client: Any,
    scenario: Any,
    accounts: list[Any],
    *,
    requested: int | None,
    seed: int,
    transport: str,
    ranks: Mapping[str, int],
    events_path: Path | None,
    card_numbers: CardData | frozenset[str] = frozenset(),
    progress: Callable[[float], None] | None = None,
) -> ShardedRun:
    """What run_in_shards does, with the shares (simulator.shards.partition) as tasks on the
    Dask cluster of `client` (warmed_client). A worker that sees the run's folder (this
    machine, or a folder the machines share) writes its log part there; any other writes it in
    its own folder and the part comes back here in pieces, as soon as its share is done.
    Either way the parts lie next to `events_path`, as the fork path leaves them, for
    merge_logs. A task's failure is raised here as it was raised there (and no part is
    left)."""
    parent_mib = _resident_mib()
    slots = worker_slots(client)
    shares = partition(accounts, shares_for(requested, len(accounts), slots), scenario.start)
    parts = [
        None if events_path is None else events_path.with_name(f".{events_path.name}.{n}")
        for n in range(len(shares))
    ]
    try:
        results = _run_shares(
            client,
            [
                Share(n, scenario, share, seed, transport, ranks, parts[n], card_numbers)
                for n, share in enumerate(shares)
            ],
            _folder_probe(events_path),
            progress,
            # shares wait for a worker: each frees its world before the next one starts
            collect_at_once=len(shares) > slots,
        )
    except BaseException:
        _remove(parts)
        raise
    return combined(results, ranks, parts, parent_mib)


def _run_shares(
    client: Any,
    shares: list[Share],
    probe: tuple[str, str] | None,
    progress: Callable[[float], None] | None,
    *,
    collect_at_once: bool,
) -> list[ShareResult]:
    topic = f"billing-sim-progress-{secrets.token_hex(8)}"
    done = [0.0] * len(shares)

    def heard(event: tuple[float, Any]) -> None:  # on the client's event loop
        number, fraction = event[1]
        done[number] = fraction

    client.subscribe_topic(topic, heard)
    futures: list[Any] = []
    results: dict[int, ShareResult] = {}
    try:
        with warnings.catch_warnings():
            # a share's accounts travel with its task (a 5,000-account share is 1.5 MB):
            # Dask warns of large graphs, which repeat data; each share is sent once
            warnings.filterwarnings("ignore", message="Sending large graph")
            futures = [
                # pickled here: the scheduler, which unpickles a task's arguments, passes bytes
                # on (unpickling 5,000 accounts and pickling them again took it 0.15 s a share)
                client.submit(
                    _share_task, _pickled(share), probe, topic, collect_at_once, pure=False
                )
                for share in shares
            ]
        finished = _finishing_order(futures)
        while len(results) < len(futures):
            # each share's result (and part) is taken as it finishes, while the others run
            with suppress(queue.Empty):
                number = finished.get(timeout=POLL_SECONDS)
                results[number] = _taken(client, futures[number], shares[number].part)
            if progress is not None:  # the mean: shares past the worker count wait their turn
                progress(sum(done) / len(done))
        if progress is not None:
            progress(1.0)
        return [results[number] for number in range(len(futures))]
    except BaseException:
        # the copies of parts not fetched, read before the cancel deletes the tasks' results
        copies = [
            outcome.result()[1]
            for number, outcome in enumerate(futures)
            if number not in results and outcome.status == "finished"
        ]
        client.cancel(futures)  # a running task goes on to its end: Dask cannot stop it
        for copy in copies:
            if copy is not None:
                _forget(client, copy)
        raise
    finally:
        client.unsubscribe_topic(topic)
        if probe is not None:
            Path(probe[0]).unlink(missing_ok=True)


def _finishing_order(futures: list[Any]) -> queue.SimpleQueue[int]:
    """The futures' places in `futures`, each put in the queue as it finishes (or fails)."""
    finished: queue.SimpleQueue[int] = queue.SimpleQueue()
    for number, future in enumerate(futures):
        future.add_done_callback(lambda _, number=number: finished.put(number))
    return finished


def _taken(client: Any, future: Any, part: Path | None) -> ShareResult:
    """A finished share's result (its task's exception, raised here), its part fetched into
    `part` when the worker wrote it elsewhere; the worker lets go of the result."""
    payload, copy = future.result()
    if copy is not None and part is not None:
        _fetch(client, copy, part)
    future.release()
    return cast(ShareResult, pickle.loads(payload))


def _folder_probe(events_path: Path | None) -> tuple[str, str] | None:
    """A file in the run's folder with a token in it: a worker that reads the token there sees
    the folder (None: no log is written)."""
    if events_path is None:
        return None
    probe = events_path.with_name(f".{events_path.name}.probe")
    token = secrets.token_hex(16)
    probe.write_text(token, encoding="ascii")
    return str(probe), token


def _share_task(
    packed: bytes, probe: tuple[str, str] | None, topic: str, collect_at_once: bool
) -> tuple[bytes, PartCopy | None]:
    """The Dask task: the share (pickled) and its world in a child process forked from this
    worker, its progress sent on `topic`; its result back, pickled where it was made (the
    worker passes on the bytes, 5 MB for 5,000 accounts, without unpickling and pickling them
    again), and where its log part is when the client must fetch it. The world's memory goes
    with the child, so a worker that runs several shares starts each from what it held before
    the first. Where processes cannot be forked, the world lives in the worker, and its memory
    is freed before the task returns when `collect_at_once` (another share may follow on this
    worker), else a little after."""
    from distributed import get_worker

    worker = get_worker()
    share = cast(Share, pickle.loads(packed))
    local: Path | None = None
    if share.part is not None and not _sees(probe):
        handle, name = tempfile.mkstemp(
            prefix="billing-sim-part-", suffix=".jsonl", dir=worker.local_directory
        )
        os.close(handle)
        local = Path(name)
        share = replace(share, part=local)

    def report(fraction: float) -> None:  # a hundred times a run
        worker.log_event(topic, (share.number, fraction))

    try:
        if hasattr(os, "fork"):
            result = _live_share_forked(share, report)
        else:
            result = _live_share_here(share, report, collect_at_once)
    except BaseException:
        if local is not None:
            local.unlink(missing_ok=True)
        raise
    copy = None if local is None else PartCopy(worker.address, str(local), local.stat().st_size)
    return result, copy


def _live_share_forked(share: Share, report: Callable[[float], None]) -> bytes:
    """live_share in a child forked from this worker, its progress and its result (a
    ShareResult, pickled) or the exception it raised sent back over a pipe; the child ends with
    the world (no collection) and takes all its memory with it. The child has only the thread
    that forked it: it touches nothing of Dask's (the progress goes through this thread)."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            receiver.close()
            die_with_parent(parent)
            # as in a forked worker: the world keeps what it allocates, and ends with the process
            gc.disable()
            _reset_peak()
            code = _child_share(share, sender)
        finally:
            os._exit(code)
    sender.close()
    outcome: tuple[str, Any] | None = None
    try:
        while outcome is None:
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise RunError(f"share {share.number} ended without a result") from None
            if kind == "progress":
                report(value)
            else:
                outcome = (kind, value)
    finally:
        receiver.close()
        if outcome is None:  # this task failed or was interrupted: the child goes too
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        else:  # the child is ending: it is reaped while the result goes back
            threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()
    kind, value = outcome
    if kind == "error":
        raise value
    return cast(bytes, value)


def _child_share(share: Share, sender: Connection) -> int:
    """In the forked child: the share's world; progress, then the result or the failure, sent
    on `sender`. Returns the child's exit status."""

    def forward(fraction: float) -> None:
        sender.send(("progress", fraction))

    try:
        counted, checks, clean = live_share(share, forward)
        sender.send(("ok", _pickled(ShareResult(counted, checks, _task_peak_mib(), clean))))
        return 0
    except BaseException as exc:  # every failure goes back to the task, raised there
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that does not pickle: its text then
            sender.send(("error", RunError(f"{type(exc).__name__}: {exc}")))
        return 1
    finally:
        sender.close()


def _live_share_here(share: Share, report: Callable[[float], None], collect_at_once: bool) -> bytes:
    """live_share in this worker (where processes cannot be forked); its result pickled."""
    _reset_peak()
    # as in a forked worker: the world keeps what it allocates, the collector would rescan it
    _COLLECTOR.pause()
    try:
        counted, checks, clean = live_share(share, report)
    finally:
        # this worker lives on: the world's cycles must go, but once the client has the result
        # unless another share waits to use the memory
        _COLLECTOR.resume_later(0 if collect_at_once else COLLECT_AFTER_SECONDS)
    return _pickled(ShareResult(counted, checks, _task_peak_mib(), clean))


def _pickled(value: Share | ShareResult) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _PausedCollector:
    """The cyclic collector of this worker process, paused while any share's world lives. The
    world is made of reference cycles: a full collection frees it, but holds the interpreter
    for seconds (0.4 s for 2,000 accounts, 4.6 s for 12,500), so it may run a little after
    its task has returned."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holds = 0
        self._was_enabled = True

    def pause(self) -> None:
        with self._lock:
            if self._holds == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holds += 1

    def resume_later(self, delay: float) -> None:
        """Collect and resume in `delay` seconds (0: now, in this thread)."""
        if delay <= 0:
            self._resume()
            return
        timer = threading.Timer(delay, self._resume)
        timer.daemon = True
        timer.start()

    def _resume(self) -> None:
        gc.collect()
        with self._lock:
            self._holds -= 1
            if self._holds == 0 and self._was_enabled:
                gc.enable()


_COLLECTOR = _PausedCollector()


def _sees(probe: tuple[str, str] | None) -> bool:
    if probe is None:
        return False
    try:
        return Path(probe[0]).read_text(encoding="ascii") == probe[1]
    except (OSError, UnicodeDecodeError):
        return False


def _fetch(client: Any, copy: PartCopy, target: Path) -> None:
    """The part from the worker that wrote it, into `target`, a piece at a time (the next
    piece read while this one is written); the worker's copy is removed after."""
    offsets = iter(range(0, copy.size, CHUNK_BYTES))

    def next_piece() -> Any:
        offset = next(offsets, None)
        if offset is None:
            return None
        return client.submit(
            _read_piece, copy.path, offset, CHUNK_BYTES, workers=[copy.worker], pure=False
        )

    with target.open("wb") as out:
        current = next_piece()
        while current is not None:
            following = next_piece()
            out.write(current.result())
            current.release()
            current = following
    _forget(client, copy)


def _forget(client: Any, copy: PartCopy) -> None:
    client.submit(_remove_file, copy.path, workers=[copy.worker], pure=False).result()


def _read_piece(path: str, offset: int, size: int) -> bytes:
    with open(path, "rb") as part:
        part.seek(offset)
        return part.read(size)


def _remove_file(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def _reset_peak() -> None:
    """Linux: start this process's peak resident memory (VmHWM) afresh, so a task on a
    worker that ran others measures its own peak."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _task_peak_mib() -> float:
    """This process's peak resident memory since _reset_peak (since it started where that
    is not possible), in MiB."""
    with suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
