"""The reference engine as the driver server holds it: built by the configuration call on a
test clock (TimerQueue), its gateways over HTTP stamped with that clock's time (X-Sim-Time),
its events kept for reading by cursor, its accounts' usage windows metered as time moves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from billing_engine.bootstrap import bootstrap
from billing_engine.events import Event
from billing_engine.service import BillingEngine
from simulator.driver.connections import gateway_adapters
from simulator.driver.timers import TimerQueue
from simulator.driver.usage import AccountUsage, UsageWindow
from simulator.event_json import to_record

GATEWAYS = ("card", "threeds", "paypal")


@dataclass(frozen=True)
class Configuration:
    start: datetime
    gateways: Mapping[str, str]
    seed: int = 0
    #: the engine's policy settings, as a scenario's `policy:` block names them
    policy: Mapping[str, Any] | None = None


class EventStore:
    """The engine's event sink: every event numbered from 1, read back after a cursor."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def emit(self, event: Event) -> None:
        self.records.append(to_record(event, len(self.records) + 1))

    def after(self, cursor: int, account: str | None = None) -> list[dict[str, Any]]:
        since = self.records[max(cursor, 0) :]
        return since if account is None else [r for r in since if r["account"] == account]


class ReferenceEngine:
    """One configured engine and everything that moves with its clock."""

    def __init__(self, config: Configuration) -> None:
        missing = [name for name in GATEWAYS if not config.gateways.get(name)]
        if missing:
            raise ValueError(f"gateways: missing base URL of {', '.join(missing)}")
        self.config = config
        self.timers = TimerQueue(config.start)
        self.events = EventStore()
        self._adapters = gateway_adapters(dict(config.gateways), clock=self.timers)
        self.engine: BillingEngine = bootstrap(
            clock=self.timers,
            scheduler=self.timers,
            events=self.events,
            cards=self._adapters[0],
            threeds=self._adapters[1],
            paypal=self._adapters[2],
            policy_overrides=dict(config.policy or {}),
        )
        self.usage: dict[str, AccountUsage] = {}

    def close(self) -> None:
        for adapter in self._adapters:
            adapter.transport.close()

    def opened(self, account_id: str) -> None:
        self.usage[account_id] = AccountUsage(account_id, self.engine, self.timers.now())

    def add_usage(self, account_id: str, window: UsageWindow) -> None:
        self.engine.account(account_id)  # UnknownAccount before anything is kept
        self.usage[account_id].add(window, self.timers.now())

    def touch(self, account_id: str) -> None:
        """Before anything reads or changes an account: meter every hour that has ended."""
        usage = self.usage.get(account_id)
        if usage is not None:
            usage.meter.catch_up(self.timers.now())

    def advance(self, to: datetime, *, inclusive: bool = True) -> None:
        """Everything due before `to` (and at `to` when `inclusive`) happens, in time order:
        at each instant the hours that ended are metered first, then the timers due then (as
        on the simulator's clock, where timers run after the customers' processes)."""
        while True:
            due = self._next_due()
            if due is None or due > to or (due == to and not inclusive):
                break
            self.timers.move_to(due)
            for usage in self.usage.values():
                usage.meter.catch_up(due)
            while (timer := self.timers.pop_due()) is not None:
                account, fn = timer
                if account is not None:
                    self.touch(account)
                fn()
        self.timers.move_to(to)

    def _next_due(self) -> datetime | None:
        cuts = [u.meter.next_cut() for u in self.usage.values()]
        dues = [due for due in (*cuts, self.timers.next_due()) if due is not None]
        return min(dues, default=None)
