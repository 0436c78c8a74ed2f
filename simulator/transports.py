"""The three mock gateways of a run behind one transport switch (DESIGN.md): `direct` calls the
cores in process, `wsgi` speaks HTTP to the Flask apps through httpx's WSGITransport, `http`
serves them on 127.0.0.1 and speaks over sockets. Same engine code, same results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, cast

import httpx

from billing_engine.adapters.card import CardAdapter, HttpCardGateway
from billing_engine.adapters.http_client import InProcessTransport
from billing_engine.adapters.paypal import HttpPayPalGateway, PayPalAdapter
from billing_engine.adapters.threeds import HttpThreeDSGateway, ThreeDSAdapter
from billing_engine.ports import CardGateway, Clock, PayPalGateway, ThreeDSGateway
from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.card.inprocess import card_handler
from mock_gateways.common.app import SIM_TIME_HEADER, core_of
from mock_gateways.common.calls import Call
from mock_gateways.common.clock import SimClock as GatewayClock
from mock_gateways.common.errors import GatewayError
from mock_gateways.common.faults import FaultDecision, FaultPlan
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.customer import BrowserBuyer, DirectBuyer
from mock_gateways.paypal.inprocess import paypal_handler
from mock_gateways.paypal.model import email_key
from mock_gateways.serve import start_gateways
from mock_gateways.threeds.app import create_app as create_threeds_app
from mock_gateways.threeds.core import ThreeDSServer
from mock_gateways.threeds.customer import BrowserCustomer, DirectCustomer
from mock_gateways.threeds.inprocess import threeds_handler
from simulator.charges import Take
from simulator.driver.connections import GATEWAY_TIMEOUT, gateway_adapters, shared_tls
from simulator.engine_port import LinkAnswer, PaymentAnswer

Transport = Literal["direct", "wsgi", "http"]
HoldState = Literal["held", "released", "voided", "captured"]


@dataclass
class Browser:
    """What the customer's browser does at the bank's challenge page and PayPal's approval page."""

    challenges: DirectCustomer | BrowserCustomer
    approvals: DirectBuyer | BrowserBuyer

    def answer_challenge(self, outcome: LinkAnswer | PaymentAnswer, *, passed: bool) -> None:
        assert outcome.acs_url is not None
        self.challenges.act(outcome.acs_url, "pass" if passed else "fail")

    def answer_paypal(self, outcome: LinkAnswer, *, email: str, approve: bool) -> None:
        assert outcome.approve_url is not None
        self.approvals.act(outcome.approve_url, email, "approve" if approve else "cancel")


@dataclass
class Gateways:
    """The engine's three adapters, the customer's browser, and the cores behind them (always
    in this process, so the harness administers them directly)."""

    cards: CardGateway
    threeds: ThreeDSGateway
    paypal: PayPalGateway
    browser: Browser
    card_core: CardProcessor
    threeds_core: ThreeDSServer
    paypal_core: PayPalCore
    urls: dict[str, str] = field(default_factory=dict)
    #: gateway -> the place in the scenario's `faults:` of each of its rules
    fault_sources: dict[str, list[int]] = field(default_factory=dict)

    def add_paypal_buyer(self, email: str, *, funding_source: bool) -> None:
        try:
            self.paypal_core.add_buyer(email, funding_source=funding_source)
        except GatewayError as exists:
            if exists.code != "buyer_exists":
                raise

    def install_faults(self, faults: Iterable[Any], *, start: datetime) -> None:
        """Scenario faults into each gateway's fault plan (seeded by the gateway); with any,
        each plan also counts whom its firings hit (`fault_firings`)."""
        by_gateway: dict[str, list[dict[str, Any]]] = {"card": [], "threeds": [], "paypal": []}
        self.fault_sources = {name: [] for name in by_gateway}
        for index, fault in enumerate(faults):
            by_gateway[fault.gateway].append(fault.to_rule())
            self.fault_sources[fault.gateway].append(index)
        counting = any(by_gateway.values())
        for name, core in self._cores().items():
            if counting:
                core.faults = SubjectCountingPlan(operations=core.faults.operations)
            core.faults.replace(by_gateway[name])

    def fault_firings(self, accounts: Iterable[Any]) -> Counter[tuple[int, str]]:
        """(the scenario fault's place in its `faults:`, the account hit) -> attempts it hit,
        from the gateways' own counts: the account is the one whose card or PayPal payer the
        call was about (accounts sharing a card are named together, `a+b`; a call about no
        known customer is `-`). Empty when the scenario has no faults."""
        owners: dict[str, set[str]] = {}
        for spec in accounts:
            for _, entry in spec.link_attempts(datetime.min):
                for subject in self._subjects(entry):
                    owners.setdefault(subject, set()).add(spec.id)
        fired: Counter[tuple[int, str]] = Counter()
        for name, core in self._cores().items():
            plan = core.faults
            if not isinstance(plan, SubjectCountingPlan):
                continue
            sources = self.fault_sources.get(name, [])
            for (index, subject), count in plan.by_subject.items():
                if index >= len(sources):  # rules put in since, not the scenario's
                    continue
                whom = "+".join(sorted(owners.get(subject, ()))) or "-"
                fired[(sources[index], whom)] += count
        return fired

    def _subjects(self, entry: Any) -> list[str]:
        """What the gateways call this payment method's customer: the card's fingerprint (of
        its digits as the processor reads them) or the PayPal payer's id."""
        if entry.card is not None:
            number = entry.card.number
            digits = {
                number.replace(" ", "").replace("-", ""),
                "".join(filter(str.isdigit, number)),
            }
            return [self.card_core.fingerprint(d) for d in digits]
        buyer = self.paypal_core.buyers.get(email_key(entry.paypal.email))
        return [] if buyer is None else [buyer.payer_id]

    def _cores(self) -> dict[str, Any]:
        return {"card": self.card_core, "threeds": self.threeds_core, "paypal": self.paypal_core}

    def money_taken(self) -> dict[str, Fraction]:
        """What the card processor and PayPal kept: charges less refunds, captures."""
        card = sum(
            (Fraction(c.amount - c.refunded) for c in self.card_core.charges.values()), Fraction(0)
        )
        paypal = sum((Fraction(c.amount) for c in self.paypal_core.captures.values()), Fraction(0))
        return {"card": card, "paypal": paypal}

    def taken_under(self, kind: str, key: str) -> Fraction:
        """What the card processor or PayPal took with the charge made under this idempotency
        key (0 if it made none or it was declined), read past the fault plan: the harness asks,
        not the engine."""
        core = self.card_core if kind == "card" else self.paypal_core
        with core.lock:
            rules, core.faults.rules = core.faults.rules, []
            try:
                found = core.lookup(key)
            except GatewayError:
                return Fraction(0)
            finally:
                core.faults.rules = rules
        if found["status"] >= 300:
            return Fraction(0)
        body = found["body"]
        if kind == "card":
            return Fraction(Decimal(body["amount"]))
        capture = body["purchase_units"][0]["payments"]["captures"][0]
        completed = capture["status"] == "COMPLETED"
        return Fraction(Decimal(capture["amount"]["value"])) if completed else Fraction(0)

    def takes(self, accounts: Iterable[Any]) -> list[Take]:
        """Every charge the card processor and PayPal kept (charges less refunds, completed
        captures), with the accounts whose card or payer it was and its idempotency key."""
        owners: dict[str, set[str]] = {}
        for spec in accounts:
            for _, entry in spec.link_attempts(datetime.min):
                for subject in self._subjects(entry):
                    owners.setdefault(subject, set()).add(spec.id)
        found = []
        keys = _keys_by_payment(self.card_core)
        for charge in self.card_core.charges.values():
            whose = frozenset(owners.get(charge.card.fingerprint, ()))
            taken = Fraction(charge.amount - charge.refunded)
            if taken:  # refunded whole: nothing kept
                key = keys.get(charge.id, "?")
                found.append(Take("card", whose, key, taken, charge.created_at))
        paypal = self.paypal_core
        keys = _keys_by_payment(paypal)
        for capture in paypal.captures.values():
            if capture.status != "COMPLETED":
                continue
            order = paypal.orders.get(capture.order_id)
            token = paypal.payment_tokens.get(order.payment_token_id or "") if order else None
            buyer = paypal.buyers.get(token.buyer_email) if token else None
            whose = frozenset(owners.get(buyer.payer_id, ())) if buyer else frozenset()
            key = keys.get(capture.id) or keys.get(capture.order_id, "?")
            found.append(Take("paypal", whose, key, Fraction(capture.amount), capture.created_at))
        return found

    def hold_state(self, kind: str, authorization_id: str) -> tuple[HoldState, datetime | None]:
        """A verification hold as its gateway sees it now, with its release time (cards)."""
        if kind == "card":
            auth = self.card_core.authorizations[authorization_id]
            return auth.status_at(self.card_core.now()), auth.release_at  # type: ignore[return-value]
        paypal = self.paypal_core.authorizations[authorization_id]
        status = paypal.status(self.paypal_core.now())
        return _PAYPAL_HOLD.get(status, "held"), paypal.expiration_time


_PAYPAL_HOLD: dict[str, HoldState] = {
    "VOIDED": "voided",
    "EXPIRED": "released",
    "CAPTURED": "captured",
    "PARTIALLY_CAPTURED": "captured",
}


@dataclass
class SubjectCountingPlan(FaultPlan):
    """A gateway's fault plan that also counts, per rule, the subject (card fingerprint or
    payer id) of each call it hit, so a run can say at whom its faults fired."""

    by_subject: Counter[tuple[int, str]] = field(default_factory=Counter)

    def decide(self, seed: int, call: Call, now: datetime) -> FaultDecision:
        before = dict(self.fired_counts)  # the few rules' counts: which of them fire here
        decision = super().decide(seed, call, now)
        if decision.fired:
            for index, count in self.fired_counts.items():
                if count != before.get(index, 0):
                    self.by_subject[(index, call.subject)] += 1
        return decision

    def replace(self, raw_rules: object) -> None:
        super().replace(raw_rules)
        self.by_subject = Counter()


def _keys_by_payment(core: Any) -> dict[str, str]:
    """Payment id -> the idempotency key that made it, from the in-process mock's own store
    (the harness administers its cores directly, as `taken_under` does)."""
    # no API of the mock lists its keys; its store keeps (operation, ..., payment id, subject)
    payments = core._store._payments
    return {entry[3]: key for key, entry in payments.items() if isinstance(entry[3], str)}


def _stamped_client(clock: Clock, **options: Any) -> httpx.Client:
    """A browser client whose requests carry the simulated time, like the adapters'."""

    def stamp(request: httpx.Request) -> None:
        request.headers[SIM_TIME_HEADER] = clock.now().isoformat()

    return httpx.Client(event_hooks={"request": [stamp]}, **options)


@contextmanager
def open_gateways(transport: str, *, clock: Clock, seed: int) -> Iterator[Gateways]:
    """The gateways of one run; closed (servers stopped) on the way out, also on errors."""
    with ExitStack() as stack:
        if transport == "direct":
            card = CardProcessor(clock=clock, seed=seed)
            threeds = ThreeDSServer(clock=clock, seed=seed, cards=card)
            paypal = PayPalCore(clock=clock, seed=seed)
            yield Gateways(
                cards=CardAdapter(InProcessTransport(card_handler(card))),
                threeds=ThreeDSAdapter(InProcessTransport(threeds_handler(threeds))),
                paypal=PayPalAdapter(InProcessTransport(paypal_handler(paypal))),
                browser=Browser(DirectCustomer(threeds), DirectBuyer(paypal)),
                card_core=card,
                threeds_core=threeds,
                paypal_core=paypal,
            )
            return
        if transport == "wsgi":
            gateway_clock = GatewayClock(clock.now())
            card = CardProcessor(clock=gateway_clock, seed=seed)
            apps = {
                "card": create_card_app(card),
                "threeds": create_threeds_app(seed=seed, clock=gateway_clock, cards=card),
                "paypal": create_paypal_app(seed=seed, clock=gateway_clock),
            }
            adapters: dict[str, Any] = {
                "card": HttpCardGateway.over_wsgi(apps["card"], clock=clock),
                "threeds": HttpThreeDSGateway.over_wsgi(apps["threeds"], clock=clock),
                "paypal": HttpPayPalGateway.over_wsgi(apps["paypal"], clock=clock),
            }
            browsers = {
                name: stack.enter_context(
                    _stamped_client(clock, transport=httpx.WSGITransport(app=apps[name]))
                )
                for name in ("threeds", "paypal")
            }
            urls: dict[str, str] = {}
        elif transport == "http":
            servers = stack.enter_context(
                start_gateways(seed=seed, clock=GatewayClock(clock.now()))
            )
            apps = servers.apps
            urls = servers.urls
            adapters = {
                name: adapter
                for name, adapter in zip(
                    ("card", "threeds", "paypal"), gateway_adapters(urls, clock=clock), strict=True
                )
            }
            browsers = {
                name: stack.enter_context(
                    _stamped_client(clock, timeout=GATEWAY_TIMEOUT, verify=shared_tls())
                )
                for name in ("threeds", "paypal")
            }
        else:
            raise ValueError(f"transport must be direct, wsgi or http, not {transport!r}")
        for adapter in adapters.values():
            stack.callback(adapter.transport.close)
        yield Gateways(
            cards=adapters["card"],
            threeds=adapters["threeds"],
            paypal=adapters["paypal"],
            browser=Browser(BrowserCustomer(browsers["threeds"]), BrowserBuyer(browsers["paypal"])),
            card_core=cast(CardProcessor, core_of(apps["card"])),
            threeds_core=cast(ThreeDSServer, core_of(apps["threeds"])),
            paypal_core=cast(PayPalCore, core_of(apps["paypal"])),
            urls=urls,
        )
