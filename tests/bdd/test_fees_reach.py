"""`Given <name>'s fees reach <amount> at <when>`: the fees, tax included, reach the amount at
that hour and not before, also where the tax makes no decimal pretax fee come out exact."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from billing_engine.money import round_cents

from .billing_world import BillingWorld
from .customer_words import card, moment


@pytest.fixture
def billing():
    world = BillingWorld(transport="direct")
    yield world
    world.close()


def fees_reach(billing: BillingWorld, amount: str, tax: str | None) -> None:
    billing.set_start(moment("31 January 2026 00:00 UTC"))
    if tax is not None:
        billing.draft("Ada", country="DE", tax_rate=Decimal(tax))
    billing.give_card("Ada", card("Visa card"))
    billing.give_fees_reaching("Ada", "qwen-max", Decimal(amount), moment("31 January 2026 08:00"))


@pytest.mark.parametrize("tax", [None, "0.19", "0.07"])
def test_the_fees_show_the_amount_at_that_hour_and_not_before(billing, tax):
    fees_reach(billing, "999.99", tax)
    billing.run_until(moment("31 January 2026 07:00 UTC"))
    assert billing.engine.total_amount_due("ada") < Fraction("999.99")
    billing.run_until(moment("31 January 2026 08:00 UTC"))
    fees = billing.account("Ada").ledger.fees
    assert round_cents(fees) == Fraction("999.99")
    assert billing.engine.total_amount_due("ada") == Fraction("999.99")
    assert billing.deductions("Ada") == []


def test_without_tax_the_fees_are_the_amount_exactly(billing):
    fees_reach(billing, "999.99", None)
    billing.run_until(moment("31 January 2026 08:00 UTC"))
    assert billing.account("Ada").ledger.fees == Fraction("999.99")


def test_with_tax_reaching_the_card_threshold_starts_a_deduction_of_exactly_it(billing):
    fees_reach(billing, "1000.00", "0.19")
    billing.run_until(moment("31 January 2026 08:00 UTC"))
    (deduction,) = billing.deductions("Ada")
    assert (deduction["at"], deduction["trigger"], deduction["amount"]) == (
        "2026-01-31T08:00:00Z",
        "threshold",
        "1000.00",
    )
