"""The service layer's facade: BillingEngine, the one API the simulator and the step definitions
call. The use cases live in `use_cases/` (deductions, repayments, plan orders, linking,
lifecycle); the overview queries (OV-1..4) are here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from billing_engine.domain.account import Account
from billing_engine.domain.ledger import BillingMode, Spend, TrendPoint
from billing_engine.domain.months import YearMonth, months_in
from billing_engine.domain.outcomes import (
    ActivationOutcome,
    LinkOutcome,
    PlanOutcome,
    RepaymentOutcome,
)
from billing_engine.domain.unknown_payment import UnknownPayment
from billing_engine.errors import InvalidUsage, UnknownProduct
from billing_engine.money import NO_CENTS, ZERO, Cents, parse_amount
from billing_engine.policy import Policy
from billing_engine.ports import CardDetails
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.deductions import Deductions
from billing_engine.use_cases.lifecycle import Lifecycle, check_product_name
from billing_engine.use_cases.linking import Linking
from billing_engine.use_cases.plan_orders import PlanOrders
from billing_engine.use_cases.repayments import Repayments
from billing_engine.use_cases.verification import Verification


@dataclass(frozen=True)
class LedgerTotals:
    """Whole-engine totals for invariants (H-3): fees == paid + outstanding, exactly."""

    fees: Fraction
    paid: Cents
    outstanding: Fraction
    in_flight: Cents
    plan_paid: Cents
    #: money each gateway accepted for charges (deductions, repayments, plans)
    charged: dict[str, Cents]


class BillingEngine:
    """Built by `billing_engine.bootstrap.bootstrap`, which makes its context."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx
        verification = Verification(self._ctx)
        self._deductions = Deductions(self._ctx)
        self._lifecycle = Lifecycle(self._ctx, verification)
        self._linking = Linking(self._ctx, self._lifecycle, verification, self._deductions)
        self._repayments = Repayments(self._ctx, self._deductions)
        self._plans = PlanOrders(self._ctx)
        # AUTO-4: one timer per month boundary for all accounts
        self._deductions.schedule_month_end(ctx.now())

    @property
    def policy(self) -> Policy:
        return self._ctx.policy

    # --- accounts and products ------------------------------------------------------------

    def open_account(
        self,
        account_id: str,
        *,
        country: str,
        tax_rate: Fraction | Decimal | str = ZERO,
        balance: Fraction | Decimal | str = ZERO,
    ) -> None:
        self._lifecycle.open_account(
            account_id, country=country, tax_rate=tax_rate, balance=balance
        )

    def activate_product(self, account_id: str, product: str) -> ActivationOutcome:
        return self._lifecycle.activate_product(self._ctx.account(account_id), product)

    def deactivate(self, account_id: str) -> None:
        self._lifecycle.deactivate(self._ctx.account(account_id))

    # --- payment methods ------------------------------------------------------------------

    def link_card(self, account_id: str, card: CardDetails) -> LinkOutcome:
        return self._linking.link_card(self._ctx.account(account_id), card)

    def complete_threeds(self, account_id: str, method_id: int) -> LinkOutcome:
        return self._linking.complete_threeds(self._ctx.account(account_id), method_id)

    def start_paypal_link(
        self, account_id: str, *, threshold: Fraction | str | None = None
    ) -> LinkOutcome:
        return self._linking.start_paypal_link(self._ctx.account(account_id), threshold)

    def complete_paypal_link(self, account_id: str, method_id: int) -> LinkOutcome:
        return self._linking.complete_paypal_link(self._ctx.account(account_id), method_id)

    def unlink(self, account_id: str, method_id: int) -> None:
        self._linking.unlink(self._ctx.account(account_id), method_id)

    def set_default(self, account_id: str, method_id: int) -> None:
        self._linking.set_default(self._ctx.account(account_id), method_id)

    # --- usage ----------------------------------------------------------------------------

    def record_usage(
        self, account_id: str, product: str, *, hours: int, pretax_per_hour: Fraction | str
    ) -> None:
        """The fees of the `hours` whole hours ending now. Suspended or deactivated accounts
        meter nothing (AUTO-7)."""
        self.record_hours(account_id, {product: pretax_per_hour}, hours=hours)

    def record_hours(
        self, account_id: str, rates: Mapping[str, Fraction | str], *, hours: int
    ) -> None:
        """The fees of the `hours` whole hours ending now of several products (product ->
        pretax fee per hour), added together before the threshold is checked (AUTO-2/3)."""
        account = self._ctx.account(account_id)
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
            raise InvalidUsage(
                f"account {account_id}: hours must be a whole number >= 0, got {hours!r}"
            )
        checked: dict[str, Fraction] = {}
        for product, pretax_per_hour in rates.items():
            name = check_product_name(product)
            rate = self._rate(pretax_per_hour, account_id)
            if name not in account.products:
                raise UnknownProduct(f"account {account_id}: product {name!r} is not activated")
            checked[name] = rate
        self._deductions.meter(account, checked, hours)

    def hours_until_threshold(
        self, account_id: str, pretax_per_hour_total: Fraction | str
    ) -> int | None:
        """Whole hours at this total pretax rate until the fees since the last deduction attempt
        reach the default method's threshold (>= 1); None if no threshold applies."""
        account = self._ctx.account(account_id)
        rate = self._rate(pretax_per_hour_total, account_id)
        threshold = account.threshold(self._ctx.policy)
        tax = account.tax_rate
        if threshold is None or rate == 0 or tax == -1 or not account.is_metering:
            return None
        remaining = threshold - account.ledger.toward_threshold
        # ceil(remaining / (rate * (1 + tax))) on the numerators and denominators: exact, and
        # without the three Fractions it would build each time a meter plans
        numerator = remaining.numerator * rate.denominator * tax.denominator
        denominator = remaining.denominator * rate.numerator * (tax.denominator + tax.numerator)
        return max(1, -(-numerator // denominator))

    def threshold_basis(self, account_id: str) -> tuple[object, ...]:
        """All that `hours_until_threshold` reads of the account: while this stays the same,
        so does its answer for any rate."""
        account = self._ctx.account(account_id)
        return (
            account.threshold(self._ctx.policy),
            account.ledger.toward_threshold,
            account.tax_rate,
            account.is_metering,
        )

    @staticmethod
    def _rate(value: object, account_id: str) -> Fraction:
        try:
            rate = parse_amount(value, field="pretax_per_hour")
        except ValueError as exc:
            raise InvalidUsage(f"account {account_id}: {exc}") from None
        if rate < 0:
            raise InvalidUsage(f"account {account_id}: pretax_per_hour {value} is negative")
        return rate

    def is_metering(self, account_id: str) -> bool:
        return self._ctx.account(account_id).is_metering

    # --- payments -------------------------------------------------------------------------

    def repay(
        self,
        account_id: str,
        amount: Fraction | str | Literal["all"],
        method_id: int | None = None,
    ) -> RepaymentOutcome:
        return self._repayments.repay(self._ctx.account(account_id), amount, method_id)

    def complete_repayment_threeds(self, account_id: str) -> RepaymentOutcome | None:
        """The customer is back from a card repayment's challenge page (the engine also checks
        by itself after policy.threeds_timeout: abandoned -> rejected)."""
        return self._repayments.complete_threeds(self._ctx.account(account_id))

    def buy_plan(self, account_id: str, plan: str, method_id: int) -> PlanOutcome:
        """PLAN-1: "purchased", "refused" (reason) or "challenge" (acs_url) when the issuer
        asks 3D Secure for the order; then `complete_plan_threeds`."""
        return self._plans.buy(self._ctx.account(account_id), plan, method_id)

    def complete_plan_threeds(self, account_id: str, plan: str) -> PlanOutcome:
        """The customer is back from the order's challenge page (the engine also checks by
        itself after policy.threeds_timeout: abandoned -> refused)."""
        return self._plans.complete_threeds(self._ctx.account(account_id), plan)

    # --- overview queries (OV-1..4) -------------------------------------------------------

    def total_spend(
        self, account_id: str, year: int, month: int, mode: BillingMode | None = None
    ) -> Spend:
        spend = self._ctx.account(account_id).ledger.spend_of({(year, month)}, mode=mode)
        return spend.get((year, month), Spend())

    def total_amount_due(self, account_id: str) -> Cents:
        return self._ctx.account(account_id).ledger.amount_due

    def spending_trend(
        self,
        account_id: str,
        first: YearMonth,
        last: YearMonth,
        product: str | None = None,
        mode: BillingMode | None = None,
    ) -> list[TrendPoint]:
        months = list(months_in(tuple(first), tuple(last)))  # type: ignore[arg-type]
        spend = self._ctx.account(account_id).ledger.spend_of(
            set(months), product=product, mode=mode
        )
        points = []
        for year, month in months:
            point = spend.get((year, month), Spend())
            points.append(TrendPoint(year, month, point.pretax, point.tax))
        return points

    def account(self, account_id: str) -> Account:
        return self._ctx.account(account_id)

    def account_ids(self) -> list[str]:
        return list(self._ctx.accounts)

    def unknown_payments(self) -> list[UnknownPayment]:
        """Charges whose outcome the gateway has not told yet, oldest first."""
        return list(self._ctx.unknown_payments.values())

    def ledger(self) -> LedgerTotals:
        ledgers = [account.ledger for account in self._ctx.accounts.values()]
        return LedgerTotals(
            fees=sum((x.fees for x in ledgers), ZERO),
            paid=sum((x.paid for x in ledgers), NO_CENTS),
            outstanding=sum((x.outstanding for x in ledgers), ZERO),
            in_flight=sum((x.in_flight + x.repaying for x in ledgers), NO_CENTS),
            plan_paid=sum((x.plan_paid for x in ledgers), NO_CENTS),
            charged=dict(self._ctx.charged),
        )

    def fees_by_day(self) -> dict[date, Fraction]:
        """Every account's PAYG fees (tax included, Coding Plan charges not) per UTC day of
        each hour's start, exact; days without fees are left out."""
        return self._ctx.daily_fees.by_day()
