"""How many worker processes a run uses (simulator/shards.py runs them); apart from the
shards so the CLI can tell its default without importing the world."""

from __future__ import annotations

import multiprocessing

#: below this many accounts per worker, starting processes costs more than it saves
MIN_ACCOUNTS_PER_WORKER = 500


def workers_for(requested: int | None, accounts: int, cpus: int | None) -> int:
    """How many processes a run uses: `requested`, or (None) one per CPU, as far as every
    worker gets at least MIN_ACCOUNTS_PER_WORKER accounts; never more than one per account.
    One where processes cannot be forked (Windows): the workers inherit the run, unpickled."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested is not None:
        if requested < 1:
            raise ValueError(f"workers must be 1 or more, not {requested}")
        return max(1, min(requested, accounts))
    return max(1, min(cpus or 1, accounts // MIN_ACCOUNTS_PER_WORKER))
