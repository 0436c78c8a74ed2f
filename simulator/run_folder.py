"""A run's output folder, whole or not at all, and never at the cost of a file: the run writes
into a hidden folder beside OUT and renames it into place once complete, recoverably."""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

#: what a run writes; a folder holding anything else is not replaced (it is someone's folder)
RUN_FILES = frozenset({"events.jsonl", "summary.json", "report.html"})

#: errors of a rename onto OUT that something else now occupies (a folder with files, a file)
_OCCUPIED = frozenset({errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR})


def _no_fault(step: str) -> None:
    """Called with each step of a commit as it is reached; the tests replace it with one that
    kills the process there (a crash at that very point, checked in a subprocess)."""


step_reached: Callable[[str], None] = _no_fault


class OutputFolderError(Exception):
    """OUT cannot take a run's outputs (it holds other files, or is a file)."""


class RunFolder:
    """The hidden folder a run writes into (`path`), locked while the run lives so another
    run on the same OUT can tell it from one a killed run left behind."""

    def __init__(self, out: Path) -> None:
        self.out = Path(os.path.abspath(out))
        if self.out == self.out.parent:
            raise OutputFolderError(f"{out}: cannot be a run's output folder")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        # before anything else: a commit killed between its renames left OUT aside
        self.restored = restore_stale(self.out)
        _check_replaceable(self.out, shown=out)
        remove_stale(self.out)
        self.path = _sibling(self.out, "partial")
        self.path.mkdir()  # mode from the umask, as OUT itself would have
        self._lock: int | None = _locked(self.path)
        #: where the previous run's folder went when files no run wrote reached it meanwhile
        self.kept: Path | None = None

    def commit(self) -> Path:
        """Put the run in place and return where it is: OUT, or a visible sibling `OUT.run-…`
        when OUT now holds files no run wrote (put there while this run went), which are left
        untouched. OUT is renamed aside, this folder renamed onto it, and the previous run's
        three files removed; a kill at any step leaves either OUT or `.OUT.old-…` holding the
        last complete run, and the next run on OUT puts that back first."""
        previous = None
        try:
            previous = self._set_aside()
            step_reached("previous set aside")
            os.rename(self.path, self.out)
        except _Occupied:
            return self._beside()
        except OSError as occupied:  # something took OUT's place since it was looked at
            if occupied.errno not in _OCCUPIED:
                raise
            if previous is not None:  # between the renames: the previous run goes beside too
                self.kept = _keep_beside(previous.path, self.out, "previous")
                previous.release()
            return self._beside()
        step_reached("run in place")
        self._unlock()
        if previous is not None:
            self.kept = _remove_run(previous.path, self.out)
            previous.release()
        return self.out

    def _set_aside(self) -> _Aside | None:
        """Rename OUT aside, locked, if it is a previous run's folder; None if there is no OUT.
        _Occupied if it holds anything else, looked at both before the rename and after it (a
        file put in meanwhile went along): then OUT is put back as it was."""
        if not self.out.exists() and not self.out.is_symlink():
            return None
        if self.out.is_symlink() or not self.out.is_dir() or _foreign(self.out):
            raise _Occupied
        aside = _Aside(_sibling(self.out, "old"), _locked(self.out))
        step_reached("OUT locked")
        os.rename(self.out, aside.path)
        if _foreign(aside.path):
            try:
                os.rename(aside.path, self.out)
            except OSError as occupied:
                if occupied.errno not in _OCCUPIED:
                    raise
                self.kept = _keep_beside(aside.path, self.out, "previous")
            aside.release()
            raise _Occupied
        return aside

    def _beside(self) -> Path:
        where = _keep_beside(self.path, self.out, "run")
        self._unlock()
        return where

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock
            self._lock = None


class _Occupied(Exception):
    """OUT holds something no run wrote: the run goes beside it."""


class _Aside:
    """The previous OUT renamed aside, locked so that another run tells it from one a killed
    commit left."""

    def __init__(self, path: Path, lock: int) -> None:
        self.path, self._lock = path, lock

    def release(self) -> None:
        os.close(self._lock)


def _locked(folder: Path) -> int:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _sibling(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _keep_beside(folder: Path, out: Path, kind: str) -> Path:
    """Rename the hidden `folder` to a visible sibling of OUT named after it (`OUT.KIND-…`)."""
    token = folder.name.rsplit(".", 1)[1].split("-", 1)[1]
    visible = out.with_name(f"{out.name}.{kind}-{token}")
    os.rename(folder, visible)
    return visible


def _foreign(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir() if entry.name not in RUN_FILES)


def _check_replaceable(out: Path, *, shown: Path) -> None:
    """OutputFolderError unless OUT is absent or a previous run's folder; `shown`: OUT as the
    user typed it, as the message names it."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputFolderError(f"{shown}: exists and is not a folder")
    if out.is_dir():
        foreign = _foreign(out)
        if foreign:
            listed = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputFolderError(
                f"{shown}: holds files no run wrote ({listed}); it is replaced as a whole, "
                "so choose another --out or empty it"
            )


def _remove_run(folder: Path, out: Path) -> Path | None:
    """Remove a run's folder by its three files, never more: a folder that holds anything
    else then (a file written into it by a process whose working directory it was) is kept
    beside OUT instead, and returned."""
    for name in RUN_FILES:
        (folder / name).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError as occupied:
        if occupied.errno not in _OCCUPIED:
            raise
        return _keep_beside(folder, out, "kept")
    return None


def _stale(out: Path, kind: str) -> list[Path]:
    """The hidden folders of `kind` beside OUT that no live run holds locked."""
    return [
        candidate
        for candidate in out.parent.glob(f".{glob.escape(out.name)}.{kind}-*")
        if candidate.is_dir() and not _held(candidate)
    ]


def restore_stale(out: Path) -> Path | None:
    """If OUT is absent and a commit killed between its two renames left the previous run
    aside (`.OUT.old-…`), rename it back to OUT; returns what was restored. Of several, the
    one set aside last is restored: the others are older runs, removed as remove_stale says."""
    if out.exists() or out.is_symlink():
        return None
    aside = sorted(_stale(out, "old"), key=lambda folder: folder.stat().st_ctime)
    if not aside:
        return None
    os.rename(aside[-1], out)
    return aside[-1]


def remove_stale(out: Path) -> list[Path]:
    """Remove what runs on OUT left when killed: any partial folder no live run holds locked,
    and, once OUT is back, a previous OUT renamed aside (by its three files only: anything
    else in it is kept beside OUT). Returns what was removed or moved."""
    removed = []
    for partial in _stale(out, "partial"):
        shutil.rmtree(partial, ignore_errors=True)
        removed.append(partial)
    if out.exists():  # else restore_stale found the aside folders held by a live commit
        for aside in _stale(out, "old"):
            _remove_run(aside, out)
            removed.append(aside)
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
