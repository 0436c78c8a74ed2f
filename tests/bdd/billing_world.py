"""The BDD harness: the simulated world the simulator builds (simulator.world), driven the way
the feature files speak: accounts drafted by Given steps and opened when time starts, customer
actions performed now, time let pass; and what the Then steps read back (events, money at the
gateways, verification holds). It also replays a scenario for H-2 and explains a failure."""

from __future__ import annotations

import json
import math
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from simulator.calendar import add_months
from simulator.customers import THINK_TIME
from simulator.driver.served_suite import ENGINE_URL_ENV
from simulator.scenario import (
    AccountSpec,
    ActivateAction,
    BuyPlanAction,
    CardEntry,
    DeactivateAction,
    Fault,
    MethodRef,
    PaymentMethodEntry,
    PayPalEntry,
    RepayAction,
    Scenario,
    UsageEntry,
)
from simulator.world import RunError, ScriptedAction, World, built_world

from .customer_words import AuthoringError, TestCard, account_id, moment_of, spoken

TRANSPORT_ENV = "BILLING_SIM_TRANSPORT"
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_SEED = 42
#: how far the world can run; each scenario stops long before (the meters stop here)
HORIZON = {"months": 24}


def transport_from_env() -> str:
    transport = os.environ.get(TRANSPORT_ENV, "wsgi")
    if transport not in ("direct", "wsgi", "http"):
        raise ValueError(f"{TRANSPORT_ENV} must be direct, wsgi or http, not {transport!r}")
    return transport


def engine_url_from_env() -> str | None:
    return os.environ.get(ENGINE_URL_ENV) or None


@dataclass
class Draft:
    """An account the Given steps describe; opened when the scenario's time starts."""

    id: str
    country: str = "US"
    tax_rate: Decimal | None = None
    balance: Decimal = Decimal(0)
    methods: list[PaymentMethodEntry] = field(default_factory=list)
    usage: list[UsageEntry] = field(default_factory=list)

    def spec(self) -> AccountSpec:
        return AccountSpec(
            id=self.id,
            country=self.country,
            tax_rate=self.tax_rate,
            balance=self.balance,
            payment_methods=self.methods,
            usage=self.usage,
        )


class BillingWorld:
    """One scenario's world. Given steps draft accounts (`draft`, `give_card`, `give_paypal`,
    `give_usage`); the first step that needs time opens them all at the start; When steps act
    now (`perform`) or let time pass (`run_until`); Then steps read (`events`, `deductions`,
    `card_charges`, ...). Every step that changes the world is recorded, so `replay` can build
    the same story in a fresh world with another seed or transport (H-2)."""

    def __init__(
        self, *, transport: str, seed: int = DEFAULT_SEED, engine_url: str | None = None
    ) -> None:
        self.transport = transport
        #: a remote engine under test (a replay configures it afresh)
        self.engine_url = engine_url
        self.seed = seed
        self.start = DEFAULT_START
        self.policy: dict[str, Any] = {}
        self.drafts: dict[str, Draft] = {}
        #: per account, what each link attempt was, in method-id order ("Visa card", "PayPal"),
        #: and what the customer typed or chose for it
        self.labels: dict[str, list[str]] = {}
        self.entries: dict[str, list[PaymentMethodEntry]] = {}
        self.script: list[tuple[str, Any]] = []
        self._stack = ExitStack()
        self._world: World | None = None
        self._parsed: list[dict[str, Any]] = []
        #: the last link attempt a When step made: (account, method id)
        self.last_link: tuple[str, int] | None = None
        #: what a step found, for a later step that says "that charge" or "it"
        self.noted: dict[str, Any] = {}

    # --- before time starts ---------------------------------------------------------------

    def _not_started(self, what: str) -> None:
        if self._world is not None:
            raise RuntimeError(f"{what} must come before time starts (put it in a Given step)")

    def set_start(self, when: datetime) -> None:
        self._not_started("setting the start time")
        self.start = when

    def set_policy(self, **overrides: Any) -> None:
        self._not_started("changing a billing setting")
        self.policy.update(overrides)

    def draft(self, name: str, **fields: Any) -> Draft:
        """The account of `name`, drafted on first mention (US, no tax, no balance)."""
        self._not_started(f"describing {name}'s account")
        key = account_id(name)
        if key not in self.drafts:
            self.drafts[key] = Draft(key)
            self.labels[key] = []
            self.entries[key] = []
        draft = self.drafts[key]
        for name_, value in fields.items():
            setattr(draft, name_, value)
        return draft

    def give_card(
        self, name: str, card: TestCard, *, exp: str = "12/30", threeds: str = "pass"
    ) -> None:
        draft = self.draft(name)
        entry = PaymentMethodEntry(card=self.card_entry(name, card, exp=exp), threeds=threeds)
        draft.methods.append(entry)
        self.labels[draft.id].append(card.label)
        self.entries[draft.id].append(entry)

    def give_paypal(self, name: str, **paypal: Any) -> None:
        draft = self.draft(name)
        paypal.setdefault("email", f"{draft.id}@paypal.test")
        entry = PaymentMethodEntry(paypal=PayPalEntry(**paypal))
        draft.methods.append(entry)
        self.labels[draft.id].append("PayPal")
        self.entries[draft.id].append(entry)

    def give_usage(self, name: str, product: str, **rate: Any) -> None:
        self.draft(name).usage.append(UsageEntry.model_validate({"product": product, **rate}))

    def give_fees_reaching(self, name: str, product: str, amount: Decimal, at: datetime) -> None:
        """Usage from the start that brings the fees (tax included) to `amount` at `at` and
        stops there: whole-cent hours, the last hour taking the rest. Fees of the hour [t, t+1h)
        are recorded at t+1h, so the figure is reached at `at` and not before. With a tax rate
        such as 19% no decimal pretax fee gives `amount` exactly (1,000.00 / 1.19 never ends),
        so the last hour's fee is the least one with PRECISION places that reaches it: the fees
        are then less than a thousandth of a cent over `amount`, and show and deduct as
        `amount`."""
        draft = self.draft(name)
        hours = int((at - self.start) / timedelta(hours=1))
        if hours < 1 or self.start + timedelta(hours=hours) != at:
            raise ValueError(f"{spoken(at)} must be a whole number of hours after the start")
        pretax = Fraction(amount) / (1 + Fraction(draft.tax_rate or 0))
        per_hour = Fraction(int(pretax / hours * 100), 100)
        last = _decimal_reaching(pretax - per_hour * (hours - 1))
        final_hour = at - timedelta(hours=1)
        if hours > 1 and per_hour:
            self.give_usage(name, product, hourly=_decimal_reaching(per_hour), until=final_hour)
        self.give_usage(name, product, hourly=last, until=at, **{"from": final_hour})

    def card_entry(
        self, name: str, card: TestCard, *, exp: str = "12/30", cvv: str | None = None,
        holder: str | None = None, number: str | None = None,
    ) -> CardEntry:  # fmt: skip
        return CardEntry(
            number=number or card.number,
            exp=exp,
            cvv=cvv or card.cvv,
            name=holder or card.name_on_record or f"{name.upper()} EXAMPLE",
        )

    # --- the world ------------------------------------------------------------------------

    def scenario(self) -> Scenario:
        return Scenario(name="bdd", start=self.start, duration=HORIZON, policy=self.policy)

    @property
    def world(self) -> World:
        """The world, opened on first use: every drafted account opens at the start and its
        payment methods are linked (the customers answer any 3D Secure or PayPal page)."""
        if self._world is None:
            self._world = self._stack.enter_context(
                built_world(
                    self.scenario(),
                    [],
                    seed=self.seed,
                    transport=self.transport,
                    events_path=None,
                    keep_events=True,
                    engine_url=self.engine_url,
                )
            )
            pending = []
            for draft in self.drafts.values():
                spec = draft.spec()
                self._record("add", spec)
                pending += [(draft.id, i) for i in range(len(spec.payment_methods))]
            self._record("run", self.start)  # the customers' first moves, due at the start
            self._settle_links(pending)
        return self._world

    def close(self) -> None:
        self._stack.close()

    @property
    def started(self) -> bool:
        """Whether time has started (a step has opened the world)."""
        return self._world is not None

    @property
    def now(self) -> datetime:
        return self.world.clock.now()

    def _record(self, kind: str, item: Any) -> None:
        """Do one step of the story and, once done, keep it for `replay`; an action the engine
        refused is kept too (another engine may not refuse it)."""
        try:
            _apply(self.world, kind, item)
        except RunError:
            self.script.append((kind, item))
            raise
        self.script.append((kind, item))

    def run_until(self, when: datetime) -> None:
        if when < self.now:
            raise ValueError(f"cannot go back in time from {spoken(self.now)} to {spoken(when)}")
        self._record("run", when)

    def pass_time(self, *, months: int = 0, **delta: int) -> None:
        self.run_until(add_months(self.now, months) + timedelta(**delta))

    def perform(self, name: str, kind: str, payload: Any) -> None:
        """One customer action now; whatever it sets off at this instant happens too."""
        key = self.known(name)
        self._record("perform", (key, ScriptedAction(self.now, kind, payload)))
        self._record("run", self.now)

    def attempt(self, name: str, kind: str, payload: Any) -> str | None:
        """An action the engine may refuse without a reason code (the world then raises
        RunError and logs no event): the refusal's message, or None if it went through."""
        try:
            self.perform(name, kind, payload)
        except RunError as refused:
            return str(refused)
        return None

    def _settle_links(self, attempts: list[tuple[str, int]]) -> None:
        """Let the customers finish their 3D Secure and PayPal pages (a few minutes), or
        abandon them (the engine's time-out)."""
        began = self.now
        for wait in (THINK_TIME, self.world.policy.threeds_timeout):
            if not any(self._pending(key, method) for key, method in attempts):
                return
            self.run_until(max(self.now, began + wait))

    def _pending(self, key: str, method_id: int) -> bool:
        methods = self.world.engine.account(key).methods
        return method_id < len(methods) and methods[method_id].status == "pending"

    def known(self, name: str) -> str:
        key = account_id(name)
        if key not in self.drafts:
            raise AuthoringError(
                f"{name} has no account in this scenario (add a Given step for it)"
            )
        return key

    # --- customer actions -----------------------------------------------------------------

    def link(
        self, name: str, entry: PaymentMethodEntry, label: str, *, settle: bool = True
    ) -> None:
        key = self.known(name)
        if entry.paypal is not None:  # the PayPal account exists before its owner links it
            self._record("buyer", (entry.paypal.email, entry.paypal.funding_source))
        method_id = len(self.labels[key])
        self.labels[key].append(label)
        self.entries[key].append(entry)
        self.perform(name, "link", entry)
        self.last_link = (key, method_id)
        if settle:
            self._settle_links([(key, method_id)])

    def method_id(self, name: str, label: str) -> int:
        """The payment method of `name` the features call `label` ("Visa card", "PayPal"): the
        latest linked one with that label, else the latest attempt."""
        key = self.known(name)
        ids = [i for i, known in enumerate(self.labels[key]) if known == label]
        if not ids:
            known = ", ".join(self.labels[key]) or "none"
            raise AuthoringError(f"{name} has no {label} (has: {known})")
        methods = self.world.engine.account(key).methods
        active = [i for i in ids if i < len(methods) and methods[i].status == "active"]
        return (active or ids)[-1]

    def entry(self, name: str, label: str) -> PaymentMethodEntry:
        """What `name` typed or chose for their method called `label`."""
        return self.entries[self.known(name)][self.method_id(name, label)]

    def repay(
        self, name: str, amount: Decimal | str, label: str | None, *, threeds: str = "pass"
    ) -> str | None:
        """A manual payment (the customer answers a 3D Secure challenge as `threeds` says);
        returns the message of a refusal the event log cannot show."""
        method = "default" if label is None else self.method_id(name, label)
        action = RepayAction(amount=amount, method=method, threeds=threeds)
        return self.attempt(name, "repay", action)

    def set_default(self, name: str, label: str) -> None:
        self.perform(name, "set_default", MethodRef(method=self.method_id(name, label)))

    def unlink(self, name: str, label: str) -> None:
        self.perform(name, "unlink", MethodRef(method=self.method_id(name, label)))

    def activate(self, name: str, product: str) -> None:
        self.perform(name, "activate", ActivateAction(product=product))

    def buy_plan(self, name: str, plan: str, label: str, *, threeds: str = "pass") -> None:
        order = BuyPlanAction(plan=plan, method=self.method_id(name, label), threeds=threeds)
        self.perform(name, "buy_plan", order)

    def deactivate(self, name: str) -> None:
        self.perform(name, "deactivate", DeactivateAction())

    def gateway_fault(
        self,
        gateway: str,
        endpoint: str | None,
        kind: str,
        until: datetime,
        *,
        since: datetime | None = None,
        rate: Fraction = Fraction(1),
    ) -> None:
        """A payment gateway misbehaves from `since` (default now) until `until` (e.g. PayPal
        declines), on a share `rate` of its calls drawn from the seed; `endpoint` None: every
        operation of the gateway."""
        fault = Fault.model_validate(
            {"gateway": gateway, "endpoint": endpoint, "kind": kind,
             "from": since or self.now, "until": until,
             "rate": Decimal(rate.numerator) / rate.denominator}
        )  # fmt: skip
        self._record("fault", fault)

    # --- reading back ---------------------------------------------------------------------

    @property
    def engine(self) -> Any:
        """The engine, to ask what a customer would see now. The world meters usage lazily (in
        batches up to the next point where something could happen), so every hour that has
        ended is metered first; that splits a batch and changes no outcome."""
        world = self.world
        for key in self.drafts:
            world.account_changing(key)
        return world.engine

    def events(self, name: str | None = None, *types: str) -> list[dict[str, Any]]:
        """The event log so far as records, for one account and some types if given."""
        kept = self.world.log.kept
        self._parsed += [json.loads(line) for line in kept[len(self._parsed) :]]
        key = None if name is None else self.known(name)
        return [
            e
            for e in self._parsed
            if (key is None or e["account"] == key) and (not types or e["type"] in types)
        ]

    def deductions(self, name: str) -> list[dict[str, Any]]:
        """Each automatic deduction: when it started, trigger, amount, and how it ended."""
        by_id: dict[str, dict[str, Any]] = {}
        for e in self.events(
            name,
            "deduction.initiated",
            "deduction.succeeded",
            "deduction.failed",
            "deduction.unknown",
            "deduction.reconciled",
        ):
            if e["type"] == "deduction.initiated":
                by_id[e["deduction"]] = {**e, "status": "pending"}
            else:  # a reconciled deduction ends as the outcome the gateway told at last
                status = e.get("outcome") or e["type"].split(".")[1]
                by_id[e["deduction"]].update(
                    status=status, reason=e.get("reason"), settled_at=e["at"]
                )
        return list(by_id.values())

    def link_outcome(self, name: str, method_id: int) -> dict[str, Any] | None:
        """The linked or link_rejected event of one link attempt (None while undecided)."""
        for e in self.events(name, "payment_method.linked", "payment_method.link_rejected"):
            if e["method"] == method_id:
                return e
        return None

    def account(self, name: str) -> Any:
        return self.engine.account(self.known(name))

    def method(self, name: str, label: str) -> Any:
        return self.account(name).methods[self.method_id(name, label)]

    def card_charges(self, name: str, label: str) -> list[Any]:
        """The charges the card processor made to this card (its own records)."""
        token = self.method(name, label).token
        core = self.world.gateways.card_core
        return [c for c in core.charges.values() if c.card.token == token]

    def card_holds(self, name: str, label: str) -> list[Any]:
        token = self.method(name, label).token
        core = self.world.gateways.card_core
        return [a for a in core.authorizations.values() if a.card.token == token]

    def money_taken(self, name: str, label: str) -> list[Decimal]:
        """What the gateway behind `name`'s method `label` took, charge by charge, by its own
        records: the card processor's charges, or PayPal's captures."""
        if label == "PayPal":
            return [c.amount for c in self.paypal_captures(name)]
        return [c.amount for c in self.card_charges(name, label)]

    def last_card_holds(self) -> list[Any]:
        """The card processor's holds on the card of the last link attempt."""
        if self.last_link is None:
            raise RuntimeError("no card was linked by a When step in this scenario")
        key, method_id = self.last_link
        token = self.world.engine.account(key).methods[method_id].token
        core = self.world.gateways.card_core
        return [a for a in core.authorizations.values() if token and a.card.token == token]

    def card_numbers(self) -> set[str]:
        """Every card number typed in this scenario (for H-4)."""
        return {e.card.number for entries in self.entries.values() for e in entries if e.card}

    def paypal_authorizations(self, name: str) -> dict[str, Any]:
        """PayPal's own records of the authorizations on this account's PayPal agreements."""
        core = self.world.gateways.paypal_core
        tokens = {m.payment_token_id for m in self.account(name).methods if m.kind == "paypal"}
        orders = {o.id for o in core.orders.values() if o.payment_token_id in tokens}
        return {a.id: a for a in core.authorizations.values() if a.order_id in orders}

    def card_server_errors(self, operation: str) -> list[datetime]:
        """When the card processor answered a call of `operation` with a server error (503), one
        moment per such answer, retries included."""
        log = self.world.gateways.card_core.fault_log
        return [
            moment_of(entry["at"])
            for entry in log
            if entry["operation"] == operation and "server_error" in entry["faults"]
        ]

    def paypal_captures(self, name: str) -> list[Any]:
        """Money PayPal took from this account's PayPal agreements (its own records)."""
        core = self.world.gateways.paypal_core
        tokens = {m.payment_token_id for m in self.account(name).methods if m.kind == "paypal"}
        orders = {o.id for o in core.orders.values() if o.payment_token_id in tokens}
        return [c for c in core.captures.values() if c.order_id in orders]

    def gateway_moments(self) -> dict[str, list[datetime]]:
        """When each gateway says each of its records happened (for H-1)."""
        gateways = self.world.gateways
        card, paypal = gateways.card_core, gateways.paypal_core
        return {
            "card processor": [a.created_at for a in card.authorizations.values()]
            + [c.created_at for c in card.charges.values()],
            "3D Secure server": [t.created_at for t in gateways.threeds_core.transactions.values()],
            "PayPal": [a.created_at for a in paypal.authorizations.values()]
            + [c.created_at for c in paypal.captures.values()],
        }

    # --- H-2: the same story again --------------------------------------------------------

    def replay(self, *, seed: int, transport: str, reference: bool = False) -> list[str]:
        """The event log of this scenario's story so far, told again in a fresh world (with
        the reference engine in process if `reference`, else with this world's engine)."""
        with built_world(
            self.scenario(), [], seed=seed, transport=transport, events_path=None,
            keep_events=True, engine_url=None if reference else self.engine_url,
        ) as world:  # fmt: skip
            for kind, item in self.script:
                try:
                    _apply(world, kind, item)
                except RunError:  # refused there too, and as then the story goes on
                    continue
            return list(world.log.kept)

    # --- when a step fails ----------------------------------------------------------------

    def failure_report(self, limit: int = 15) -> str:
        """The simulated time and each account's latest events, for QA reading a failure."""
        if self._world is None:
            return f"time has not started (the scenario starts at {spoken(self.start)})"
        lines = [
            f"simulated time: {spoken(self.now)} (transport {self.transport}, seed {self.seed})"
        ]
        if self.noted.get("refusal"):
            lines.append(f"last refusal: {self.noted['refusal']}")
        for key in self.drafts:
            recent = self.events(key)[-limit:]
            lines.append(f"{key}: last {len(recent)} of {len(self.events(key))} events")
            lines += [f"  {json.dumps(e, separators=(',', ':'))}" for e in recent]
        return "\n".join(lines)


#: decimal places of an hourly fee the Given steps work out (a scenario's amounts have 6 at most)
PRECISION = 6


def _decimal_reaching(amount: Fraction) -> Decimal:
    """The least decimal of PRECISION places at or above `amount` (`amount` itself when it
    has no more places)."""
    return Decimal(math.ceil(amount * 10**PRECISION)).scaleb(-PRECISION)


def _apply(world: World, kind: str, item: Any) -> None:
    """One recorded step of a story, in `world`."""
    if kind == "add":
        world.add_account(item)
    elif kind == "run":
        world.run(until=item)
    elif kind == "perform":
        key, action = item
        world.account_changing(key)
        world.perform(key, action)
        world.account_changed(key)
    elif kind == "buyer":
        email, funding_source = item
        world.gateways.add_paypal_buyer(email, funding_source=funding_source)
    elif kind == "fault":
        core = {"card": "card_core", "paypal": "paypal_core", "threeds": "threeds_core"}
        getattr(world.gateways, core[item.gateway]).faults.replace([item.to_rule()])
    else:
        raise ValueError(f"unknown story step {kind!r}")
