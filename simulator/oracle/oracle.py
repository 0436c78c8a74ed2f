"""The harness's own model of a run: fed the events as the engine tells them, it works out from
the declared usage, tax, prices and policy what the rules say should have happened, and notes
each place where the engine's word disagrees, under the rule it breaks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil
from typing import Any

from billing_engine.events import Event
from billing_engine.money import format_amount
from billing_engine.policy import Policy
from mock_gateways.card.brands import brand_of, luhn_valid
from simulator.event_json import format_time
from simulator.metering import HOUR, UsagePlan, floor_hour
from simulator.oracle.book import Book, MonthSpend, YearMonth, add_months, cents
from simulator.oracle.links import Holders
from simulator.scenario import AccountSpec, PaymentMethodEntry

#: invariant name -> the rules whose breaches it reports
CHECKS: dict[str, tuple[str, ...]] = {
    "h3_conservation": ("H-3",),
    "thresholds_honoured": ("AUTO-2", "AUTO-3"),
    "one_month_end_deduction": ("AUTO-4",),
    "month_totals": ("OV-1", "PLAN-1"),
    "amount_due": ("OV-2",),
    "methods_linked_once": ("LINK-1", "LINK-2"),
    "overdue_suspension": ("AUTO-7",),
    "payments_as_told": ("PAY-2", "PAY-3", "PAY-5"),
    "methods_linked_by_the_rules": ("CARD-3", "CARD-4", "CARD-6", "AUTO-5"),
    "plan_renewals": ("PLAN-1",),
}


def exact(value: Any) -> Fraction:
    """An amount as an event carries it (Cents, Fraction, Decimal or a decimal string)."""
    inner = getattr(value, "fraction", None)
    if isinstance(inner, Fraction):
        return inner
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        return Fraction(value)
    return Fraction(str(value))


def identity(entry: PaymentMethodEntry) -> str:
    """What LINK-1 counts as one method: a card's digits, or a PayPal payer's email."""
    if entry.card is not None:
        return "card:" + "".join(ch for ch in entry.card.number if ch.isdigit())
    assert entry.paypal is not None
    return "paypal:" + entry.paypal.email.lower()


@dataclass
class Method:
    kind: str
    identity: str
    threshold: Fraction | None


@dataclass
class Customer:
    """What the model knows of one account besides its money."""

    book: Book
    declared: list[PaymentMethodEntry]
    country: str = ""
    methods: dict[int, Method] = field(default_factory=dict)
    default: int | None = None
    status: str = "active"
    #: the instant whose events are being read, and what happened in it
    instant: datetime | None = None
    metered_now: bool = False
    settled_now: bool = False
    #: a month whose end waited for the deduction in flight (AUTO-4)
    month_end_waiting: YearMonth | None = None
    #: AUTO-7: since when fees of a failed deduction are unpaid, and the instants a grace
    #: period after each failure, when the account is due to be judged overdue
    unpaid_since: datetime | None = None
    overdue_due: list[datetime] = field(default_factory=list)
    #: PAY-3: the prepaid balance left, and what each payment under way took of it
    balance: Fraction = Fraction(0)
    from_balance: dict[str, Fraction] = field(default_factory=dict)
    #: PAY-5: when each payment under way was confirmed; a repayment waiting at 3D Secure
    confirmed: dict[str, datetime] = field(default_factory=dict)
    repay_challenged: bool = False
    #: 3DS-1, CARD-3: methods whose link went through 3D Secure
    authenticated: set[int] = field(default_factory=set)
    #: AUTO-5: PayPal checks made at an activation
    activation_checks: int = 0
    #: PLAN-1: each plan's next renewal
    renewals: dict[str, datetime] = field(default_factory=dict)
    month_end_due: YearMonth | None = None
    month_ends: set[YearMonth] = field(default_factory=set)
    closed: set[YearMonth] = field(default_factory=set)


class Oracle:
    """Feed it every event of the run in order (`observe`), then `finish`; `problems` then
    holds, per invariant, what the engine got wrong, each naming its rule, account and time.
    One problem per account and invariant: what follows a first error is its consequence."""

    def __init__(
        self,
        accounts: Iterable[AccountSpec],
        *,
        start: datetime,
        end: datetime,
        policy: Policy,
        plans: Mapping[str, UsagePlan] | None = None,
    ) -> None:
        self.start, self.end, self.policy = start, end, policy
        self.holders = Holders(policy.cooldown)
        self.customers: dict[str, Customer] = {}
        #: when a customer starts something that may ask for 3D Secure (a link, a repayment,
        #: a plan order): customer-initiated; every other charge is the merchant's (AUTO-8)
        self.customer_instants: set[datetime] = set()
        last_hour_end = floor_hour(end) if floor_hour(end) == end else floor_hour(end) + HOUR
        for spec in accounts:
            plan = (plans or {}).get(spec.id) or UsagePlan(spec.usage, start, end)
            book = Book(
                plan=plan,
                tax_rate=Fraction(spec.tax_rate or 0),
                metered_until=floor_hour(start),
                last_hour_end=last_hour_end,
            )
            declared = [entry for _, entry in spec.link_attempts(start)]
            self.customer_instants.update(at for at, _ in spec.link_attempts(start))
            self.customer_instants.update(
                action.at for action in spec.actions if action.kind in ("repay", "buy_plan")
            )
            self.customers[spec.id] = Customer(
                book, declared, country=spec.country, balance=Fraction(spec.balance or 0)
            )
        self.problems: dict[str, list[str]] = {name: [] for name in CHECKS}
        #: authorization -> (when the engine told it released, by whom)
        self.releases: dict[str, tuple[datetime, str]] = {}
        self._judged_out: set[tuple[str, str]] = set()
        self.finished = False
        #: (account, plan) -> when it was bought and how many charges it has had (PLAN-1)
        self._plan_start: dict[tuple[str, str], tuple[datetime, int]] = {}

    # --- what went wrong ------------------------------------------------------------------

    def _problem(self, check: str, rule: str, account: str, at: datetime, what: str) -> None:
        if (check, account) in self._judged_out:
            return
        self._judged_out.add((check, account))
        self.problems[check].append(f"{rule} {account} at {format_time(at)}: {what}")

    def judging(self, check: str, account: str) -> bool:
        return (check, account) not in self._judged_out

    # --- reading the run ------------------------------------------------------------------

    def observe(self, event: Event) -> None:
        customer = self.customers.get(event.account or "")
        if customer is None:
            return
        account = event.account or ""
        if customer.instant != event.at:
            if customer.instant is not None:
                self._close(account, customer)
            self._advance(account, customer, event.at)
            customer.instant = event.at
        self._apply(account, customer, event)

    def finish(self, now: datetime) -> None:
        """The run is over at `now`: judge what the last instants and the quiet hours since owe
        (once: later calls change nothing)."""
        if self.finished:
            return
        self.finished = True
        for account, customer in self.customers.items():
            if customer.instant is not None:
                self._close(account, customer)
            self._advance(account, customer, now, inclusive=True)
            customer.instant = now
            for boundary in self._month_ends(None, now + timedelta.resolution):
                if _previous(boundary) not in customer.closed:
                    self._month_end_unheard(account, customer, boundary)

    # --- time passing between two instants of an account -------------------------------

    def _month_ends(self, after: datetime | None, before: datetime) -> list[datetime]:
        first = self.start if after is None else after
        found: list[datetime] = []
        year, month = first.year, first.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            boundary = datetime(year, month, 1, tzinfo=first.tzinfo)
            if boundary >= before or boundary > self.end:
                return found
            if boundary > first:
                found.append(boundary)

    def _advance(
        self, account: str, customer: Customer, to: datetime, *, inclusive: bool = False
    ) -> None:
        """Meter the hours that end by `to`; judge the quiet instants before it (a month end
        the engine said nothing of, an hour whose fees reached the threshold unheeded)."""
        month_ends = self._month_ends(customer.instant, to)
        after = customer.instant or self.start
        dues = {due for due in customer.overdue_due if after < due < to}
        for quiet in sorted(set(month_ends) | dues):
            self._meter(account, customer, quiet)
            customer.instant = quiet
            if quiet in month_ends:
                self._month_end_unheard(account, customer, quiet)
            self._close(account, customer)
        self._meter(account, customer, to)
        if inclusive:
            self._close(account, customer)

    def _meter(self, account: str, customer: Customer, to: datetime) -> None:
        """Accrue every hour ending by `to`; an hour before `to` whose fees reached the
        threshold with nothing in flight should have started a deduction then."""
        book = customer.book
        limit = book.metering_limit(to)
        customer.metered_now = False
        while book.metering and book.metered_until < limit:
            start, hours, pretax, tax = book.next_stretch(limit)
            fee = pretax + tax
            threshold = self._threshold(customer)
            if fee and threshold is not None and self._may_deduct(customer):
                toward = book.toward_threshold
                reach = 1 if toward >= threshold else ceil((threshold - toward) / fee)
                if reach <= hours and start + reach * HOUR < to:
                    book.meter(start, reach, pretax, tax)
                    self._missed(account, customer, start + reach * HOUR)
                    continue
            book.meter(start, hours, pretax, tax)
            customer.metered_now = bool(fee) and book.metered_until == to

    def _threshold(self, customer: Customer) -> Fraction | None:
        method = None if customer.default is None else customer.methods.get(customer.default)
        return None if method is None else method.threshold

    def _may_deduct(self, customer: Customer) -> bool:
        return customer.status == "active" and not customer.book.payment_in_flight

    def _missed(self, account: str, customer: Customer, at: datetime) -> None:
        method = customer.methods[customer.default or 0]
        rule = "AUTO-2" if method.kind == "card" else "AUTO-3"
        self._problem(
            "thresholds_honoured",
            rule,
            account,
            at,
            f"fees toward the threshold reached {format_amount(customer.book.toward_threshold)}"
            f" (threshold {format_amount(method.threshold or 0)}), no deduction started",
        )

    # --- the close of one instant ---------------------------------------------------------

    def _close(self, account: str, customer: Customer) -> None:
        at, book = customer.instant, customer.book
        assert at is not None
        due = customer.month_end_due
        if due is not None:
            customer.month_end_due = None
            if due not in customer.month_ends:
                if book.payable > 0:
                    self._problem(
                        "one_month_end_deduction",
                        "AUTO-4",
                        account,
                        at,
                        f"{due[0]:04d}-{due[1]:02d} ended with {format_amount(book.payable)}"
                        " not deducted, and no deduction",
                    )
                else:
                    book.since_attempt = Fraction(0)  # an attempt with nothing to take
        threshold = self._threshold(customer)
        if (
            (customer.metered_now or customer.settled_now)
            and threshold is not None
            and self._may_deduct(customer)
            and book.toward_threshold >= threshold
        ):
            self._missed(account, customer, at)
        self._judge_overdue(account, customer, at)
        customer.metered_now = customer.settled_now = False

    def _judge_overdue(self, account: str, customer: Customer, at: datetime) -> None:
        """AUTO-7: fees of a failed deduction unpaid a grace period after it, with no payment
        whose status could still pay them, make the account overdue and suspended then."""
        if at not in customer.overdue_due:
            return
        customer.overdue_due = [due for due in customer.overdue_due if due != at]
        book, since = customer.book, customer.unpaid_since
        waiting = book.payment_in_flight or book.repaying or book.unknown_repayments
        if (
            customer.status == "active"
            and not waiting
            and book.billed > 0
            and since is not None
            and since + self.policy.overdue_grace <= at
        ):
            self._problem(
                "overdue_suspension",
                "AUTO-7",
                account,
                at,
                f"{format_amount(book.billed)} of a deduction that failed at"
                f" {format_time(since)} still unpaid, and the account not suspended",
            )

    def _note_paid(self, customer: Customer) -> None:
        """The failed fees count as paid once none is billed, nor in a payment under way."""
        book = customer.book
        repaying_billed = any(r.from_billed for r in book.repaying.values())
        if book.billed == 0 and not repaying_billed and not book.in_flight_from_billed:
            customer.unpaid_since = None

    def _month_end_unheard(self, account: str, customer: Customer, boundary: datetime) -> None:
        """A month end passed and the engine told nothing of this account then."""
        month = _previous(boundary)
        self._problem(
            "one_month_end_deduction",
            "AUTO-4",
            account,
            boundary,
            f"{month[0]:04d}-{month[1]:02d} ended and was never closed (no month.closed)",
        )

    # --- one event ------------------------------------------------------------------------

    def _apply(self, account: str, customer: Customer, event: Event) -> None:
        kind, fields = event.type, event.fields
        book = customer.book
        if kind == "payment_method.linked":
            self._linked(account, customer, event)
        elif kind == "payment_method.link_rejected":
            self._link_rejected(account, customer, event)
        elif kind == "payment_method.unlinked":
            method = int(fields.get("method", -1))
            self.holders.unlink(account, method)
            customer.methods.pop(method, None)
        elif kind == "payment_method.default_changed":
            chosen = fields.get("method")
            customer.default = None if chosen is None else int(chosen)
        elif kind == "account.deactivated":
            customer.status = "deactivated"
            book.stop_metering()
            self.holders.deactivate(account, event.at)
        elif kind == "account.overdue":
            self._overdue(account, customer, event.at)
        elif kind == "account.suspended":
            customer.status = "suspended"
            book.stop_metering()
        elif kind == "account.resumed":
            if cents(book.outstanding) > 0:
                self._problem(
                    "overdue_suspension",
                    "AUTO-7",
                    account,
                    event.at,
                    f"resumed with {format_amount(book.outstanding)} outstanding",
                )
            customer.status = "active"
            book.resume_metering(event.at)
        elif kind == "product.activation_refused":
            book.plan = book.plan.without(str(fields.get("product")))
        elif kind == "threeds.completed" or kind == "threeds.challenged":
            self._threeds(customer, event)
        elif kind == "preauth.authorized":
            self._activation_check(account, customer, event)
        elif kind.startswith("deduction."):
            self._deduction(account, customer, event)
        elif kind.startswith("repayment."):
            self._repayment(account, customer, event)
        elif kind in ("plan.purchased", "plan.renewed"):
            self._plan_charge(account, customer, event)
        elif kind == "month.closed":
            self._month_closed(account, customer, event)
        elif kind == "preauth.released":
            auth = str(fields.get("authorization"))
            self.releases[auth] = (event.at, str(fields.get("by")))

    def _linked(self, account: str, customer: Customer, event: Event) -> None:
        method = int(event.fields.get("method", -1))
        if not 0 <= method < len(customer.declared):
            return
        entry = customer.declared[method]
        who = identity(entry)
        held = self.holders.holder(who, event.at)
        if held is not None and held[0].account != account:
            rule = "LINK-2" if held[1] else "LINK-1"
            state = "in its cool-down" if held[1] else "active"
            self._problem(
                "methods_linked_once",
                rule,
                account,
                event.at,
                f"method {method} linked while account {held[0].account} ({state}) holds it",
            )
        broken = self._card_rules(account, customer, event, method)
        if broken is not None:
            rule, what = broken.split(": ", 1)
            self._problem("methods_linked_by_the_rules", rule, account, event.at, what)
        self.holders.link(who, account, method)
        if entry.card is not None:
            threshold: Fraction | None = self.policy.card_threshold
        else:
            assert entry.paypal is not None
            given = entry.paypal.threshold
            threshold = self.policy.paypal_threshold_default if given is None else Fraction(given)
        customer.methods[method] = Method(
            "card" if entry.card is not None else "paypal", who, threshold
        )
        if event.fields.get("default"):
            customer.default = method

    def _threeds(self, customer: Customer, event: Event) -> None:
        fields = event.fields
        if "repayment" in fields and event.type == "threeds.challenged":
            customer.repay_challenged = True
        elif "repayment" not in fields and "plan" not in fields and "method" in fields:
            customer.authenticated.add(int(fields["method"]))

    def _activation_check(self, account: str, customer: Customer, event: Event) -> None:
        """AUTO-5: a PayPal check of a method already linked is an activation's: the first
        activation makes one, later ones none."""
        method = customer.methods.get(int(event.fields.get("method", -1)))
        if method is None or method.kind != "paypal":
            return
        customer.activation_checks += 1
        if customer.activation_checks > 1:
            self._problem(
                "methods_linked_by_the_rules",
                "AUTO-5",
                account,
                event.at,
                "a second USD 1.00 PayPal check at a later activation",
            )

    def _card_rules(
        self, account: str, customer: Customer, event: Event, method: int
    ) -> str | None:
        """What CARD-3/4/6 say against this link, as (rule: what) text, or None."""
        entry = customer.declared[method]
        if entry.card is not None:
            card, at = entry.card, event.at
            digits = "".join(ch for ch in card.number if ch.isdigit())
            brand = brand_of(digits)
            month, year = (int(part) for part in card.exp.split("/"))
            if (2000 + year, month) <= (at.year, at.month):
                return "CARD-4: a card that expires this month or earlier was linked"
            if brand is None or not luhn_valid(digits) or len(digits) not in brand.lengths:
                return "CARD-4: a card number no brand accepts was linked"
            if len(card.cvv) != brand.cvv_length:
                return f"CARD-4: a {brand.name} card linked with a {len(card.cvv)}-digit CVV"
            required = customer.country in self.policy.threeds_required_countries
            if required and method not in customer.authenticated:
                return f"CARD-3: a card linked in {customer.country} without 3D Secure"
        first = customer.default is None
        if bool(event.fields.get("default")) != first:
            if first:
                return f"CARD-6: method {method} linked to an account with no default, not as it"
            return f"CARD-6: method {method} made the default at its link, though one was set"
        return None

    def _link_rejected(self, account: str, customer: Customer, event: Event) -> None:
        if event.fields.get("reason") != "already_linked":
            return
        method = int(event.fields.get("method", -1))
        if not 0 <= method < len(customer.declared):
            return
        who = identity(customer.declared[method])
        if self.holders.holder(who, event.at) is None:
            self._problem(
                "methods_linked_once",
                "LINK-1",
                account,
                event.at,
                f"method {method} refused as already linked, though no account holds it",
            )

    def _deduction(self, account: str, customer: Customer, event: Event) -> None:
        kind, fields, book = event.type, event.fields, customer.book
        deduction = str(fields.get("deduction"))
        if kind == "deduction.initiated":
            self._initiated(account, customer, event, deduction)
            return
        if kind == "deduction.unknown":
            book.deduction_unknown(deduction)
            return
        outcome = fields.get("outcome") if kind == "deduction.reconciled" else kind.split(".")[1]
        if outcome not in ("succeeded", "failed"):
            return
        if kind != "deduction.reconciled":
            self._on_time(account, customer, event, deduction)
        self._balance_told(account, event, customer.from_balance.get(deduction, Fraction(0)))
        self._give_back(customer, deduction, paid=outcome == "succeeded")
        book.settle_deduction(deduction, paid=outcome == "succeeded")
        if outcome == "failed":
            if customer.unpaid_since is None:
                customer.unpaid_since = event.at
            customer.overdue_due.append(event.at + self.policy.overdue_grace)
        self._settled(customer)

    def _overdue(self, account: str, customer: Customer, at: datetime) -> None:
        since, book = customer.unpaid_since, customer.book
        if since is None or book.billed <= 0 or since + self.policy.overdue_grace > at:
            shown = (
                "no failed deduction unpaid"
                if since is None
                else f"unpaid since {format_time(since)}"
            )
            self._problem(
                "overdue_suspension",
                "AUTO-7",
                account,
                at,
                f"overdue with {format_amount(book.billed)} of failed fees, {shown}",
            )
        customer.status = "overdue"

    def _settled(self, customer: Customer) -> None:
        """A payment's status came: what waited for it may run now (AUTO-4, AUTO-2/3, AUTO-7)."""
        self._note_paid(customer)
        customer.settled_now = True
        if customer.month_end_waiting is not None and not customer.book.payment_in_flight:
            customer.month_end_due, customer.month_end_waiting = customer.month_end_waiting, None

    def _initiated(self, account: str, customer: Customer, event: Event, deduction: str) -> None:
        book, trigger = customer.book, event.fields.get("trigger")
        claimed = exact(event.fields.get("amount", 0))
        expected = book.payable
        threshold = self._threshold(customer)
        method = None if customer.default is None else customer.methods.get(customer.default)
        rule = "AUTO-3" if method is not None and method.kind == "paypal" else "AUTO-2"
        if trigger == "threshold":
            if threshold is None or book.toward_threshold < threshold:
                shown = "no threshold" if threshold is None else format_amount(threshold)
                self._problem(
                    "thresholds_honoured",
                    rule,
                    account,
                    event.at,
                    f"threshold deduction with {format_amount(book.toward_threshold)} toward"
                    f" the threshold ({shown})",
                )
        else:
            rule = "AUTO-4"
            month = customer.month_end_due or _previous(event.at)
            if month in customer.month_ends:
                self._problem(
                    "one_month_end_deduction",
                    rule,
                    account,
                    event.at,
                    f"a second month-end deduction for {month[0]:04d}-{month[1]:02d}",
                )
            customer.month_ends.add(month)
            if customer.month_end_due == month:
                customer.month_end_due = None
        if claimed != expected or not expected:
            check = "thresholds_honoured" if trigger == "threshold" else "one_month_end_deduction"
            self._problem(
                check,
                rule,
                account,
                event.at,
                f"deduction of {format_amount(claimed)} where "
                + (f"{format_amount(expected)} was payable" if expected else "nothing was payable"),
            )
        taken = min(customer.balance, claimed)
        customer.balance -= taken
        customer.from_balance[deduction] = taken
        customer.confirmed[deduction] = event.at
        book.start_deduction(deduction)
        if claimed and deduction not in book.in_flight:  # the engine took what we thought 0
            book.in_flight[deduction] = claimed

    def _repayment(self, account: str, customer: Customer, event: Event) -> None:
        kind, fields, book = event.type, event.fields, customer.book
        repayment = str(fields.get("repayment"))
        amount = exact(fields.get("amount", 0))
        if kind == "repayment.submitted":
            self._submitted(account, customer, event, repayment, amount)
        elif kind == "repayment.rejected":
            self._repayment_rejected(account, customer, event, amount)
        elif kind == "repayment.unknown":
            book.repayment_unknown(repayment)
        elif kind in ("repayment.settled", "repayment.reconciled"):
            paid = fields.get("status") == "paid"
            if kind == "repayment.settled":
                self._on_time(account, customer, event, repayment)
            book.settle_repayment(repayment, paid=paid)
            self._give_back(customer, repayment, paid=paid)
            self._settled(customer)

    def _submitted(
        self, account: str, customer: Customer, event: Event, repayment: str, amount: Fraction
    ) -> None:
        """PAY-2: 0 < amount <= what is payable; PAY-3: the balance first; PAY-5: one at a
        time."""
        book, at = customer.book, event.at
        if book.repaying:
            self._problem(
                "payments_as_told", "PAY-5", account, at, "a second repayment while one is pending"
            )
        elif not 0 < amount <= book.payable and not customer.repay_challenged:
            self._problem(
                "payments_as_told",
                "PAY-2",
                account,
                at,
                f"repayment of {format_amount(amount)} taken with {format_amount(book.payable)}"
                " payable",
            )
        customer.repay_challenged = False
        self._take_balance(account, customer, event, repayment, amount)
        customer.confirmed[repayment] = at
        book.start_repayment(repayment, amount)

    def _repayment_rejected(
        self, account: str, customer: Customer, event: Event, amount: Fraction
    ) -> None:
        reason, book = event.fields.get("reason"), customer.book
        customer.repay_challenged = False
        if reason == "invalid_amount" and 0 < amount <= book.payable and amount == cents(amount):
            self._problem(
                "payments_as_told",
                "PAY-2",
                account,
                event.at,
                f"repayment of {format_amount(amount)} refused as invalid with"
                f" {format_amount(book.payable)} payable",
            )
        elif reason == "payment_pending" and not book.repaying:
            self._problem(
                "payments_as_told",
                "PAY-5",
                account,
                event.at,
                "repayment refused as pending, though none was",
            )

    def _take_balance(
        self, account: str, customer: Customer, event: Event, payment: str, amount: Fraction
    ) -> None:
        """PAY-3: a payment takes the prepaid balance first; told where the event says."""
        taken = min(customer.balance, amount)
        customer.balance -= taken
        customer.from_balance[payment] = taken
        self._balance_told(account, event, taken)

    def _balance_told(self, account: str, event: Event, taken: Fraction) -> None:
        """PAY-3: what the event says the payment took of the balance, where it says it."""
        said = event.fields.get("from_balance")
        if said is not None and exact(said) != taken:
            self._problem(
                "payments_as_told",
                "PAY-3",
                account,
                event.at,
                f"{format_amount(exact(said))} taken from the balance, expected"
                f" {format_amount(taken)}",
            )

    def _give_back(self, customer: Customer, payment: str, *, paid: bool) -> None:
        """A failed payment gives its part of the balance back."""
        taken = customer.from_balance.pop(payment, Fraction(0))
        customer.confirmed.pop(payment, None)
        if not paid:
            customer.balance += taken

    def _on_time(self, account: str, customer: Customer, event: Event, payment: str) -> None:
        """PAY-5: a payment's status updates a settlement delay after it was confirmed."""
        confirmed = customer.confirmed.get(payment)
        due = None if confirmed is None else confirmed + self.policy.settlement_delay
        if due is not None and event.at != due:
            self._problem(
                "payments_as_told",
                "PAY-5",
                account,
                event.at,
                f"status of a payment confirmed at {format_time(confirmed or due)} updated"
                f" at {format_time(event.at)}, due at {format_time(due)}",
            )

    def _plan_charge(self, account: str, customer: Customer, event: Event) -> None:
        plan = str(event.fields.get("plan"))
        price = self.policy.plan_prices.get(plan)
        claimed = exact(event.fields.get("amount", 0))
        if price is not None and cents(price) != claimed:
            self._problem(
                "month_totals",
                "PLAN-1",
                account,
                event.at,
                f"Coding Plan {plan} charged {format_amount(claimed)}, its price is"
                f" {format_amount(price)}",
            )
        customer.book.plan_charge(event.at, claimed if price is None else cents(price))
        due = customer.renewals.get(plan)
        if event.type == "plan.renewed" and due is not None and due != event.at:
            self._problem(
                "plan_renewals",
                "PLAN-1",
                account,
                event.at,
                f"Coding Plan {plan} renewed at {format_time(event.at)}, due at {format_time(due)}",
            )
        started, count = self._plan_start.get((account, plan), (event.at, 0))
        if event.type == "plan.purchased":
            started, count = event.at, 0
        count += 1
        self._plan_start[(account, plan)] = (started, count)
        customer.renewals[plan] = add_months(started, count)

    def _month_closed(self, account: str, customer: Customer, event: Event) -> None:
        fields, book = event.fields, customer.book
        month = (int(fields.get("year", 0)), int(fields.get("month", 0)))
        shown = {name: fields.get(name, 0) for name in SPEND_FIGURES}
        differs = _spend_difference(book.months.get(month), shown)
        if differs is not None:
            name, got, value = differs
            self._problem(
                "month_totals",
                "OV-1",
                account,
                event.at,
                f"{month[0]:04d}-{month[1]:02d} {name} {format_amount(got)}, expected"
                f" {format_amount(value)}",
            )
        outstanding = fields.get("outstanding")
        if outstanding is not None and cents(exact(outstanding)) != cents(book.outstanding):
            self._problem(
                "amount_due",
                "OV-2",
                account,
                event.at,
                f"outstanding at the close of {month[0]:04d}-{month[1]:02d}"
                f" {format_amount(exact(outstanding))}, expected {format_amount(book.outstanding)}",
            )
        customer.closed.add(month)
        if month in customer.month_ends:
            return
        if book.payment_in_flight:
            customer.month_end_waiting = month
        else:
            customer.month_end_due = month

    # --- the figures the engine shows at the end ------------------------------------------

    def _check_days(self, shown: Mapping[date, Fraction]) -> None:
        """The fees of each UTC day, all accounts, as the engine counts them (fees_by_day)."""
        expected: dict[date, Fraction] = {}
        for customer in self.customers.values():
            for day, fees in customer.book.days.items():
                expected[day] = expected.get(day, Fraction(0)) + fees
        for day in sorted(set(expected) | set(shown)):
            want, got = expected.get(day, Fraction(0)), exact(shown.get(day, 0))
            if cents(want) != cents(got):
                self._problem(
                    "h3_conservation",
                    "H-3",
                    "(run)",
                    self.end,
                    f"fees of {day.isoformat()} {format_amount(got)}, the usage makes"
                    f" {format_amount(want)}",
                )
                return

    def check_figures(
        self, accounts: Mapping[str, Mapping[str, Any]], days: Mapping[date, Fraction] | None = None
    ) -> None:
        """summary.json's figures as the engine gave them, against the model's (OV-1, OV-2,
        and H-3 for the fees of each day)."""
        if days is not None:
            self._check_days(days)
        for account, shown in accounts.items():
            customer = self.customers.get(account)
            if customer is None:
                continue
            book = customer.book
            due = shown.get("total_amount_due")
            if due is not None and cents(exact(due)) != cents(book.outstanding):
                self._problem(
                    "amount_due",
                    "OV-2",
                    account,
                    self.end,
                    f"Total Amount Due {due}, expected {format_amount(book.outstanding)}",
                )
            for key, figures in (shown.get("months") or {}).items():
                year, month = map(int, key.split("-"))
                differs = _spend_difference(book.months.get((year, month)), figures)
                if differs is not None:
                    name, got, value = differs
                    self._problem(
                        "month_totals",
                        "OV-1",
                        account,
                        self.end,
                        f"Total Spend {key} {name} {format_amount(got)}, expected"
                        f" {format_amount(value)}",
                    )


#: the Total Spend figures OV-1 shows for a month
SPEND_FIGURES = ("pretax", "tax", "total")


def _spend_difference(
    spend: MonthSpend | None, shown: Mapping[str, Any]
) -> tuple[str, Fraction, Fraction] | None:
    """The first Total Spend figure `shown` gives that is not the model's to the cent, as
    (name, shown, expected); a figure not shown is not judged."""
    for name in SPEND_FIGURES:
        value = getattr(spend, name) if spend else Fraction(0)
        got = shown.get(name)
        if got is not None and cents(exact(got)) != cents(value):
            return name, exact(got), value
    return None


def _previous(at: datetime) -> YearMonth:
    return (at.year - 1, 12) if at.month == 1 else (at.year, at.month - 1)


def judge_log(scenario: Any, records: Iterable[Mapping[str, Any]]) -> Oracle:
    """The oracle's verdict on a written event log (events.jsonl's records) of a scenario's
    run: what `run` judges as it goes, done again afterwards on any log."""
    from simulator.driver.wire import event_from_record

    oracle = Oracle(
        scenario.accounts, start=scenario.start, end=scenario.end, policy=scenario.make_policy()
    )
    last = scenario.start
    for record in records:
        if record.get("type") == "run.started":
            continue
        event = event_from_record(dict(record))
        oracle.observe(event)
        last = max(last, event.at)
    oracle.finish(last)
    return oracle
