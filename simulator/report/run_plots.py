"""The run-wide figures behind the report's plots, summed exactly here (decimal strings out): per
day (fees accrued from summary.json), holds per hour, deductions by trigger and outcome, and each
month's close over accounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from billing_engine.money import format_amount
from simulator.report.deductions import OUTCOMES, PENDING, Deduction, DeductionBook
from simulator.report.inputs import (
    MODES,
    SUMMARY_FILE,
    Event,
    RunOutputs,
    RunOutputsError,
    decimal_of,
)

ZERO = Decimal(0)


def compact(value: Decimal) -> str | int:
    """A two-place string, or 0 for zero: most figures of a large run are zero."""
    return format_amount(value) if value else 0


def compact_text(value: str) -> str | int:
    """The same for an amount already read as a two-place string."""
    return 0 if value == "0.00" else value


class RunPlots:
    """Feed it every event (with the deduction it belongs to, if any), then ask for plots()."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        #: day index since the start -> {"billed"|"succeeded"|"failed": amount}
        self.days: dict[int, dict[str, Decimal]] = defaultdict(dict)
        self._open_holds: set[tuple[str | None, object]] = set()
        #: hour index since the start -> [most holds open during it, open at its end]
        self.holds: dict[int, list[int]] = {}
        self.last_day = 0
        self._days: dict[datetime, int] = {}  # instant -> day index: many events share one

    def add(self, event: Event, deduction: Deduction | None) -> None:
        day = self._days.get(event.at)
        if day is None:
            day = self._days[event.at] = (event.at - self.start).days
        if day > self.last_day:
            self.last_day = day
        if deduction is not None:
            figure = "billed" if event.type == "deduction.initiated" else deduction.outcome
            totals = self.days[day]
            totals[figure] = totals.get(figure, ZERO) + deduction.amount
        elif event.type in ("preauth.authorized", "preauth.released"):
            hold = (event.account, event.fields.get("authorization"))
            hour = int((event.at - self.start).total_seconds() // 3600)
            bucket = self.holds.setdefault(hour, [len(self._open_holds)] * 2)  # open as it began
            if event.type == "preauth.authorized":
                self._open_holds.add(hold)
            else:
                self._open_holds.discard(hold)
            bucket[0] = max(bucket[0], len(self._open_holds))
            bucket[1] = len(self._open_holds)

    def plots(self, outputs: RunOutputs, book: DeductionBook, months: list[str]) -> dict[str, Any]:
        # every day of the span, and the settling after it, even where nothing happened
        self.last_day = max(self.last_day, (outputs.end - self.start).days)
        per_month = _per_month(outputs, months)
        days = self._per_day()
        accrued = _accrued_by_day(outputs, self.start, self.last_day + 1)
        if accrued is not None:
            days["accrued_to_date"] = accrued
        return {
            "days": days,
            "accrued": None if accrued is not None else self._accrued(per_month, outputs.end),
            "holds": self._hold_steps(),
            "deductions": _by_trigger(book),
            "months": per_month,
        }

    def _per_day(self) -> dict[str, Any]:
        count = self.last_day + 1
        series: dict[str, Any] = {"first": self.start.date().isoformat()}
        for figure in ("billed", "succeeded", "failed"):
            series[figure] = [compact(self.days.get(d, {}).get(figure, ZERO)) for d in range(count)]
        # a running total, to set what was collected against what accrued
        running, values = ZERO, []
        for d in range(count):
            running += self.days.get(d, {}).get("succeeded", ZERO)
            values.append(compact(running))
        series["deducted_to_date"] = values
        return series

    def _accrued(self, per_month: list[dict[str, Any]], end: datetime) -> list[list[Any]]:
        """[day, PAYG fees accrued to date] at each month's end (the run's end for a month
        it ends in), for a summary.json written before it had fees_by_day: the log has no
        hourly fee events, the months have exact figures."""
        points: list[list[Any]] = [[0, 0]]
        running = ZERO
        for row in per_month:
            year, month = (int(part) for part in row["month"].split("-"))
            closes = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=self.start.tzinfo)
            running += Decimal(row["payg"])
            points.append([(min(closes, end) - self.start).days, compact(running)])
        return points

    def _hold_steps(self) -> list[list[int]]:
        """[hour, open] where the count changes: the most open during an hour of changes, then
        what stayed open at its end, held until the next point."""
        steps: list[list[int]] = [] if 0 in self.holds else [[0, 0]]
        for hour in sorted(self.holds):
            most, at_end = self.holds[hour]
            steps.append([hour, most])
            if at_end != most and hour + 1 not in self.holds:
                steps.append([hour + 1, at_end])
        return steps


def _accrued_by_day(outputs: RunOutputs, start: datetime, count: int) -> list[Any] | None:
    """PAYG fees accrued to the end of each day of the plots, as summary.json's fees_by_day has
    them (None when it has none). Those are UTC days: for a run starting at midnight they are
    the plots' days; otherwise each plot day shows the fees to the midnight within it."""
    fees = outputs.summary.get("fees_by_day")
    if fees is None:
        return None
    try:
        first = date.fromisoformat(fees["first"])
        values = list(fees["to_date"])
    except (KeyError, TypeError, ValueError):
        raise RunOutputsError(
            f"{outputs.directory / SUMMARY_FILE}: fees_by_day: expected "
            '{"first": "YYYY-MM-DD", "to_date": ["12.50", ...]}'
        ) from None
    offset = (start.date() - first).days  # where the plots' first day is in the summary's
    series: list[Any] = []
    for day in range(offset, offset + count):
        if day < 0 or not values:
            series.append(0)  # nothing accrued before the first day
            continue
        at = min(day, len(values) - 1)  # nor anything more after the last
        series.append(compact_text(outputs.figure(values[at], "fees_by_day", "to_date", str(at))))
    return series


def _by_trigger(book: DeductionBook) -> list[dict[str, Any]]:
    """One entry per trigger and outcome: how many and how much."""
    counts: dict[tuple[str, str], list[Any]] = {}
    for deduction in book.deductions:
        entry = counts.setdefault((deduction.trigger, deduction.outcome), [0, ZERO])
        entry[0] += 1
        entry[1] += deduction.amount
    order = {name: i for i, name in enumerate((*OUTCOMES, PENDING))}
    return [
        {"trigger": trigger, "outcome": outcome, "count": n, "amount": format_amount(total)}
        for (trigger, outcome), (n, total) in sorted(
            counts.items(), key=lambda item: (item[0][0], order.get(item[0][1], 9))
        )
    ]


def _per_month(outputs: RunOutputs, months: list[str]) -> list[dict[str, Any]]:
    """Across all accounts, per month: spend (OV-1, by mode OV-4) and what stayed outstanding
    at its close (OV-2), with how many accounts owed anything then. One pass over the accounts,
    each month of an account in turn: the order summary.json lays them out in, twice as quick
    as a pass per month. load_run has checked every amount read here."""
    sums = {
        key: dict.fromkeys(("pretax", "tax", "total", *MODES, "outstanding"), ZERO)
        for key in months
    }
    owing = dict.fromkeys(months, 0)
    closed = dict.fromkeys(months, 0)
    for account in outputs.summary["accounts"].values():
        for key, month in account["months"].items():
            total = sums[key]
            for figure in ("pretax", "tax", "total"):
                total[figure] += cast(Decimal, decimal_of(month[figure]))
            by_mode = month["by_mode"]
            for mode in MODES:
                if mode in by_mode:
                    total[mode] += cast(Decimal, decimal_of(by_mode[mode]))
            if month.get("outstanding_at_close") is not None:
                owed = cast(Decimal, decimal_of(month["outstanding_at_close"]))
                total["outstanding"] += owed
                closed[key] += 1
                owing[key] += owed > 0
    return [
        {
            "month": key,
            **{name: format_amount(value) for name, value in sums[key].items()},
            "owing": owing[key],
            "closed": closed[key],
        }
        for key in months
    ]
