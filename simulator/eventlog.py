"""The run's event log: numbers the engine's events in order, writes them as JSON lines, keeps
the tallies the summary needs and tells the world about the events it reacts to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO

from billing_engine.events import Event, to_json
from billing_engine.money import format_amount


class EventLog:
    def __init__(self, path: Path | None = None, *, keep: bool = False) -> None:
        self.path = path
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None
        self.count = 0
        self.kept: list[str] = []
        self._keep = keep
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
        self.count += 1
        line = to_json(event, self.count)
        if self._file is not None:
            self._file.write(line + "\n")
        if self._keep:
            self.kept.append(line)
        self._tally(event)
        for observer in self.observers:
            observer(event)

    def _tally(self, event: Event) -> None:
        kind = event.type
        self.types[kind] += 1
        fields = event.fields
        if kind == "deduction.initiated":
            self._triggers[(event.account, fields.get("deduction"))] = fields["trigger"]
        elif kind in ("deduction.succeeded", "deduction.failed"):
            trigger = self._triggers.pop((event.account, fields.get("deduction")), "unknown")
            self.deductions[(trigger, kind.split(".")[1])] += 1
        elif kind == "repayment.settled":
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
        if self._file is not None:
            self._file.close()
            self._file = None
