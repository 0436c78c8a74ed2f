"""The simulated world of one run: one SimPy clock, the mock gateways behind a transport, the
billing engine wired to both, and the customers of the scenario going about their months."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from billing_engine.bootstrap import bootstrap
from billing_engine.errors import (
    AccountStateError,
    BillingError,
    UnknownPaymentMethod,
    UnknownProduct,
)
from billing_engine.events import Event
from billing_engine.policy import Policy
from simulator.clock import SimClock
from simulator.customers import (
    buying_a_plan,
    customer_actions,
    customer_usage,
    linking_a_card,
    linking_paypal,
    repaying,
)
from simulator.driver.client import HttpEngine
from simulator.driver.scenario_usage import usage_windows
from simulator.engine_keys import engine_key_style
from simulator.engine_port import Engine
from simulator.eventlog import EventLog
from simulator.metering import Meter, MeteredEngine, UsagePlan, ceil_hour
from simulator.oracle.oracle import Oracle
from simulator.scenario import (
    AccountSpec,
    ActionPayload,
    ActivateAction,
    BuyPlanAction,
    MethodRef,
    PaymentMethodEntry,
    RepayAction,
)
from simulator.transports import Gateways, open_gateways

#: why a scripted action was skipped, by what the engine raised (reason codes, DESIGN.md)
SKIP_REASONS: dict[type[BillingError], str] = {
    UnknownPaymentMethod: "method_not_linked",
    AccountStateError: "account_not_active",
    UnknownProduct: "unknown_product",
}


class RunError(Exception):
    """The scenario asked for something the world cannot do (e.g. an unknown method index)."""


@dataclass(frozen=True)
class ScriptedAction:
    """One thing a customer does at a time: `kind` as in the scenario, `args` its fields."""

    at: datetime
    kind: str
    args: ActionPayload


class World:
    def __init__(
        self,
        scenario: Any,
        accounts: list[Any],
        *,
        seed: int,
        gateways: Gateways,
        clock: SimClock,
        log: EventLog,
        policy: Policy,
        remote: HttpEngine | None = None,
    ) -> None:
        """`remote`: the engine under test is that remote engine (driver protocol), which
        meters usage itself from the windows it is given; otherwise the reference engine runs
        here, on this world's clock, fed by its meters."""
        self.scenario = scenario
        self.accounts = accounts
        self.seed = seed
        self.clock = clock
        self.env: simpy.Environment = clock.env
        self.log = log
        self.policy = policy
        self.gateways = gateways
        self.browser = gateways.browser
        self.start: datetime = scenario.start
        self.end: datetime = scenario.end
        self.remote = remote
        self.engine: Engine
        #: the reference engine in process, fed usage hour by hour by the meters
        self._metered: MeteredEngine | None = None
        if remote is None:
            engine = bootstrap(
                policy=policy,
                clock=clock,
                scheduler=clock,
                events=log,
                cards=gateways.cards,
                threeds=gateways.threeds,
                paypal=gateways.paypal,
                key_style=engine_key_style(),
            )
            self.engine = self._metered = engine
        else:
            remote.configure(
                start=self.start, gateways=gateways.urls, seed=seed, policy=scenario.policy
            )
            self.engine = remote
        self.meters: dict[str, Meter] = {}
        #: each account's usage (its products, in the order the summary shows them)
        self.plans: dict[str, UsagePlan] = {}
        self._usage: dict[str, simpy.Process] = {}
        #: the threshold basis of the account whose timer is running, read before it ran
        self._basis_before_timer: tuple[object, ...] = ()
        clock.before_timer = self._before_timer
        clock.after_timer = self._after_timer
        log.observers.append(self._on_event)
        #: the harness's own model of what should happen, judging the engine's events
        self.oracle = Oracle(accounts, start=self.start, end=self.end, policy=policy)
        log.observers.append(self.oracle.observe)

    # --- set-up -------------------------------------------------------------------------

    def populate(self) -> None:
        """Open every account of the run and set its customer going."""
        for spec in self.accounts:
            self.add_account(spec)

    def add_account(self, spec: AccountSpec) -> None:
        """Open the account now, give the gateways its PayPal buyers, start its customer."""
        extra = {} if spec.tax_rate is None else {"tax_rate": spec.tax_rate}
        self.engine.open_account(spec.id, country=spec.country, balance=spec.balance, **extra)
        for _, entry in spec.link_attempts(self.start):
            if entry.paypal is not None:
                self.gateways.add_paypal_buyer(
                    entry.paypal.email, funding_source=entry.paypal.funding_source
                )
        plan = self.plans[spec.id] = UsagePlan(spec.usage, self.start, self.end)
        if self.remote is not None:
            for window in usage_windows(spec.usage, self.start, self.end):
                self.remote.add_usage(
                    spec.id, window.product, window.hourly_fee, window.start, window.until
                )
        else:
            assert self._metered is not None
            meter = Meter(spec.id, plan, self._metered, self.clock.now(), self.end)
            self.meters[spec.id] = meter
            self._usage[spec.id] = self.env.process(customer_usage(self, meter))
        self.env.process(customer_actions(self, spec.id, self._script(spec)))

    def _script(self, spec: AccountSpec) -> list[ScriptedAction]:
        """Link attempts first (in method-id order), then product activations, then the
        customer's own actions; all in time order."""
        script = [ScriptedAction(at, "link", entry) for at, entry in spec.link_attempts(self.start)]
        first_use: dict[str, datetime] = {}
        for usage in spec.usage:
            starts = usage.from_ or self.start
            first_use[usage.product] = min(starts, first_use.get(usage.product, starts))
        script += [
            ScriptedAction(at, "activate", ActivateAction(product=p)) for p, at in first_use.items()
        ]
        script += [
            ScriptedAction(a.at, a.kind, a.payload) for a in spec.actions if a.kind != "link"
        ]
        return sorted(script, key=lambda action: action.at)

    # --- what customers do --------------------------------------------------------------

    def perform(self, account_id: str, action: ScriptedAction) -> None:
        """Carry out one customer action now. A refusal the engine gives a reason for is an
        outcome (it is in the event log); any other refusal means the scenario is wrong."""
        engine, args = self.engine, action.args
        try:
            if isinstance(args, PaymentMethodEntry):
                process = linking_paypal if args.paypal is not None else linking_a_card
                self.env.process(process(self, account_id, args))
            elif isinstance(args, ActivateAction):
                if not engine.activate_product(account_id, args.product).ok:
                    self._without(account_id, args.product)
            elif isinstance(args, MethodRef) and action.kind == "unlink":
                engine.unlink(account_id, args.method)
            elif isinstance(args, MethodRef):
                engine.set_default(account_id, args.method)
            elif isinstance(args, RepayAction):
                self.env.process(repaying(self, account_id, args))
            elif isinstance(args, BuyPlanAction):
                self.env.process(buying_a_plan(self, account_id, args))
            else:
                engine.deactivate(account_id)
        except BillingError as refused:
            if refused.reason is None:
                self.skipped(account_id, action.kind, refused)

    def _without(self, account_id: str, product: str) -> None:
        """The product's activation was refused: it is metered and shown no more (a remote
        engine drops its windows itself)."""
        plan = self.plans[account_id] = self.plans[account_id].without(product)
        if account_id in self.meters:
            self.meters[account_id].plan = plan

    def products_of(self, account_id: str) -> tuple[str, ...]:
        plan = self.plans.get(account_id)
        return () if plan is None else plan.products

    def skipped(self, account_id: str, kind: str, refused: BillingError) -> None:
        """A scripted action the engine could not carry out and gave no outcome for (the method
        it names never linked, the account is closed): an event, and the run goes on."""
        reason = SKIP_REASONS.get(type(refused), "not_possible")
        self.log.emit(
            Event(
                self.clock.now(), "action.skipped", account_id, {"action": kind, "reason": reason}
            )
        )

    # --- keeping the meters honest ------------------------------------------------------

    def account_changing(self, account_id: str) -> None:
        """Before anything touches an account, meter every hour that has ended (a remote
        engine meters by itself as its test clock moves)."""
        meter = self.meters.get(account_id)
        if meter is not None:
            meter.catch_up(self.clock.now())

    def account_changed(self, account_id: str) -> None:
        """After something touched an account, its meter plans again."""
        process = self._usage.get(account_id)
        if process is not None and process.is_alive and process is not self.env.active_process:
            process.interrupt()

    def _before_timer(self, account_id: str | None) -> None:
        if account_id is not None and account_id in self.meters:
            self.account_changing(account_id)
            assert self._metered is not None  # meters feed the engine in process only
            self._basis_before_timer = self._metered.threshold_basis(account_id)

    def _after_timer(self, account_id: str | None) -> None:
        # Most timers (settlements, hold releases) leave the threshold's hour where it was:
        # the meter plans again only when what that hour is reckoned from changed.
        if account_id is not None and account_id in self.meters:
            assert self._metered is not None
            if self._metered.threshold_basis(account_id) != self._basis_before_timer:
                self.account_changed(account_id)

    def _on_event(self, event: Event) -> None:
        if event.type in ("account.suspended", "account.resumed") and event.account:
            self.account_changed(event.account)

    def card_numbers(self) -> set[str]:
        """Every card number the run's customers typed (for the H-4 output check)."""
        return card_numbers(self.accounts, self.start)

    # --- running --------------------------------------------------------------------------

    def live_through(self, *, progress: Any = None) -> None:
        """The whole scenario: its faults installed, every customer set going, its span lived
        through, then only what is already under way finishes (payments settle); the log is
        closed."""
        self.gateways.install_faults(self.scenario.faults, start=self.start)
        self.populate()
        # a run ending mid-hour meters that hour's part when the hour ends
        until = max(self.end + self.policy.settlement_delay, ceil_hour(self.end))
        self.run(until=until, progress=progress)
        self.log.close()

    def run(self, *, until: datetime, progress: Any = None, steps: int = 100) -> None:
        """Run to `until` (inclusive of what is due then; the clock then reads `until`),
        reporting progress in `steps`. May be called again to go on: the BDD steps let time pass
        a piece at a time."""
        began = self.env.now
        target = began + self.clock.seconds_until(until)
        if progress is None:
            self._run_to(target)
        else:
            for step in range(1, steps + 1):
                self._run_to(began + (target - began) * step // steps)
                progress(step / steps)
        if self.remote is not None:  # its timers due up to `until` run too
            self.remote.advance_to(self.clock.now())

    def _run_to(self, target: float) -> None:
        """Everything due at or before `target` (seconds on the SimPy clock) happens."""
        if target > self.env.now:
            self.env.run(until=target)  # stops before what is due at `target` itself
        while self.env.peek() <= target:
            self.env.step()


def card_numbers(accounts: Iterable[AccountSpec], start: datetime) -> set[str]:
    """Every card number these customers type in a run starting at `start`."""
    return {
        entry.card.number
        for spec in accounts
        for _, entry in spec.link_attempts(start)
        if entry.card is not None
    }


def seeded_rng(seed: int) -> np.random.Generator:
    """The one source of randomness of a run (H-2)."""
    return np.random.default_rng(seed)


@contextmanager
def built_world(
    scenario: Any,
    accounts: list[Any],
    *,
    seed: int,
    transport: str,
    events_path: Path | None,
    keep_events: bool = False,
    ranks: Mapping[str, int] | None = None,
    engine_url: str | None = None,
) -> Iterator[World]:
    """`ranks` (account id -> place in the run) groups each instant's events by account, as a
    scenario run writes them (see EventLog). With `engine_url` the engine under test is the
    one that speaks the driver protocol there; the mocks then serve on real sockets (the
    engine is told their URLs), whatever `transport` says."""
    clock = SimClock(scenario.start)
    policy = scenario.make_policy()
    log = EventLog(events_path, keep=keep_events, ranks=ranks)
    remote = None
    if engine_url is not None:
        transport = "http"
        remote = HttpEngine.over_url(engine_url, clock=clock, events=log)
    try:
        with open_gateways(transport, clock=clock, seed=seed) as gateways:
            world = World(
                scenario,
                accounts,
                seed=seed,
                gateways=gateways,
                clock=clock,
                log=log,
                policy=policy,
                remote=remote,
            )
            yield world
    finally:
        log.close()
        if remote is not None:
            remote.close()
