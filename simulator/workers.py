"""Worker processes: how many a run uses (simulator/shards.py runs them; apart from the shards
so the CLI can tell its default without importing the world) and how each dies with its parent."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal

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


#: Linux's prctl option that has the kernel send a signal to a process when its parent dies
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when `parent` dies, even by `kill -9` (Linux), and leave
    Ctrl-C to the parent, which stops the workers itself and cleans up after them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's finally still ends them
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
