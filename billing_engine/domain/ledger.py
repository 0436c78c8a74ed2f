"""An account's money: fees per hour per product per month at full precision (pretax and tax
apart, OV-1), and where every fee stands: not yet deducted, in flight, billed and unpaid, in a
payment whose outcome is unknown, or paid.
Exactly: fees == undeducted + in_flight + repaying + unknown + billed + paid (H-3). Fees accrue
as exact fractions; from the moment a deduction or repayment takes them they are whole cents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from billing_engine.domain.months import YearMonth
from billing_engine.money import NO_CENTS, ZERO, Cents, RunningSum, round_cents

BillingMode = Literal["payg", "coding_plan"]
BILLING_MODES: tuple[BillingMode, ...] = ("payg", "coding_plan")


@dataclass(frozen=True)
class Spend:
    pretax: Fraction = ZERO
    tax: Fraction = ZERO

    @property
    def total(self) -> Fraction:
        return sum_nonzero(self.pretax, self.tax)

    def __add__(self, other: Spend) -> Spend:
        # Sums of a month's spend often start from nothing or carry no tax: zeros are skipped
        return Spend(sum_nonzero(self.pretax, other.pretax), sum_nonzero(self.tax, other.tax))

    def fields(self) -> dict[str, Fraction]:
        return {"pretax": self.pretax, "tax": self.tax, "total": self.total}


NO_SPEND = Spend()


def sum_nonzero(*amounts: Fraction) -> Fraction:
    """The exact sum, adding only the amounts that are not zero: most parts of a ledger are
    zero most of the time (nothing billed, in flight or repaying), and each Fraction addition
    costs more than the test."""
    total = ZERO
    for amount in amounts:
        if amount:
            total = total + amount if total else amount
    return total


@dataclass(frozen=True)
class TrendPoint:
    year: int
    month: int
    pretax: Fraction
    tax: Fraction

    @property
    def total(self) -> Fraction:
        return self.pretax + self.tax


@dataclass
class AccountLedger:
    #: (year, month) -> (product, mode) -> spend, PAYG fees and Coding Plan charges alike;
    #: by month first, as every month's close and overview reads one month
    spend: dict[YearMonth, dict[tuple[str, BillingMode], Spend]] = field(default_factory=dict)
    #: every PAYG fee ever accrued, tax included, exact (read as `fees`)
    accrued: RunningSum = field(default_factory=RunningSum)
    #: fees in no deduction yet; carries the sub-cent remainder of past deductions (may be
    #: a fraction of a cent below zero after rounding up, never more)
    undeducted: Fraction = ZERO
    #: fees accrued since the last deduction attempt: what the threshold is compared with
    since_attempt: Fraction = ZERO
    #: whole cents: deducted, failed, not paid since (AUTO-6)
    billed: Cents = NO_CENTS
    #: whole cents in the deduction awaiting its status (PAY-5)
    in_flight: Cents = NO_CENTS
    #: whole cents in the manual repayment awaiting its status (PAY-5)
    repaying: Cents = NO_CENTS
    #: whole cents in payments the gateway never answered: reserved until reconciled, so no
    #: other deduction or repayment takes them again
    unknown: Cents = NO_CENTS
    paid: Cents = NO_CENTS
    #: Coding Plan charges paid (never outstanding, never toward the threshold: PLAN-1)
    plan_paid: Cents = NO_CENTS

    def add_spend(
        self, month: YearMonth, product: str, mode: BillingMode, pretax: Fraction, tax: Fraction
    ) -> None:
        ym = (month[0], month[1])
        entries = self.spend.get(ym)
        if entries is None:
            entries = self.spend[ym] = {}
        so_far = entries.get((product, mode), NO_SPEND)
        # most accounts pay no tax: adding a zero tax is skipped (exact either way)
        total_tax = so_far.tax + tax if tax else so_far.tax
        entries[product, mode] = Spend(so_far.pretax + pretax, total_tax)

    def accrue_fee(self, month: YearMonth, product: str, pretax: Fraction, tax: Fraction) -> None:
        self.add_spend(month, product, "payg", pretax, tax)
        fee = pretax + tax if tax else pretax
        self.accrued.add(fee)
        self.undeducted += fee
        self.since_attempt += fee

    def record_plan_charge(
        self, month: YearMonth, plan: str, price: Cents, pretax: Fraction, tax: Fraction
    ) -> None:
        """A Coding Plan charge of `price`, split into `pretax` and `tax` for the spend."""
        self.add_spend(month, plan, "coding_plan", pretax, tax)
        self.plan_paid += price

    @property
    def fees(self) -> Fraction:
        """Every PAYG fee ever accrued, tax included, exact."""
        return self.accrued.value

    @property
    def toward_threshold(self) -> Fraction:
        """What the threshold is compared with (AUTO-2/3): fees accrued since the last deduction
        attempt that are still undeducted; a manual repayment of them takes them out of it."""
        since, undeducted = self.since_attempt, self.undeducted
        # min() by cross-multiplying (denominators are positive): this is read for every
        # metered batch, and a Fraction comparison spends most of its time choosing how
        if undeducted.numerator * since.denominator < since.numerator * undeducted.denominator:
            return undeducted
        return since

    @property
    def outstanding(self) -> Fraction:
        """Every fee not yet paid, exact (H-3)."""
        settled = self.in_flight + self.repaying + self.unknown + self.billed
        return self.undeducted + settled.fraction if settled else self.undeducted

    @property
    def amount_due(self) -> Cents:
        """Total Amount Due as shown (OV-2): the outstanding amount to the cent."""
        return round_cents(self.outstanding)

    def _billed_and_undeducted(self) -> Fraction:
        billed = self.billed
        return self.undeducted + billed.fraction if billed else self.undeducted

    @property
    def payable(self) -> Cents:
        """What a deduction or a repayment may take now: outstanding, not in flight, in cents."""
        return round_cents(self._billed_and_undeducted())

    def start_deduction(self) -> Cents:
        """Move everything payable into flight; the sub-cent remainder stays undeducted."""
        total = self._billed_and_undeducted()
        amount = round_cents(total)
        self.undeducted = total - amount.fraction if amount else total
        self.billed = NO_CENTS
        self.in_flight = amount
        self.since_attempt = ZERO
        return amount

    def settle_deduction(self, paid: bool) -> None:
        if paid:
            self.paid += self.in_flight
        else:
            self.billed += self.in_flight
        self.in_flight = NO_CENTS

    def deduction_unknown(self) -> None:
        """The deduction in flight got no answer: its amount waits, reserved, for the gateway."""
        self.unknown += self.in_flight
        self.in_flight = NO_CENTS

    def repayment_unknown(self, amount: Cents) -> None:
        self.repaying -= amount
        self.unknown += amount

    def resolve_unknown(self, paid: bool, to_billed: Cents, to_undeducted: Cents) -> None:
        """The gateway told at last: paid, or back where the amount came from (billed for a
        deduction; billed and undeducted as a repayment took them)."""
        self.unknown -= to_billed + to_undeducted
        if paid:
            self.paid += to_billed + to_undeducted
        else:
            self.billed += to_billed
            self.undeducted += to_undeducted.fraction

    def start_repayment(self, amount: Cents) -> tuple[Cents, Cents]:
        """Take `amount` (cents, <= payable) from billed first, then undeducted; returns the two
        parts so a failed repayment puts each back where it was."""
        from_billed = min(amount, self.billed)
        from_undeducted = amount - from_billed
        self.billed -= from_billed
        self.undeducted -= from_undeducted.fraction
        self.repaying += amount
        return from_billed, from_undeducted

    def settle_repayment(self, paid: bool, from_billed: Cents, from_undeducted: Cents) -> None:
        amount = from_billed + from_undeducted
        self.repaying -= amount
        if paid:
            self.paid += amount
        else:
            self.billed += from_billed
            self.undeducted += from_undeducted.fraction

    def spend_in(self, month: YearMonth) -> Mapping[tuple[str, BillingMode], Spend]:
        """One month's spend by (product or plan, billing mode), read-only."""
        return MappingProxyType(self.spend.get((month[0], month[1]), {}))

    def spend_of(
        self,
        months: set[YearMonth] | None = None,
        *,
        product: str | None = None,
        mode: BillingMode | None = None,
    ) -> dict[YearMonth, Spend]:
        by_month: dict[YearMonth, Spend] = {}
        for ym, entries in self.spend.items():
            if months is not None and ym not in months:
                continue
            for (prod, prod_mode), spend in entries.items():
                if (product is not None and prod != product) or (
                    mode is not None and prod_mode != mode
                ):
                    continue
                by_month[ym] = by_month.get(ym, NO_SPEND) + spend
        return by_month
