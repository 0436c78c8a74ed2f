"""The work of a sweep: a batch of runs as one Dask task (on a worker), and the client's side
that submits the batches and gathers their records as they finish; or, on a remote engine
(which serves one run at a time), every batch in turn in this process."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from simulator.scenario import Scenario
from simulator.sweep.plan import Batch
from simulator.sweep.records import Record, passed_record, sort_key, stopped_record


def run_once(
    scenario: Scenario, seed: int, transport: str, engine_url: str | None = None
) -> dict[str, Any]:
    """One run in this process through the runner, with no output folder (a sweep keeps the
    figures, not the logs): exit, invariants, error and figures. On the engine at
    `engine_url` if given; EngineUnreachable when nothing answers there (every run would
    stop alike: the sweep stops)."""
    from billing_engine.errors import BillingError
    from simulator.driver.client import RemoteEngineError
    from simulator.driver.connections import EngineUnreachable
    from simulator.runner import run_scenario
    from simulator.world import RunError

    try:
        result = run_scenario(
            scenario, seed=seed, transport=transport, workers=1, engine_url=engine_url
        )
    except EngineUnreachable:
        raise
    except (RunError, BillingError) as exc:  # what `run` reports as exit 2
        return stopped_record(exc, internal=False)
    except RemoteEngineError as exc:  # the engine under test failed a call: `run`'s exit 3
        return stopped_record(exc, internal=True, by_engine=True)
    except Exception as exc:  # one broken run must not lose its batch's other records
        return stopped_record(exc, internal=True)
    return passed_record(result.summary)


def run_batch(batch: Batch) -> list[Record]:
    """The Dask task: every seed of the batch, one after the other, in this worker."""
    rate = None if batch.fault_rate is None else str(batch.fault_rate)
    with frozen_heap():
        return [
            {
                "scenario_index": batch.scenario_index,
                "scenario": batch.scenario.name,
                "source": batch.source,
                "seed": seed,
                "fault_rate": rate,
                **run_once(batch.scenario, seed, batch.transport, batch.engine_url),
            }
            for seed in batch.seeds
        ]


@contextmanager
def frozen_heap() -> Iterator[None]:
    """What the worker holds before the batch (modules, Dask's state: hundreds of thousands of
    objects) left out of the cyclic collector's scans while the batch runs. Each run ends with
    a full collection (the runner frees its world before writing outputs), which would rescan
    all of it: 1,000 seeds of gateway-faults took 66 s over two workers with it, 23-29 s
    without (`make bench`)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # collected as usual again, should any of it become garbage


def run_batches(
    client: Any, batches: Sequence[Batch], done: Callable[[int], None] | None = None
) -> list[Record]:
    """Submit every batch to the cluster behind `client`; `done(n)` as each batch of n runs
    comes back. The records come out sorted, whatever order the batches finished in."""
    from distributed import as_completed

    # pure=False: two sweeps of the same batch are two runs, not one result shared by key
    futures = client.map(run_batch, batches, pure=False)
    records: list[Record] = []
    for future in as_completed(futures):
        got = future.result()
        records += got
        if done is not None:
            done(len(got))
    return sorted(records, key=sort_key)


def run_serially(
    batches: Sequence[Batch], done: Callable[[int], None] | None = None
) -> list[Record]:
    """Every batch in turn in this process, `done(n)` after each: how a sweep runs on a
    remote engine, which serves one run at a time. The records come out sorted, as from
    run_batches."""
    records: list[Record] = []
    for batch in batches:
        got = run_batch(batch)
        records += got
        if done is not None:
            done(len(got))
    return sorted(records, key=sort_key)
