"""Metered usage: what each account's products cost per UTC hour (a part hour pro rata by the
minute), and a meter that feeds the engine whole hours in batches cut wherever something could
happen, identical to hour-by-hour metering."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Protocol

from billing_engine.domain.months import month_of, next_month_start

HOUR = timedelta(hours=1)


def floor_hour(at: datetime) -> datetime:
    if at.minute or at.second or at.microsecond:
        return at.replace(minute=0, second=0, microsecond=0)
    return at  # the meter mostly wakes on the hour: no new instant to build


def ceil_hour(at: datetime) -> datetime:
    floor = floor_hour(at)
    return floor if floor == at else floor + HOUR


def part_of_hour(hour: datetime, since: datetime, until: datetime | None) -> Fraction:
    """How much of the hour starting at `hour` lies in [since, until), by the minute."""
    start = max(hour, since)
    end = hour + HOUR if until is None else min(hour + HOUR, until)
    if end <= start:
        return Fraction(0)
    return Fraction(int((end - start).total_seconds()) // 60, 60)


class Usage(Protocol):
    """One usage entry of a scenario (simulator.scenario.UsageEntry)."""

    product: str
    from_: datetime | None
    until: datetime | None

    def pretax_per_hour(self, hour_start: datetime) -> Fraction: ...


class UsagePlan:
    """The pretax cost per hour of an account's products over time; entries without `from`
    start at `start`, and none runs past `end`. An hour that a usage entry starts or stops in
    costs its part of the hour, by the minute. An entry's hourly cost is fixed within a month
    (a `monthly` amount is spread over that month's hours), so costs are worked out once per
    month and stretch between two rate changes (each on the hour: a part hour is a stretch of
    its own), and reused while the meter plans and feeds within them."""

    def __init__(
        self, entries: Iterable[Usage], start: datetime, end: datetime | None = None
    ) -> None:
        self.start = start
        self.end = end
        self.entries = tuple(entries)
        self.products = tuple(dict.fromkeys(e.product for e in self.entries))
        bounds = {e.from_ or start for e in self.entries} | {e.until for e in self.entries}
        bounds.add(end)
        changes = {floor_hour(b) for b in bounds if b is not None}
        changes |= {ceil_hour(b) for b in bounds if b is not None}
        self._changes = sorted(changes)
        #: the last costs worked out, under (year, month, stretch between rate changes): the
        #: meter only moves forward, so one is enough
        self._last: tuple[tuple[int, int, int], tuple[dict[str, Fraction], Fraction]] | None = None

    def _share(self, entry: Usage, hour: datetime) -> Fraction:
        """The part of the hour starting at `hour` that `entry` runs in (0 to 1)."""
        until = (
            entry.until if self.end is None or entry.until is None else min(entry.until, self.end)
        )
        return part_of_hour(hour, entry.from_ or self.start, until if until else self.end)

    def costs(self, hour: datetime) -> tuple[dict[str, Fraction], Fraction]:
        """Pretax cost of the hour starting at `hour` per product (first-seen order), and their
        total. Shared: callers only read them."""
        key = (*month_of(hour), bisect_right(self._changes, hour))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        costs: dict[str, Fraction] = {}
        for entry in self.entries:
            share = self._share(entry, hour)
            if share:
                cost = entry.pretax_per_hour(hour)
                cost = cost if share == 1 else cost * share
                if cost:
                    costs[entry.product] = costs.get(entry.product, Fraction(0)) + cost
        found = (costs, sum(costs.values(), Fraction(0)))
        self._last = (key, found)
        return found

    def at(self, hour: datetime) -> dict[str, Fraction]:
        """Pretax cost of the hour starting at `hour`, per product, in first-seen order."""
        return dict(self.costs(hour)[0])

    def without(self, product: str) -> UsagePlan:
        """The plan less one product (its activation was refused)."""
        return UsagePlan((e for e in self.entries if e.product != product), self.start, self.end)

    def next_change(self, after: datetime) -> datetime | None:
        """The next instant after `after` where a rate starts or stops (month ends aside)."""
        for change in self._changes:
            if change > after:
                return change
        return None


class MeteredEngine(Protocol):
    def record_hours(self, account_id: str, rates: dict[str, Fraction], *, hours: int) -> None: ...

    def hours_until_threshold(
        self, account_id: str, pretax_per_hour_total: Fraction
    ) -> int | None: ...

    def is_metering(self, account_id: str) -> bool: ...

    def threshold_basis(self, account_id: str) -> tuple[object, ...]: ...


class Meter:
    """Feeds one account's usage to the engine. Each hour's fee is recorded at the hour's end;
    `catch_up` records every hour that has ended. `next_cut` says how long the meter may sleep:
    until a rate changes, a month ends, the run ends or the fees reach the threshold."""

    def __init__(
        self,
        account_id: str,
        plan: UsagePlan,
        engine: MeteredEngine,
        start: datetime,
        end: datetime,
    ) -> None:
        self.account_id = account_id
        self.plan = plan
        self.engine = engine
        self.fed_until = floor_hour(start)
        #: the end of the run's last hour: a run ending mid-hour bills that hour's part
        self.end = ceil_hour(end)

    def _segment_end(self, start: datetime, until: datetime) -> datetime:
        """The end of the stretch from `start` over which every product's hourly cost is fixed."""
        cut = min(until, next_month_start(start))
        change = self.plan.next_change(start)
        return min(cut, change) if change is not None else cut

    def catch_up(self, now: datetime) -> None:
        """Record every hour that ended at or before `now` (and not after the run's end)."""
        until = min(floor_hour(now), self.end)
        if not self.engine.is_metering(self.account_id):
            # Suspended hours are not metered (AUTO-7), nor the part-hours at either end:
            # metering resumes with the first whole hour after the account resumes.
            resumes = until if until == now or until == self.end else until + HOUR
            self.fed_until = max(self.fed_until, resumes)
            return
        while self.fed_until < until:
            segment_end = self._segment_end(self.fed_until, until)
            hours = int((segment_end - self.fed_until) / HOUR)
            costs, total = self.plan.costs(self.fed_until)
            if costs:
                self._feed(hours, costs, total)
            self.fed_until = segment_end

    def _feed(self, hours: int, costs: dict[str, Fraction], total: Fraction) -> None:
        reach = self.engine.hours_until_threshold(self.account_id, total)
        if reach is not None and 0 < reach < hours:
            raise RuntimeError(
                f"meter for {self.account_id} slept past the hour its fees reached the threshold"
            )
        self.engine.record_hours(self.account_id, costs, hours=hours)

    def next_cut(self) -> datetime | None:
        """When the meter must next wake, or None when there is nothing left to meter."""
        if self.fed_until >= self.end or not self.engine.is_metering(self.account_id):
            return None
        start = self.fed_until
        segment_end = self._segment_end(start, self.end)
        costs, total = self.plan.costs(start)
        if not costs:
            return segment_end if self.plan.next_change(start) is not None else None
        reach = self.engine.hours_until_threshold(self.account_id, total)
        hours = (segment_end - start) / HOUR
        if reach is not None and 1 <= reach < hours:
            return start + reach * HOUR
        return segment_end
