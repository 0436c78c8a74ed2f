"""One account's money as the rules say it should stand: fees worked out from the declared usage
and tax, and where each fee went as the account's payments were told, in whole cents."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

import holidays

from billing_engine.money import round_cents
from simulator.metering import HOUR, UsagePlan, ceil_hour, floor_hour

YearMonth = tuple[int, int]


def add_months(anchor: datetime, months: int) -> datetime:
    """The same day and time `months` later (PLAN-1's monthly renewal); a day the month lacks
    is its last day."""
    year, month = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    return anchor.replace(
        year=year, month=month + 1, day=min(anchor.day, monthrange(year, month + 1)[1])
    )


def business_days_after(day: date, count: int, country: str) -> date:
    """The `count`-th business day after `day` in `country` (weekends and its public holidays
    are not business days, CARD-5): the harness's own reckoning, beside the issuer's."""
    found, calendar = day, holidays.country_holidays(country, years=range(day.year, day.year + 2))
    while count > 0:
        found += timedelta(days=1)
        if found.weekday() < 5 and found not in calendar:
            count -= 1
    return found


def cents(amount: Fraction) -> Fraction:
    """`amount` to the cent, half-even (H-3's one rounding point), as an exact Fraction."""
    return round_cents(amount).fraction


@dataclass
class MonthSpend:
    """One month's spend as OV-1 shows it, exact until shown."""

    payg_pretax: Fraction = Fraction(0)
    payg_tax: Fraction = Fraction(0)
    plan_pretax: Fraction = Fraction(0)
    plan_tax: Fraction = Fraction(0)

    @property
    def pretax(self) -> Fraction:
        return self.payg_pretax + self.plan_pretax

    @property
    def tax(self) -> Fraction:
        return self.payg_tax + self.plan_tax

    @property
    def total(self) -> Fraction:
        return self.pretax + self.tax

    def by_mode(self) -> dict[str, Fraction]:
        return {
            "payg": self.payg_pretax + self.payg_tax,
            "coding_plan": self.plan_pretax + self.plan_tax,
        }


@dataclass
class Repaying:
    """A manual repayment awaiting its status: the parts it took from billed and undeducted fees,
    so a failure puts each back where it was."""

    from_billed: Fraction
    from_undeducted: Fraction


@dataclass
class Book:
    """The account's fees as declared usage makes them (metered hour by hour at each hour's end,
    while the account meters), and the ledger the rules imply: every fee is undeducted, billed
    (a deduction failed, AUTO-6), in flight, repaying, unknown, or paid (H-3)."""

    plan: UsagePlan
    tax_rate: Fraction
    #: the start of the first hour not yet metered
    metered_until: datetime
    #: the end of the run's last hour: a run ending mid-hour bills that hour's part
    last_hour_end: datetime
    fees: Fraction = Fraction(0)
    paid: Fraction = Fraction(0)
    undeducted: Fraction = Fraction(0)
    since_attempt: Fraction = Fraction(0)
    billed: Fraction = Fraction(0)
    in_flight: dict[str, Fraction] = field(default_factory=dict)
    repaying: dict[str, Repaying] = field(default_factory=dict)
    #: deductions and repayments whose outcome is unknown, by their id
    unknown: dict[str, Fraction] = field(default_factory=dict)
    unknown_repayments: dict[str, Repaying] = field(default_factory=dict)
    months: dict[YearMonth, MonthSpend] = field(default_factory=dict)
    #: PAYG fees by the UTC day their hour starts on
    days: dict[date, Fraction] = field(default_factory=dict)
    #: deductions that took billed fees
    took_billed: set[str] = field(default_factory=set)
    metering: bool = True

    # --- usage ----------------------------------------------------------------------------

    def fee_rate(self, hour: datetime) -> tuple[Fraction, Fraction]:
        """(pretax, tax) of the hour starting at `hour`."""
        pretax = self.plan.costs(hour)[1]
        return pretax, pretax * self.tax_rate

    def next_stretch(self, until: datetime) -> tuple[datetime, int, Fraction, Fraction]:
        """From the first unmetered hour: the stretch over which the hourly fee is fixed, at most
        to `until` (a month end or a rate change cuts it), as (start, hours, pretax, tax)."""
        start = self.metered_until
        year, month = start.year, start.month
        month_end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=start.tzinfo)
        end = min(until, month_end)
        change = self.plan.next_change(start)
        if change is not None:
            end = min(end, change)
        hours = max(1, int((end - start) / HOUR))
        pretax, tax = self.fee_rate(start)
        return start, hours, pretax, tax

    def meter(self, start: datetime, hours: int, pretax: Fraction, tax: Fraction) -> None:
        """Accrue `hours` hours from `start` at the given hourly fee (all in one month)."""
        if pretax or tax:
            spend = self.months.setdefault((start.year, start.month), MonthSpend())
            spend.payg_pretax += hours * pretax
            spend.payg_tax += hours * tax
            fee = hours * (pretax + tax)
            self._by_day(start, hours, pretax + tax)
            self.fees += fee
            self.undeducted += fee
            self.since_attempt += fee
        self.metered_until = start + hours * HOUR

    def _by_day(self, start: datetime, hours: int, hourly: Fraction) -> None:
        """Each hour's fee under the UTC day it starts on (the summary's fees_by_day)."""
        while hours:
            day = start.date()
            today = min(hours, 24 - start.hour)
            self.days[day] = self.days.get(day, Fraction(0)) + today * hourly
            start, hours = start + today * HOUR, hours - today

    def metering_limit(self, now: datetime) -> datetime:
        """The end of the last hour metered by `now`."""
        return min(floor_hour(now), self.last_hour_end)

    def stop_metering(self) -> None:
        self.metering = False

    def resume_metering(self, now: datetime) -> None:
        """Metering resumes with the first whole hour after `now` (AUTO-7)."""
        self.metering = True
        self.metered_until = max(self.metered_until, ceil_hour(now))

    # --- where the fees stand -------------------------------------------------------------

    @property
    def toward_threshold(self) -> Fraction:
        """AUTO-2/3: fees since the last deduction attempt that no payment took yet."""
        return min(self.undeducted, self.since_attempt)

    @property
    def payable(self) -> Fraction:
        """What a deduction takes now: billed and undeducted fees, to the cent."""
        return cents(self.billed + self.undeducted)

    @property
    def outstanding(self) -> Fraction:
        """Every fee not yet paid (OV-2), exact."""
        return self.fees - self.paid

    @property
    def in_flight_from_billed(self) -> bool:
        """Whether a deduction under way took fees a failed deduction had billed (AUTO-7)."""
        return bool(self.took_billed & self.in_flight.keys())

    def start_deduction(self, deduction: str) -> Fraction:
        if self.billed:
            self.took_billed.add(deduction)
        total = self.billed + self.undeducted
        amount = cents(total)
        self.undeducted = total - amount
        self.billed = Fraction(0)
        self.since_attempt = Fraction(0)
        if amount:
            self.in_flight[deduction] = amount
        return amount

    def settle_deduction(self, deduction: str, *, paid: bool) -> None:
        amount = self.in_flight.pop(deduction, None)
        if amount is None:
            amount = self.unknown.pop(deduction, Fraction(0))
        if paid:
            self.paid += amount
        else:
            self.billed += amount

    def deduction_unknown(self, deduction: str) -> None:
        if deduction in self.in_flight:
            self.unknown[deduction] = self.in_flight.pop(deduction)

    def start_repayment(self, repayment: str, amount: Fraction) -> None:
        from_billed = min(amount, self.billed)
        self.billed -= from_billed
        self.undeducted -= amount - from_billed
        self.repaying[repayment] = Repaying(from_billed, amount - from_billed)

    def settle_repayment(self, repayment: str, *, paid: bool) -> None:
        taken = self.repaying.pop(repayment, None) or self.unknown_repayments.pop(repayment, None)
        if taken is None:
            return
        if paid:
            self.paid += taken.from_billed + taken.from_undeducted
        else:
            self.billed += taken.from_billed
            self.undeducted += taken.from_undeducted

    def repayment_unknown(self, repayment: str) -> None:
        if repayment in self.repaying:
            self.unknown_repayments[repayment] = self.repaying.pop(repayment)

    @property
    def payment_in_flight(self) -> bool:
        return bool(self.in_flight)

    def plan_charge(self, at: datetime, price: Fraction) -> None:
        """PLAN-1: a Coding Plan price includes its tax; it is paid at once, never outstanding."""
        pretax = price / (1 + self.tax_rate)
        spend = self.months.setdefault((at.year, at.month), MonthSpend())
        spend.plan_pretax += pretax
        spend.plan_tax += price - pretax
