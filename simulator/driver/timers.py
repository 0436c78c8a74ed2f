"""The reference engine's time when served: a test clock and a small time-ordered queue of
timers, implementing the engine's Clock and Scheduler ports without SimPy. It moves only when
told to (`advance`), so the harness decides what time it is, as with Stripe's test clocks."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

SECOND = timedelta(seconds=1)


def whole_second(when: datetime) -> datetime:
    """Timers run on whole seconds, as on the simulator's SimPy clock (a part second rounds up)."""
    return when.replace(microsecond=0) + SECOND if when.microsecond else when


class TimerQueue:
    """Clock and Scheduler: timers due at one instant run in the order they were set."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._order = count()
        self._timers: list[tuple[datetime, int, str | None, Callable[[], None]]] = []

    def now(self) -> datetime:
        return self._now

    def call_at(
        self, when: datetime, fn: Callable[[], None], *, account: str | None = None
    ) -> None:
        due = max(whole_second(when), self._now)  # a timer set in the past runs at once
        heapq.heappush(self._timers, (due, next(self._order), account, fn))

    def next_due(self) -> datetime | None:
        return self._timers[0][0] if self._timers else None

    def pop_due(self) -> tuple[str | None, Callable[[], None]] | None:
        """The next timer due now (its account and function), None if none is."""
        if not self._timers or self._timers[0][0] > self._now:
            return None
        _, _, account, fn = heapq.heappop(self._timers)
        return account, fn

    def move_to(self, when: datetime) -> None:
        """The clock reads `when` (never earlier than it reads already)."""
        self._now = max(self._now, when)
