"""What customers do in the simulated world, as SimPy processes: use products hour after hour,
link payment methods (answering 3D Secure challenges and PayPal approval pages), and carry out
their scripted actions."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import simpy

from billing_engine.errors import BillingError

if TYPE_CHECKING:
    from simulator.engine_port import LinkAnswer, PaymentAnswer
    from simulator.metering import Meter
    from simulator.scenario import BuyPlanAction, PaymentMethodEntry, RepayAction
    from simulator.world import ScriptedAction, World

#: How long a customer takes on a bank's challenge page or PayPal's approval page.
THINK_TIME = timedelta(minutes=2)

Process = Generator[simpy.Event, Any, None]
T = TypeVar("T")


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


def attempted(world: World, account_id: str, kind: str, call: Callable[[], T]) -> T | None:
    """What the engine answered, or None when it refused: a refusal with a reason is an outcome
    already in the event log; one without (the scenario asked for the impossible) is logged as
    a skipped action, and the run goes on."""
    try:
        return call()
    except BillingError as refused:
        if refused.reason is None:
            world.skipped(account_id, kind, refused)
        return None


def answering_a_challenge(
    world: World,
    account_id: str,
    outcome: LinkAnswer | PaymentAnswer,
    behaviour: str,
    returned: Callable[[], object],
) -> Process:
    """The customer's bank asks for 3D Secure: after a while they pass or fail the challenge
    and come back (`returned`), or they walk away and the engine notices the time-out itself."""
    if behaviour == "abandon":
        return
    yield world.clock.env.timeout(int(THINK_TIME.total_seconds()))
    world.browser.answer_challenge(outcome, passed=behaviour == "pass")
    world.account_changing(account_id)
    returned()
    world.account_changed(account_id)


def linking_a_card(world: World, account_id: str, entry: PaymentMethodEntry) -> Process:
    """The customer types their card; if their bank challenges them, they answer (or not)."""
    card = entry.card
    assert card is not None  # the world sends a PayPal entry to linking_paypal
    outcome = attempted(
        world, account_id, "link", lambda: world.engine.link_card(account_id, card.details())
    )
    if outcome is not None and outcome.status == "challenge":
        yield from answering_a_challenge(
            world,
            account_id,
            outcome,
            entry.threeds,
            lambda: world.engine.complete_threeds(account_id, outcome.method_id),
        )


def buying_a_plan(world: World, account_id: str, order: BuyPlanAction) -> Process:
    """The customer orders a Coding Plan; if their bank challenges the order, they answer."""
    outcome = attempted(
        world,
        account_id,
        "buy_plan",
        lambda: world.engine.buy_plan(account_id, order.plan, order.method),
    )
    if outcome is not None and outcome.status == "challenge":
        yield from answering_a_challenge(
            world,
            account_id,
            outcome,
            order.threeds,
            lambda: world.engine.complete_plan_threeds(account_id, order.plan),
        )


def repaying(world: World, account_id: str, repay: RepayAction) -> Process:
    """The customer repays by hand; if their card's bank challenges the payment, they answer."""
    method = None if repay.method == "default" else repay.method
    # amounts reach the engine exactly: a scenario's Decimal as the Fraction it is
    amount: Fraction | str = "all" if repay.amount == "all" else Fraction(repay.amount)
    outcome = attempted(
        world, account_id, "repay", lambda: world.engine.repay(account_id, amount, method)
    )
    if outcome is not None and outcome.status == "challenge":
        yield from answering_a_challenge(
            world,
            account_id,
            outcome,
            repay.threeds,
            lambda: world.engine.complete_repayment_threeds(account_id),
        )


def linking_paypal(world: World, account_id: str, entry: PaymentMethodEntry) -> Process:
    """The customer is sent to PayPal, logs in, and approves the agreement (or not)."""
    paypal = entry.paypal
    assert paypal is not None  # the world sends a card entry to linking_a_card
    threshold = None if paypal.threshold is None else Fraction(paypal.threshold)
    outcome = attempted(
        world,
        account_id,
        "link",
        lambda: world.engine.start_paypal_link(account_id, threshold=threshold),
    )
    if outcome is None or outcome.status != "approval":
        return
    yield world.clock.env.timeout(int(THINK_TIME.total_seconds()))
    world.browser.answer_paypal(outcome, email=paypal.email, approve=paypal.approve)
    world.account_changing(account_id)
    world.engine.complete_paypal_link(account_id, outcome.method_id)
    world.account_changed(account_id)


def customer_actions(world: World, account_id: str, actions: list[ScriptedAction]) -> Process:
    """The customer's scripted actions, each at its time."""
    for action in actions:
        yield world.clock.timeout_until(action.at)
        world.account_changing(account_id)
        world.perform(account_id, action)
        world.account_changed(account_id)
