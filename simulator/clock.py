"""The one clock of a run (H-1): a SimPy environment counting whole seconds from the scenario
start, serving as the engine's Clock and Scheduler and as the gateways' clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import simpy
from simpy.events import NORMAL, Event, EventPriority

#: Engine timers run after every customer process event due at the same instant, so the hour
#: ending at month end is metered before month end runs (RULES.md AUTO-4).
TIMER_PRIORITY = EventPriority(NORMAL + 1)


class _Timer(Event):
    """A pre-triggered event scheduled at TIMER_PRIORITY (as simpy's Timeout does at NORMAL)."""

    def __init__(self, env: simpy.Environment, delay: int, fn: Callable[[], None]) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        self.callbacks.append(lambda _event: fn())
        env.schedule(self, TIMER_PRIORITY, delay)


class SimClock:
    def __init__(self, start: datetime, env: simpy.Environment | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulation start must be timezone-aware (UTC)")
        self.start = start.astimezone(UTC)
        self.env = env or simpy.Environment(initial_time=0)
        #: called with (account, when) before a timer for that account runs
        self.before_timer: Callable[[str | None], None] | None = None
        #: called with the account after its timer ran (what it changed may move the meter's
        #: plan, e.g. a failed payment putting fees back toward the threshold)
        self.after_timer: Callable[[str | None], None] | None = None
        #: the last instant asked for, by SimPy time: every event, timer and gateway call
        #: reads the time, and it changes far less often than that
        self._last: tuple[float, datetime] = (0, self.start)

    def now(self) -> datetime:
        seconds, instant = self._last
        if seconds != self.env.now:
            seconds = self.env.now
            instant = self.start + timedelta(seconds=seconds)
            self._last = (seconds, instant)
        return instant

    def seconds_until(self, when: datetime) -> int:
        delta = when - self.now()
        seconds = delta.days * 86_400 + delta.seconds
        return max(0, seconds + (1 if delta.microseconds else 0))

    def call_at(
        self, when: datetime, fn: Callable[[], None], *, account: str | None = None
    ) -> None:
        def fire() -> None:
            if self.before_timer is not None:
                self.before_timer(account)
            fn()
            if self.after_timer is not None:
                self.after_timer(account)

        _Timer(self.env, self.seconds_until(when), fire)

    def timeout_until(self, when: datetime) -> simpy.Timeout:
        return self.env.timeout(self.seconds_until(when))
