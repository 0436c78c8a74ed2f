"""What every use case shares: the ports, the policy, the accounts and the link registry, with
the three things they all do (read the time, emit an event, set a timer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from billing_engine.domain.account import Account, KeyStyle
from billing_engine.domain.accrual import DailyFees
from billing_engine.domain.link_registry import LinkRegistry
from billing_engine.domain.unknown_payment import UnknownPayment
from billing_engine.errors import UnknownAccount
from billing_engine.events import Event
from billing_engine.money import NO_CENTS, Cents
from billing_engine.policy import Policy
from billing_engine.ports import (
    CardGateway,
    Clock,
    EventSink,
    PayPalGateway,
    Scheduler,
    ThreeDSGateway,
)


@dataclass
class EngineContext:
    policy: Policy
    clock: Clock
    scheduler: Scheduler
    sink: EventSink
    cards: CardGateway
    threeds: ThreeDSGateway
    paypal: PayPalGateway
    return_url: str
    #: how accounts spell the ids and idempotency keys the engine chooses
    key_style: KeyStyle = "plain"
    #: in opening order (dicts keep insertion order)
    accounts: dict[str, Account] = field(default_factory=dict)
    registry: LinkRegistry = field(default_factory=LinkRegistry)
    #: money accepted by each gateway for charges (deductions, repayments, plans)
    charged: dict[str, Cents] = field(
        default_factory=lambda: {"card": NO_CENTS, "paypal": NO_CENTS}
    )
    #: every account's PAYG fees together, per day
    daily_fees: DailyFees = field(default_factory=DailyFees)
    #: charges whose outcome the gateway has not told yet, by idempotency key
    unknown_payments: dict[str, UnknownPayment] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock.now()

    def emit(self, type_: str, account: str | None, **fields: object) -> None:
        # `fields` is this call's own keyword dict: the event may keep it as it is
        self.sink.emit(Event(self.now(), type_, account, fields))

    def call_at(self, when: datetime, fn: Callable[[], None], account: str | None) -> None:
        self.scheduler.call_at(when, fn, account=account)

    def account(self, account_id: str) -> Account:
        if not isinstance(account_id, str) or account_id not in self.accounts:
            raise UnknownAccount(f"unknown account {account_id!r}")
        return self.accounts[account_id]
