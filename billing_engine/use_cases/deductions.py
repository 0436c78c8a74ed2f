"""Automatic deductions: PAYG usage metering, the threshold trigger (AUTO-2/3), month end
(AUTO-4), deduction settlement (PAY-5), failed deductions (AUTO-6) and overdue suspension
(AUTO-7)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction

from billing_engine.domain.account import Account
from billing_engine.domain.deduction import Deduction, Trigger
from billing_engine.domain.ledger import BILLING_MODES, NO_SPEND, Spend
from billing_engine.domain.months import (
    YearMonth,
    hours_by_month,
    month_of,
    next_month_start,
    previous_month,
)
from billing_engine.money import NO_CENTS, ZERO
from billing_engine.ports import GatewayResult
from billing_engine.use_cases.charging import take_payment
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.reconciliation import reconcile_later


class Deductions:
    def __init__(self, ctx: EngineContext) -> None:
        self.ctx = ctx

    # --- usage and the threshold ----------------------------------------------------------

    def meter(self, account: Account, rates: Mapping[str, Fraction], hours: int) -> None:
        """The fees of `hours` whole hours ending now, every product's (pretax per hour); then
        the threshold check, once: an hour's fees count together, whatever the products' order
        (AUTO-2/3)."""
        if not account.is_metering or hours == 0:
            return
        for product, pretax_per_hour in rates.items():
            self._accrue(account, product, hours, pretax_per_hour)
        self.check_threshold(account)

    def _accrue(
        self, account: Account, product: str, hours: int, pretax_per_hour: Fraction
    ) -> None:
        # Untaxed accounts skip the tax arithmetic (exact either way: it is zero)
        tax_per_hour = pretax_per_hour * account.tax_rate if account.tax_rate else ZERO
        for month, count in hours_by_month(self.ctx.now(), hours):
            tax = count * tax_per_hour if tax_per_hour else ZERO
            account.ledger.accrue_fee(month, product, count * pretax_per_hour, tax)
        fee = pretax_per_hour + tax_per_hour if tax_per_hour else pretax_per_hour
        self.ctx.daily_fees.add(self.ctx.now(), hours, fee)

    def check_threshold(self, account: Account) -> None:
        """AUTO-2/3: fees since the last attempt at or over the default method's threshold start a
        deduction of everything payable at once, or right after the one in flight settles."""
        threshold = account.threshold(self.ctx.policy)
        if threshold is None or account.ledger.toward_threshold < threshold:
            return
        if account.deduction_in_flight is None:
            self.initiate(account, "threshold")

    # --- deductions -----------------------------------------------------------------------

    def initiate(self, account: Account, trigger: Trigger, month: YearMonth | None = None) -> None:
        """Deduct everything payable (balance first, PAY-3) as one merchant-initiated charge
        (AUTO-8). Nothing payable after rounding: no deduction, the attempt still counts."""
        ledger = account.ledger
        if ledger.payable <= 0:
            ledger.since_attempt = ZERO
            return
        deduction_id = account.next_id("ded")
        method = account.default_method
        from_billed = ledger.billed
        amount = ledger.start_deduction()
        payment = take_payment(
            self.ctx, account, amount, method, deduction_id, merchant_initiated=True
        )
        deduction = Deduction(
            id=deduction_id,
            trigger=trigger,
            amount=amount,
            from_balance=payment.from_balance,
            charged=payment.charged,
            method_id=None if method is None else method.id,
            initiated_at=self.ctx.now(),
            from_billed=from_billed,
            month=month,
            outcome_reason=payment.failure,
            outcome_unknown=payment.unknown,
        )
        account.deductions.append(deduction)
        if month is not None:
            account.month_end_deductions[month] = deduction_id
        self.ctx.emit(
            "deduction.initiated",
            account.id,
            deduction=deduction_id,
            trigger=trigger,
            amount=amount,
            method=deduction.method_id,
        )
        self.ctx.call_at(
            self.ctx.now() + self.ctx.policy.settlement_delay,
            lambda: self.settle(account, deduction),
            account.id,
        )

    def settle(self, account: Account, deduction: Deduction) -> None:
        """PAY-5: the status updates; then whatever waited for it runs. A deduction the gateway
        never answered is neither: its amount stays reserved until a look-up tells."""
        if deduction.outcome_unknown:
            self.unknown(account, deduction)
        elif deduction.outcome_reason is None:
            account.ledger.settle_deduction(True)
            self.succeeded(account, deduction)
        else:
            account.ledger.settle_deduction(False)
            self.failed(account, deduction, deduction.outcome_reason)
        self.after_settlement(account)

    def unknown(self, account: Account, deduction: Deduction) -> None:
        deduction.status = "unknown"
        account.ledger.deduction_unknown()
        self.ctx.emit(
            "deduction.unknown",
            account.id,
            deduction=deduction.id,
            amount=deduction.amount,
            charged=deduction.charged,
        )
        assert deduction.method_id is not None  # only a charge can go unanswered
        reconcile_later(
            self.ctx,
            account,
            key=deduction.id,
            purpose="deduction",
            method_id=deduction.method_id,
            charged=deduction.charged,
            settle=lambda found: self.reconciled(account, deduction, found),
        )

    def reconciled(self, account: Account, deduction: Deduction, found: GatewayResult) -> None:
        """The gateway told what became of an unknown deduction: paid, or failed (AUTO-6)."""
        account.ledger.resolve_unknown(found.ok, deduction.amount, NO_CENTS)
        if found.ok:
            self.succeeded(account, deduction, reconciled=True)
        else:
            self.failed(account, deduction, found.reason or "declined", reconciled=True)
        self.after_settlement(account)

    def succeeded(
        self, account: Account, deduction: Deduction, *, reconciled: bool = False
    ) -> None:
        """Paid: deduction.succeeded, or deduction.reconciled with its outcome."""
        deduction.status = "succeeded"
        event, outcome = _settled_event("succeeded", reconciled)
        self.ctx.emit(
            event,
            account.id,
            deduction=deduction.id,
            amount=deduction.amount,
            from_balance=deduction.from_balance,
            charged=deduction.charged,
            **outcome,
        )

    def failed(
        self, account: Account, deduction: Deduction, reason: str, *, reconciled: bool = False
    ) -> None:
        """The fees are billed and unpaid (AUTO-6); overdue after a grace period (AUTO-7)."""
        deduction.status = "failed"
        deduction.reason = reason
        account.balance += deduction.from_balance
        failed_at = self.ctx.now()
        if account.unpaid_since is None:
            account.unpaid_since = failed_at
        event, outcome = _settled_event("failed", reconciled)
        self.ctx.emit(
            event,
            account.id,
            deduction=deduction.id,
            amount=deduction.amount,
            reason=reason,
            **outcome,
        )
        self.ctx.call_at(
            self.ctx.now() + self.ctx.policy.overdue_grace,
            lambda: self.overdue_check(account, failed_at),
            account.id,
        )

    def after_settlement(self, account: Account) -> None:
        """Run what waited for a payment in flight: resume, month end, overdue, threshold."""
        self.note_unpaid_fees_paid(account)
        self.resume_if_paid(account)
        if account.deduction_in_flight is not None:
            return
        if account.month_end_waiting is not None:
            month, account.month_end_waiting = account.month_end_waiting, None
            self.initiate(account, "month_end", month)
        waiting = account.overdue_check_waiting
        if waiting is not None and account.repayment_pending is None:
            account.overdue_check_waiting = None
            self.overdue_check(account, waiting)
        if account.deduction_in_flight is None:
            self.check_threshold(account)

    # --- month end ------------------------------------------------------------------------

    def schedule_month_end(self, after: datetime) -> None:
        boundary = next_month_start(after)
        self.ctx.call_at(boundary, lambda: self.month_end(boundary), None)

    def month_end(self, boundary: datetime) -> None:
        """AUTO-4: one deduction per account, in opening order, for all fees not yet deducted;
        then month.closed with the month's spend."""
        month = previous_month(*month_of(boundary))
        for account in list(self.ctx.accounts.values()):
            if account.opened_at >= boundary:
                continue
            account.month_end_deductions.setdefault(month, None)
            if account.deduction_in_flight is not None:
                account.month_end_waiting = month
            else:
                self.initiate(account, "month_end", month)
            self.emit_month_closed(account, month)
        self.schedule_month_end(boundary)

    def emit_month_closed(self, account: Account, month: YearMonth) -> None:
        """The month's spend (OV-1), split by billing mode where there was any (OV-4)."""
        ledger = account.ledger
        per_mode: dict[str, Spend] = {}
        for (_, mode), spend in ledger.spend_in(month).items():
            per_mode[mode] = per_mode.get(mode, NO_SPEND) + spend
        by_mode = {mode: per_mode[mode].fields() for mode in BILLING_MODES if mode in per_mode}
        total = sum(per_mode.values(), NO_SPEND)
        self.ctx.emit(
            "month.closed",
            account.id,
            year=month[0],
            month=month[1],
            **total.fields(),
            by_mode=by_mode,
            outstanding=ledger.amount_due,
        )

    # --- overdue (AUTO-7) -----------------------------------------------------------------

    def overdue_check(self, account: Account, failed_at: datetime) -> None:
        """Fees of the deduction that failed at `failed_at` still unpaid a grace period later:
        the account becomes overdue and its PAYG products are suspended. With a payment in
        flight the check waits for its status."""
        if account.status != "active":
            return
        if account.deduction_in_flight is not None or account.repayment_pending is not None:
            waiting = account.overdue_check_waiting
            account.overdue_check_waiting = (
                failed_at if waiting is None else min(waiting, failed_at)
            )
            return
        unpaid_since = account.unpaid_since
        if account.ledger.billed <= 0 or unpaid_since is None or unpaid_since > failed_at:
            return
        account.status = "overdue"
        self.ctx.emit("account.overdue", account.id, outstanding=account.ledger.amount_due)
        account.status = "suspended"
        self.ctx.emit("account.suspended", account.id)

    def note_unpaid_fees_paid(self, account: Account) -> None:
        """AUTO-7: the failed fees count as paid once none is billed, pending or in flight."""
        if account.unpaid_since is None or account.ledger.billed > 0:
            return
        deduction, repayment = account.deduction_in_flight, account.repayment_pending
        if (deduction is not None and deduction.from_billed > 0) or (
            repayment is not None and repayment.from_billed > 0
        ):
            return
        account.unpaid_since = None

    def resume_if_paid(self, account: Account) -> None:
        if account.status == "suspended" and account.ledger.amount_due == 0:
            account.status = "active"
            self.ctx.emit("account.resumed", account.id)


def _settled_event(outcome: str, reconciled: bool) -> tuple[str, dict[str, str]]:
    """The event telling a deduction's outcome: its own type, or deduction.reconciled carrying
    the outcome once an unknown deduction is told at last."""
    if reconciled:
        return "deduction.reconciled", {"outcome": outcome}
    return f"deduction.{outcome}", {}
