"""What customers do in the simulated world, as SimPy processes: use products hour after hour,
link payment methods (answering 3D Secure challenges and PayPal approval pages), and carry out
their scripted actions."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import simpy

from billing_engine.errors import BillingError

if TYPE_CHECKING:
    from simulator.metering import Meter
    from simulator.world import World

#: How long a customer takes on a bank's challenge page or PayPal's approval page.
THINK_TIME = timedelta(minutes=2)

Process = Generator[simpy.Event, Any, None]


def customer_usage(world: World, meter: Meter) -> Process:
    """An account's products run hour after hour. The meter sleeps until the next point where
    something could happen; anyone who changes the account wakes it to plan again."""
    while True:
        cut = meter.next_cut()
        try:
            if cut is None:
                # Suspended, deactivated, or nothing left to meter: sleep until woken.
                yield world.env.event()
            else:
                yield world.clock.timeout_until(cut)
                meter.catch_up(world.clock.now())
        except simpy.Interrupt:
            continue


def linking_a_card(world: World, account_id: str, entry: Any) -> Process:
    """The customer types their card; if their bank challenges them, they answer (or not)."""
    outcome = world.engine.link_card(account_id, entry.card.details())
    if outcome.status != "challenge":
        return
    if entry.threeds == "abandon":
        return  # the engine notices the challenge timed out by itself
    yield world.clock.env.timeout(int(THINK_TIME.total_seconds()))
    world.browser.answer_challenge(outcome, passed=entry.threeds == "pass")
    world.account_changing(account_id)
    world.engine.complete_threeds(account_id, outcome.method_id)
    world.account_changed(account_id)


def linking_paypal(world: World, account_id: str, entry: Any) -> Process:
    """The customer is sent to PayPal, logs in, and approves the agreement (or not)."""
    paypal = entry.paypal
    try:
        outcome = world.engine.start_paypal_link(account_id, threshold=paypal.threshold)
    except BillingError as refused:
        if refused.reason is None:
            raise
        return  # refused with a reason the event log shows (e.g. invalid_threshold)
    if outcome.status != "approval":
        return
    yield world.clock.env.timeout(int(THINK_TIME.total_seconds()))
    world.browser.answer_paypal(outcome, email=paypal.email, approve=paypal.approve)
    world.account_changing(account_id)
    world.engine.complete_paypal_link(account_id, outcome.method_id)
    world.account_changed(account_id)


def customer_actions(world: World, account_id: str, actions: list[Any]) -> Process:
    """The customer's scripted actions, each at its time."""
    for action in actions:
        yield world.clock.timeout_until(action.at)
        world.account_changing(account_id)
        world.perform(account_id, action)
        world.account_changed(account_id)
