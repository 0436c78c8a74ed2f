"""Usage as rates over windows (product, pretax fee per hour, from, until), metered by the
served reference engine itself hour by hour as its clock moves, with the simulator's own meter
(simulator.metering), so it accrues exactly what the in-process world feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import cast

from simulator.metering import Meter, MeteredEngine, Usage, UsagePlan, ceil_hour


@dataclass(frozen=True)
class UsageWindow:
    """One product's fixed pretax fee per hour over [from_, until), part hours by the minute."""

    product: str
    hourly_fee: Fraction
    from_: datetime
    until: datetime

    def pretax_per_hour(self, hour_start: datetime) -> Fraction:
        return self.hourly_fee


class AccountUsage:
    """An account's windows and the meter that feeds them to the engine."""

    def __init__(self, account_id: str, engine: MeteredEngine, opened: datetime) -> None:
        self.windows: list[UsageWindow] = []
        self.meter = Meter(account_id, UsagePlan((), opened, opened), engine, opened, opened)

    def add(self, window: UsageWindow, now: datetime) -> None:
        """Meter what has ended under the windows so far, then plan with this one too."""
        self.meter.catch_up(now)
        self.windows.append(window)
        self._plan()

    def drop(self, product: str) -> None:
        """The product's activation was refused: it accrues nothing (as in the simulator)."""
        self.windows = [w for w in self.windows if w.product != product]
        self._plan()

    def _plan(self) -> None:
        start = min((w.from_ for w in self.windows), default=self.meter.fed_until)
        end = max((w.until for w in self.windows), default=self.meter.fed_until)
        # a window always has both ends, which metering.Usage allows to be open
        self.meter.plan = UsagePlan(cast("list[Usage]", self.windows), start, end)
        self.meter.end = max(self.meter.end, ceil_hour(end))
