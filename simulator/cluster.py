"""Dask clusters for the simulator: a client to a running scheduler (`--cluster ADDRESS`) or to a
LocalCluster of one single-threaded worker process per CPU."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: how long to wait for a scheduler given by address before giving up
CONNECT_TIMEOUT = "20s"


@contextmanager
def dask_client(address: str | None = None, *, workers: int | None = None) -> Iterator[Any]:
    """A distributed.Client: to the scheduler at `address`, or to a LocalCluster of `workers`
    processes (default: one per CPU) started here and stopped on leaving. Processes, not
    threads: a run is pure Python and holds the GIL throughout."""
    from distributed import Client, LocalCluster

    if address is not None:
        with Client(address, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    with (
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


def worker_slots(client: Any) -> int:
    """Tasks the cluster runs at once: its workers' threads together (at least 1)."""
    return max(1, sum(client.nthreads().values()))
