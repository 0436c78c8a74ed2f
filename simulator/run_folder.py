"""A run's output folder, whole or not at all: the run writes into a hidden folder beside OUT
and renames it into place once complete; folders a killed run left are removed by the next."""

from __future__ import annotations

import fcntl
import glob
import os
import secrets
import shutil
from pathlib import Path

#: what a run writes; a folder holding anything else is not replaced (it is someone's folder)
RUN_FILES = frozenset({"events.jsonl", "summary.json", "report.html"})


class OutputFolderError(Exception):
    """OUT cannot take a run's outputs (it holds other files, or is a file)."""


class RunFolder:
    """The hidden folder a run writes into (`path`), locked while the run lives so another
    run on the same OUT can tell it from one a killed run left behind."""

    def __init__(self, out: Path) -> None:
        self.out = Path(os.path.abspath(out))
        _check_replaceable(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(self.out)
        self.path = _sibling(self.out, "partial")
        self.path.mkdir()  # mode from the umask, as OUT itself would have
        self._lock: int | None = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    def commit(self) -> None:
        """OUT becomes this folder: the previous OUT is renamed aside first and removed after,
        so OUT is at every moment the previous complete run, the new one, or (between the two
        renames) absent."""
        aside = None
        if self.out.exists():
            aside = _sibling(self.out, "old")
            os.rename(self.out, aside)
        os.rename(self.path, self.out)
        self._unlock()
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock
            self._lock = None


def _sibling(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _check_replaceable(out: Path) -> None:
    if out == out.parent:
        raise OutputFolderError(f"{out}: cannot be a run's output folder")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputFolderError(f"{out}: exists and is not a folder")
    if out.is_dir():
        foreign = sorted(entry.name for entry in out.iterdir() if entry.name not in RUN_FILES)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputFolderError(
                f"{out}: holds files no run wrote ({shown}); it is replaced as a whole, "
                "so choose another --out or empty it"
            )


def remove_stale(out: Path) -> list[Path]:
    """Remove the hidden folders that runs on OUT left when killed: any partial folder no live
    run holds locked, and any previous OUT renamed aside. Returns what was removed."""
    removed = []
    for candidate in out.parent.glob(f".{glob.escape(out.name)}.*-*"):
        kind = candidate.name[len(out.name) + 2 :].split("-", 1)[0]
        # a previous OUT renamed aside is left only by a run killed between its two renames
        if kind == "old" or (kind == "partial" and not _held(candidate)):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _held(folder: Path) -> bool:
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False
