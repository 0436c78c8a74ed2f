"""The run's event log: numbers the engine's events in order, writes them as JSON lines, keeps
the tallies the summary needs and tells the world about the events it reacts to.

A scenario run writes the events of one instant grouped by account, in the accounts' order:
that order does not depend on how the accounts' timers interleave, so a run split over
several processes writes the same log as one process (simulator/shards.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO

from billing_engine.events import Event
from billing_engine.money import format_amount
from simulator.event_json import to_json


class EventLog:
    """`ranks` (account id -> its place in the run) turns on grouping by account within an
    instant; without it events are written as they come (the BDD steps read the log between
    actions at one instant). Accounts missing from `ranks` come after those in it, in the
    order they are first seen; events of no account come first."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        keep: bool = False,
        ranks: Mapping[str, int] | None = None,
    ) -> None:
        self.path = path
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None
        self.count = 0
        self.kept: list[str] = []
        self._keep = keep
        self._ranks: dict[str, int] | None = None if ranks is None else dict(ranks)
        self._instant: datetime | None = None
        #: the current instant's events, waiting to be written in account order
        self._pending: list[tuple[int, Event]] = []
        self.types: Counter[str] = Counter()
        #: (trigger, outcome) -> count, outcome "succeeded" | "failed"
        self.deductions: Counter[tuple[str, str]] = Counter()
        self.link_rejections: Counter[str] = Counter()
        #: "paid" | "failed" | "rejected" -> count
        self.repayments: Counter[str] = Counter()
        self.outstanding_at_close: dict[tuple[str, str], str] = {}
        self._triggers: dict[tuple[str | None, object], str] = {}
        self.observers: list[Callable[[Event], None]] = []

    def emit(self, event: Event) -> None:
        if self._ranks is None:
            self._write(event)
        else:
            if event.at != self._instant:
                self.flush()
                self._instant = event.at
            self._pending.append((self._rank(event.account), event))
        self._tally(event)
        for observer in self.observers:
            observer(event)

    def flush(self) -> None:
        """Write the current instant's events (in account order, each account's in turn)."""
        if self._pending:
            self._pending.sort(key=_by_rank)  # stable: an account's events keep their order
            for _, event in self._pending:
                self._write(event)
            self._pending.clear()

    def _rank(self, account: str | None) -> int:
        if account is None:
            return -1
        ranks = self._ranks
        assert ranks is not None
        rank = ranks.get(account)
        if rank is None:
            rank = ranks[account] = len(ranks)
        return rank

    def _write(self, event: Event) -> None:
        self.count += 1
        # H-4: free text was masked as the scenario was read; amounts and ids stay as they are
        line = to_json(event, self.count)
        if self._file is not None:
            self._file.write(line + "\n")
        if self._keep:
            self.kept.append(line)

    def _tally(self, event: Event) -> None:
        kind = event.type
        self.types[kind] += 1
        fields = event.fields
        if kind == "deduction.initiated":
            self._triggers[(event.account, fields.get("deduction"))] = fields["trigger"]
        elif kind in ("deduction.succeeded", "deduction.failed", "deduction.reconciled"):
            # a reconciled deduction counts under the outcome the gateway told at last
            trigger = self._triggers.pop((event.account, fields.get("deduction")), "unknown")
            self.deductions[(trigger, fields.get("outcome") or kind.split(".")[1])] += 1
        elif kind in ("repayment.settled", "repayment.reconciled"):
            self.repayments[str(fields.get("status"))] += 1
        elif kind == "repayment.rejected":
            self.repayments["rejected"] += 1
        elif kind == "payment_method.link_rejected":
            self.link_rejections[str(fields.get("reason"))] += 1
        elif kind == "month.closed":
            month = f"{int(fields['year']):04d}-{int(fields['month']):02d}"
            if "outstanding" in fields:
                self.outstanding_at_close[(event.account or "", month)] = format_amount(
                    fields["outstanding"]
                )

    def close(self) -> None:
        self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None


def _by_rank(entry: tuple[int, Event]) -> int:
    return entry[0]
