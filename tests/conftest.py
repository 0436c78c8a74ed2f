"""Fixtures shared across test folders: a real Dask scheduler with worker processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A scheduler and two single-threaded worker processes on 127.0.0.1, as `dask worker`
    would start them; its address."""
    from distributed import LocalCluster  # only the sweep and cluster tests pay for Dask

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address
