"""Fixtures for the engine's unit tests: a world of fakes around one BillingEngine, and the
hypothesis profiles (`ci`, loaded when CI is set)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, settings

from billing_engine.bootstrap import bootstrap
from billing_engine.domain.outcomes import LinkOutcome
from billing_engine.ports import CardDetails
from billing_engine.service import BillingEngine

from .engine_fakes import FakeCards, FakePayPal, FakeThreeDS, FakeTime, ListSink

#: CI runs every property at least 200 times; locally hypothesis's defaults apply
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
if os.environ.get("CI"):
    settings.load_profile("ci")

START = datetime(2026, 1, 10, tzinfo=UTC)
VISA = "4242424242424242"
MASTERCARD = "5555555555554444"


def card(number: str = VISA, *, exp: tuple[int, int] = (12, 2030), cvv: str = "123") -> CardDetails:
    return CardDetails(number=number, exp_month=exp[0], exp_year=exp[1], cvv=cvv, name="ACME LTD")


@dataclass
class World:
    time: FakeTime
    cards: FakeCards
    threeds: FakeThreeDS
    paypal: FakePayPal
    sink: ListSink
    engine: BillingEngine

    def open(self, account: str = "acme", country: str = "US", **kwargs: object) -> str:
        self.engine.open_account(account, country=country, **kwargs)  # type: ignore[arg-type]
        return account

    def link_card(self, account: str = "acme", number: str = VISA, **kwargs: object) -> LinkOutcome:
        return self.engine.link_card(account, card(number, **kwargs))  # type: ignore[arg-type]

    def link_paypal(
        self, account: str = "acme", threshold: object = None, payer: str = "PAYER1"
    ) -> LinkOutcome:
        self.paypal.payer_id = payer
        started = self.engine.start_paypal_link(account, threshold=threshold)  # type: ignore[arg-type]
        return self.engine.complete_paypal_link(account, started.method_id)

    def use(self, account: str, fee: str | Fraction, *, product: str = "qwen-max") -> None:
        """One hour of usage with this pretax fee, recorded at the hour's end (now)."""
        if product not in self.engine.account(account).products:
            self.engine.activate_product(account, product)
        self.engine.record_usage(account, product, hours=1, pretax_per_hour=fee)

    def settle(self) -> None:
        """Let every pending payment status update (PAY-5)."""
        self.time.advance_to(self.time.now() + self.engine.policy.settlement_delay)

    def types(self, account: str | None = "acme") -> list[str]:
        return self.sink.types(account)


def make_world(start: datetime = START, **policy_overrides: object) -> World:
    time = FakeTime(start)
    cards, threeds, paypal, sink = FakeCards(time), FakeThreeDS(), FakePayPal(), ListSink()
    engine = bootstrap(
        clock=time,
        scheduler=time,
        events=sink,
        cards=cards,
        threeds=threeds,
        paypal=paypal,
        policy_overrides=policy_overrides,
    )
    return World(time, cards, threeds, paypal, sink, engine)


@pytest.fixture
def world() -> World:
    return make_world()
