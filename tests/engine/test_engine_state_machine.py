"""A hypothesis state machine interleaving usage, links, failing and succeeding deductions,
repayments, plans, month ends and deactivations, checking the money invariants after every step:
H-3 conservation, Total Amount Due never negative (OV-2), never two deductions in flight
(PAY-5), one month-end deduction per account per month (AUTO-4), and no fees since the last
attempt at or over the threshold without a deduction initiated (AUTO-2/3)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime
from fractions import Fraction

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from billing_engine.domain.months import HOUR, next_month_start
from billing_engine.errors import PaymentRefused
from billing_engine.money import round_cents

from .conftest import MASTERCARD, VISA, card, make_world

ACCOUNTS = ("acme", "beta", "gamma")
CARDS = (VISA, MASTERCARD, "378282246310005", "2223003122003222", "6011111111111117")
PAYERS = ("P1", "P2", "P3", "P4")
accounts = st.sampled_from(ACCOUNTS)
cents = st.integers(0, 150_000).map(lambda c: Fraction(c, 100))
#: hourly pretax rates with sub-cent digits, so rounding carries happen
rates = st.integers(0, 400_000).map(lambda m: Fraction(m, 1000))


class BillingMachine(RuleBasedStateMachine):
    @initialize(
        tax_rates=st.lists(st.sampled_from(["0", "0.06", "0.0825", "0.2"]), min_size=3, max_size=3),
        balances=st.lists(st.sampled_from(["0", "0", "25.00", "1500.00"]), min_size=3, max_size=3),
    )
    def open_accounts(self, tax_rates, balances) -> None:
        self.world = make_world(start=datetime(2026, 1, 27, tzinfo=UTC))
        self.engine = self.world.engine
        self.expected_fees = dict.fromkeys(ACCOUNTS, Fraction(0))
        for account, tax, balance in zip(ACCOUNTS, tax_rates, balances, strict=True):
            self.world.open(account, tax_rate=tax, balance=balance)
            self.engine.activate_product(account, "qwen-max")

    def _active(self, account: str) -> bool:
        return not self.engine.account(account).is_deactivated

    # --- customer and world actions -------------------------------------------------------

    @rule(
        hours=st.integers(1, 24 * 12),
        rates=st.lists(rates, min_size=len(ACCOUNTS), max_size=len(ACCOUNTS)),
    )
    def run(self, hours, rates) -> None:
        """Time passes with usage at these hourly rates, metered in batches that end at month
        boundaries and at the hour an account reaches its threshold, as the simulator does."""
        time = self.world.time
        while hours > 0:
            now = time.now()
            batch = min(hours, int((next_month_start(now) - now) / HOUR) or hours)
            for account, rate in zip(ACCOUNTS, rates, strict=True):
                batch = min(batch, self.engine.hours_until_threshold(account, rate) or batch)
            time.advance_to(now + batch * HOUR, run_due=False)
            for account, rate in zip(ACCOUNTS, rates, strict=True):
                self.use(account, batch, rate)
            time.advance_to(time.now())
            hours -= batch

    @rule(account=accounts, hours=st.integers(1, 72), rate=rates)
    def use(self, account, hours, rate) -> None:
        acct = self.engine.account(account)
        if acct.is_metering:
            self.expected_fees[account] += hours * rate * (1 + acct.tax_rate)
        self.engine.record_usage(account, "qwen-max", hours=hours, pretax_per_hour=rate)

    @rule(minutes=st.integers(1, 60 * 24 * 12))
    def advance(self, minutes) -> None:
        self.world.time.advance(minutes=minutes)

    @rule(
        account=accounts,
        number=st.sampled_from(CARDS),
        threeds=st.sampled_from(["Y", "pass", "fail", "abandon"]),
    )
    def link_card(self, account, number, threeds) -> None:
        if not self._active(account):
            return
        self.world.threeds.status = "Y" if threeds == "Y" else "C"
        self.world.threeds.final_status = {"pass": "Y", "fail": "N"}.get(threeds, "C")
        cvv = "1234" if number.startswith("37") else "123"
        outcome = self.engine.link_card(account, card(number, cvv=cvv))
        if outcome.status == "challenge" and threeds != "abandon":
            outcome = self.engine.complete_threeds(account, outcome.method_id)
        assert outcome.status in ("linked", "rejected", "challenge")

    @rule(
        account=accounts,
        payer=st.sampled_from(PAYERS),
        threshold=st.integers(8, 500),
    )
    def link_paypal(self, account, payer, threshold) -> None:
        if self._active(account):
            assert self.world.link_paypal(account, threshold, payer).status in (
                "linked",
                "rejected",
            )

    @rule(account=accounts, index=st.integers(0, 5))
    def unlink(self, account, index) -> None:
        methods = self.engine.account(account).methods
        if index < len(methods) and methods[index].status in ("active", "pending"):
            self.engine.unlink(account, index)

    @rule(account=accounts, index=st.integers(0, 5))
    def set_default(self, account, index) -> None:
        methods = self.engine.account(account).methods
        if self._active(account) and index < len(methods) and methods[index].status == "active":
            self.engine.set_default(account, index)

    @rule(
        card_reason=st.sampled_from([None, "insufficient_funds", "declined"]),
        paypal_reason=st.sampled_from([None, "declined"]),
    )
    def gateways_change(self, card_reason, paypal_reason) -> None:
        self.world.cards.charge_reason = card_reason
        self.world.paypal.charge_reason = paypal_reason

    @rule(
        account=accounts,
        amount=st.one_of(st.just("all"), st.integers(1, 100), cents),
        use_default=st.booleans(),
    )
    def repay(self, account, amount, use_default) -> None:
        """ "all", a percentage of what is payable, or any amount (often invalid)."""
        acct = self.engine.account(account)
        payable = acct.ledger.payable
        if isinstance(amount, int):
            amount = round_cents(payable.fraction * amount / 100)
        wanted = payable if amount == "all" else amount
        active = [m.id for m in acct.methods if m.status == "active"]
        method_id = None if use_default or not active else active[-1]
        has_means = method_id is not None or acct.default_method is not None
        valid = 0 < wanted <= payable and (has_means or acct.balance >= wanted)
        # PAY-5: one at a time, a card repayment still at its 3D Secure challenge included
        pending = acct.repayment_pending is not None or acct.repayment_challenge is not None
        try:
            self.engine.repay(account, amount, method_id)
        except PaymentRefused as refused:
            assert pending or not valid, refused
            return
        assert valid and not pending

    @rule(
        account=accounts,
        plan=st.sampled_from(["lite", "pro"]),
        threeds=st.sampled_from(["Y", "pass", "fail", "abandon"]),
    )
    def buy_plan(self, account, plan, threeds) -> None:
        acct = self.engine.account(account)
        active = [m.id for m in acct.methods if m.status == "active"]
        held = plan in acct.subscriptions and acct.subscriptions[plan].status == "active"
        order = acct.plan_orders.get(plan)
        pending = order is not None and order.status == "pending"
        if not self._active(account) or not active or held or pending:
            return
        self.world.threeds.status = "Y" if threeds == "Y" else "C"
        self.world.threeds.final_status = {"pass": "Y", "fail": "N"}.get(threeds, "C")
        outcome = self.engine.buy_plan(account, plan, active[0])
        if outcome.status == "challenge" and threeds != "abandon":
            outcome = self.engine.complete_plan_threeds(account, plan)
        assert outcome.status in ("purchased", "refused", "challenge")

    @precondition(lambda self: sum(self._active(a) for a in ACCOUNTS) > 1)
    @rule(account=accounts)
    def deactivate(self, account) -> None:
        if self._active(account):
            self.engine.deactivate(account)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def h3_fees_equal_paid_plus_outstanding(self) -> None:
        """H-3: exactly, per account and in total; paid agrees with the settled events."""
        paid_events = Counter[str]()
        for event in self.world.sink.events:
            if event.type == "deduction.succeeded" or (
                event.type == "repayment.settled" and event.fields["status"] == "paid"
            ):
                paid_events[event.account] += event.fields["amount"]
        for account in ACCOUNTS:
            ledger = self.engine.account(account).ledger
            assert ledger.fees == self.expected_fees[account]
            assert ledger.fees == ledger.paid + ledger.outstanding
            assert ledger.paid == paid_events[account]
            # to the cent: what is shown differs from the exact fees by at most half a cent
            assert abs(ledger.fees - ledger.paid - ledger.amount_due) <= Fraction(1, 200)
        totals = self.engine.ledger()
        assert totals.fees == totals.paid + totals.outstanding

    @invariant()
    def ov2_amount_due_and_balance_never_negative(self) -> None:
        for account in ACCOUNTS:
            assert self.engine.total_amount_due(account) >= 0
            assert self.engine.account(account).balance >= 0

    @invariant()
    def auto7_suspended_only_while_something_is_due(self) -> None:
        for account in ACCOUNTS:
            acct = self.engine.account(account)
            if acct.status == "suspended":
                assert acct.ledger.amount_due > 0 and not acct.is_metering

    @invariant()
    def pay5_never_two_deductions_in_flight(self) -> None:
        for account in ACCOUNTS:
            acct = self.engine.account(account)
            assert sum(d.status == "pending" for d in acct.deductions) <= 1
            initiated = len(self.world.sink.of("deduction.initiated", account))
            settled = len(self.world.sink.of("deduction.succeeded", account)) + len(
                self.world.sink.of("deduction.failed", account)
            )
            assert initiated - settled in (0, 1)

    @invariant()
    def auto4_one_month_end_deduction_per_account_per_month(self) -> None:
        closed = Counter(
            (e.account, e.fields["year"], e.fields["month"])
            for e in self.world.sink.of("month.closed")
        )
        assert all(count == 1 for count in closed.values())
        for account in ACCOUNTS:
            acct = self.engine.account(account)
            month_end = [d for d in acct.deductions if d.trigger == "month_end"]
            assert len({d.month for d in month_end}) == len(month_end)
            made = [d for d in acct.month_end_deductions.values() if d is not None]
            assert sorted(made) == sorted(d.id for d in month_end)

    @invariant()
    def auto2_no_fees_at_the_threshold_without_a_deduction(self) -> None:
        for account in ACCOUNTS:
            acct = self.engine.account(account)
            threshold = acct.threshold(self.engine.policy)
            if threshold is not None and acct.ledger.toward_threshold >= threshold:
                assert acct.deduction_in_flight is not None

    def teardown(self) -> None:
        """Let everything in flight settle, then check the month ends reached once more."""
        if hasattr(self, "world"):
            self.world.time.advance(days=35)
            self.world.time.advance(hours=3)  # a month end just before: its deductions settle
            self.h3_fees_equal_paid_plus_outstanding()
            self.auto4_one_month_end_deduction_per_account_per_month()
            for account in ACCOUNTS:
                assert self.engine.account(account).deduction_in_flight is None


TestBillingMachine = BillingMachine.TestCase
# at least the ci profile's 200 examples under CI, whatever profile another conftest loads
TestBillingMachine.settings = settings(
    settings.get_profile("ci") if os.environ.get("CI") else settings(),
    max_examples=200 if os.environ.get("CI") else 60,
    deadline=None,
)
