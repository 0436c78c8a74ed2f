"""Reading a run's outputs (DIR/events.jsonl, DIR/summary.json) for the report and the baselines.
A missing or malformed file, or files of two runs, is a RunOutputsError naming the fault."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from simulator.run_id import id_in_header

EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "summary.json"


class RunOutputsError(Exception):
    """The run directory cannot be read: the message says which file and what is wrong."""


_TWO_PLACES = re.compile(r"-?[0-9]+\.[0-9]{2}")


@lru_cache(maxsize=1 << 16)
def decimal_of(text: str) -> Decimal | None:
    """The amount `text` holds, None if it is not a two-place decimal. A large run repeats the
    same few amounts millions of times: each is parsed once (a summary's month figures, which
    load_run has checked, are read with it directly)."""
    return Decimal(text) if _TWO_PLACES.fullmatch(text) else None


def _not_an_amount(value: object, where: str | Callable[[], str]) -> RunOutputsError:
    named = where() if callable(where) else where
    return RunOutputsError(f'{named}: expected a two-place amount such as "12.50", got {value!r}')


def amount_text(value: object, where: str | Callable[[], str]) -> str:
    """A two-place decimal string from the outputs, checked and returned as it is. `where` may
    be a function: only a bad amount needs its name built."""
    if isinstance(value, str) and decimal_of(value) is not None:
        return value
    raise _not_an_amount(value, where)


def amount(value: object, where: str | Callable[[], str]) -> Decimal:
    """The same amount as an exact Decimal (never a float), for sums."""
    parsed = decimal_of(value) if isinstance(value, str) else None
    if parsed is None:
        raise _not_an_amount(value, where)
    return parsed


def month_of(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


@dataclass(slots=True)  # not frozen: a large run makes millions, and frozen ones init slowly
class Event:
    """One line of events.jsonl: the common keys checked, the type's own fields as read."""

    seq: int
    at: datetime
    type: str
    account: str | None
    fields: dict[str, Any]
    source: str  # the file, and
    line: int  # the line it came from, for error messages

    @property
    def where(self) -> str:
        return f"{self.source} line {self.line}"

    def amount(self, name: str = "amount") -> Decimal:
        value = self.fields.get(name)
        parsed = decimal_of(value) if value.__class__ is str else None
        if parsed is None:  # the error's text only for a bad amount
            raise _not_an_amount(value, f"{self.where}: {name}")
        return parsed


@dataclass(frozen=True)
class RunOutputs:
    directory: Path
    summary: dict[str, Any]
    #: where the event log's lines come from, if not DIRECTORY/events.jsonl (the runner has
    #: the report read them from a pipe as they are merged)
    events_from: Path | None = None

    @property
    def events_path(self) -> Path:
        return self.events_from if self.events_from is not None else self.directory / EVENTS_FILE

    @property
    def start(self) -> datetime:
        return _parse_time(self.summary["span"]["start"], f"{self._summary_name}: span.start")

    @property
    def end(self) -> datetime:
        return _parse_time(self.summary["span"]["end"], f"{self._summary_name}: span.end")

    @property
    def _summary_name(self) -> str:
        return str(self.directory / SUMMARY_FILE)

    def figure(self, value: object, *path: str) -> str:
        """A two-place amount read from summary.json at `path` (e.g. accounts, acme, ...)."""
        if isinstance(value, str) and decimal_of(value) is not None:
            return value  # the common case, without building the error's name
        return amount_text(value, lambda: f"{self._summary_name}: {'.'.join(path)}")

    def months(self) -> list[str]:
        """Every month that any account's figures cover, in order ("2026-01", ...)."""
        keys: set[str] = set()
        for account in self.summary["accounts"].values():
            keys.update(account["months"])
        return sorted(keys)

    def events(self, *, skipping: frozenset[str] = frozenset()) -> Iterator[Event]:
        """The event log line by line (it can be large: never held whole in memory). A line
        whose type is in `skipping` is passed over before it is decoded, as far as its leading
        `"seq":...,"at":"...","type":"..."` (the order events are written in) tells."""
        times: dict[str, datetime] = {}  # many events share an instant: parse each once
        try:
            handle = self.events_path.open(encoding="utf-8")
        except OSError as exc:
            raise RunOutputsError(f"{self.events_path}: cannot read: {exc.strerror}") from None
        source = str(self.events_path)
        _check_header(handle.readline(), source, run_id_of(self.summary))
        # how a skipped type ends the leading type key's value: `month.closed"`
        skipped_ends = tuple(f'{kind}"' for kind in sorted(skipping) if '"' not in kind)
        with handle:
            for number, line in enumerate(handle, start=2):  # after the run's header
                if line.isspace():  # a line read from a file is never ""
                    continue
                # in the loop, not a function: a call per line would cost what skipping saves
                if skipped_ends and line.startswith(_LEADING):
                    begins = line.find(_TYPE_KEY, 0, _TYPE_KEY_WITHIN)
                    if begins > 0 and line.startswith(skipped_ends, begins + len(_TYPE_KEY)):
                        continue
                yield _event(line, source, number, times)


#: how a written event begins: `{"seq":N,"at":"...","type":"...` (its time has no quotes)
_LEADING = '{"seq":'
_TYPE_KEY = '"type":"'
#: how far into a line the type key can be: seq and a UTC time take at most this much
_TYPE_KEY_WITHIN = 80


def run_id_of(summary: dict[str, Any]) -> str:
    """The run id summary.json carries (load_run has checked it is there)."""
    return str(summary["run"]["id"])


def _check_header(line: str, source: str, expected: str) -> None:
    """events.jsonl begins with the id of its run, which must be the summary's."""
    found = id_in_header(line)
    if found is None:
        raise RunOutputsError(
            f"{source}: line 1 is not the run's header (a log written by an older "
            "billing-sim, or cut short): run the scenario again"
        )
    if found != expected:
        raise RunOutputsError(
            f"{source}: of run {found}, but {SUMMARY_FILE} is of run {expected}: the folder "
            "holds files of different runs; run the scenario again"
        )


def _parse_time(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise RunOutputsError(f"{where}: expected an ISO 8601 UTC time, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RunOutputsError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise RunOutputsError(f"{where}: {value!r} has no time zone (expected UTC, ...Z)")
    return parsed.astimezone(UTC)


#: what JSONDecoder.raw_decode(text) calls, without the frame around it
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decoded(line: str) -> Any:
    """`json.loads(line)`. A written line is one JSON text and its newline: decoded without
    the whitespace scans around it that json.loads makes; anything else goes to json.loads,
    which accepts or refuses it as it always has."""
    try:
        value, end = _SCAN(line, 0)
    except (StopIteration, json.JSONDecodeError):  # no JSON text at 0, or a broken one
        return json.loads(line)
    if end == len(line) or (end == len(line) - 1 and line[end] == "\n"):
        return value
    return json.loads(line)


def _event(line: str, source: str, number: int, times: dict[str, datetime]) -> Event:
    try:
        record = _decoded(line)
    except json.JSONDecodeError as exc:
        raise RunOutputsError(f"{source} line {number}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise RunOutputsError(f"{source} line {number}: expected a JSON object")
    seq, at, kind = record.pop("seq", None), record.pop("at", None), record.pop("type", None)
    account = record.pop("account", None)
    when = times.get(at) if isinstance(at, str) else None
    if (
        when is None
        or seq.__class__ is not int
        or kind.__class__ is not str
        or not kind
        or not (account is None or account.__class__ is str)
    ):  # one test on the common path, the reasons only for a bad line
        when = _checked(seq, at, kind, account, f"{source} line {number}")
        times[at] = when
    # by position: keywords cost a large log a tenth of a second
    return Event(seq, when, kind, account, record, source, number)


def _checked(seq: object, at: object, kind: object, account: object, where: str) -> datetime:
    """The event's time, once its common keys are known to be sound."""
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise RunOutputsError(f"{where}: `seq` must be an integer, got {seq!r}")
    if not isinstance(kind, str) or not kind:
        raise RunOutputsError(f"{where}: `type` must be an event type, got {kind!r}")
    if account is not None and not isinstance(account, str):
        raise RunOutputsError(f"{where}: `account` must be a string or null, got {account!r}")
    return _parse_time(at, f"{where}: at")


def load_run(
    directory: Path, *, events_from: Path | None = None, summary: dict[str, Any] | None = None
) -> RunOutputs:
    """The run in `directory`: summary.json read and checked now, events.jsonl (or the lines
    of `events_from`) when iterated. The runner, which has just made the summary, may give it
    instead of having it read back (it is checked all the same)."""
    if not directory.is_dir():
        raise RunOutputsError(f"{directory}: no such run directory")
    events_path = directory / EVENTS_FILE
    if events_from is None and not events_path.is_file():
        raise RunOutputsError(f"{events_path}: missing (run `billing-sim run ... --out DIR`)")
    summary_path = directory / SUMMARY_FILE
    if summary is None:
        summary = _read_summary(summary_path)
    _check_summary(summary, str(summary_path))
    if events_from is None:  # refused now, before any work, if the files are of two runs
        try:
            with events_path.open(encoding="utf-8") as handle:
                first = handle.readline()
        except (OSError, UnicodeDecodeError) as exc:
            raise RunOutputsError(f"{events_path}: cannot read: {exc}") from None
        _check_header(first, str(events_path), run_id_of(summary))
    return RunOutputs(directory=directory, summary=summary, events_from=events_from)


def _read_summary(summary_path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunOutputsError(
            f"{summary_path}: missing (run `billing-sim run ... --out DIR`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunOutputsError(f"{summary_path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RunOutputsError(
            f"{summary_path}: not JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    return summary  # type: ignore[no-any-return]  # its shape is checked next


def _check_summary(summary: object, name: str) -> None:
    """The keys the report and the baselines read, with their shapes, and every amount among
    them: whatever reads a loaded run's month figures need not check them again."""
    if not isinstance(summary, dict):
        raise RunOutputsError(f"{name}: expected a JSON object at the top level")
    _need(name, summary, "scenario", str)
    _need(name, summary, "seed", int)
    run = _need(name, summary, "run", dict)
    _need(name, run, "id", str, "run")
    span = _need(name, summary, "span", dict)
    for key in ("start", "end"):
        _parse_time(_need(name, span, key, str, "span"), f"{name}: span.{key}")
    totals = _need(name, summary, "totals", dict)
    for key in ("fees", "paid", "outstanding"):
        amount_text(_need(name, totals, key, str, "totals"), f"{name}: totals.{key}")
    checked: set[str] = set()  # a large run repeats a few thousand amounts a million times
    for account_id, account in _need(name, summary, "accounts", dict).items():
        due = _need(name, account, "total_amount_due", str, "accounts", account_id)
        amount_text(due, f"{name}: accounts.{account_id}.total_amount_due")
        months = _need(name, account, "months", dict, "accounts", account_id)
        for key, month in months.items():
            if not _all_sound(month, checked):
                _check_month(name, month, ("accounts", account_id, "months", key))


def _need(name: str, container: object, key: str, kind: type, *path: str) -> Any:
    if not isinstance(container, dict) or key not in container:
        raise RunOutputsError(f"{name}: `{'.'.join((*path, key))}` is missing")
    value = container[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        where = ".".join((*path, key))
        raise RunOutputsError(f"{name}: `{where}` has the wrong type ({type(value).__name__})")
    return value


#: the billing modes whose spend is read
MODES = ("payg", "coding_plan")


def _month_amounts(month: dict[str, Any]) -> list[object]:
    """Every amount in a summary month that the report or a baseline reads."""
    by_mode, owed = month["by_mode"], month.get("outstanding_at_close")
    if not isinstance(by_mode, dict):  # a list would answer `in` below as well
        raise TypeError(f"by_mode is a {type(by_mode).__name__}")
    amounts = [month["pretax"], month["tax"], month["total"], *month["by_product"].values()]
    for mode in MODES:
        if mode in by_mode:
            amounts.append(by_mode[mode])
    if owed is not None:  # null for a month still open
        amounts.append(owed)
    return amounts


def _all_sound(month: object, checked: set[str]) -> bool:
    """Whether `month` is shaped as expected and holds only two-place amounts (those not in
    `checked` yet are added): the common case, told without building a key's name."""
    try:
        amounts = _month_amounts(month)  # type: ignore[arg-type]
        if checked.issuperset(amounts):
            return True
    except (KeyError, TypeError, AttributeError):  # a key missing, a value of the wrong type
        return False
    sound = [text for text in amounts if text.__class__ is str and decimal_of(text) is not None]
    checked.update(sound)
    return len(sound) == len(amounts)


def _check_month(name: str, month: object, path: tuple[str, ...]) -> None:
    """A RunOutputsError naming the first fault in one month, key by key."""
    for figure in ("pretax", "tax", "total"):
        _need(name, month, figure, str, *path)
    _need(name, month, "by_mode", dict, *path)
    _need(name, month, "by_product", dict, *path)
    assert isinstance(month, dict)  # _need has made sure
    for value in _month_amounts(month):
        amount_text(value, f"{name}: {'.'.join((*path, *_path_to(month, value)))}")


def _path_to(container: dict[str, Any], value: object) -> tuple[str, ...]:
    """The keys under which `value` itself is found in `container`, to name a bad one."""
    for key, item in container.items():
        if item is value:
            return (key,)
        if isinstance(item, dict) and (inner := _path_to(item, value)):
            return (key, *inner)
    return ()
