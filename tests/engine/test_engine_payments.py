"""Manual repayment (PAY-1..5), overdue suspension (AUTO-7), the Coding Plan (PLAN-1) and the
overview queries (OV-1..4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from billing_engine.errors import InvalidAmount, PaymentRefused, UnknownPaymentMethod

from .conftest import MASTERCARD, World, make_world

F = Fraction


def failed_deduction(world: World, fee: str = "1000", **open_kwargs: object) -> None:
    """An account whose threshold deduction of `fee` failed for insufficient funds."""
    world.open(**open_kwargs)
    world.link_card()
    world.cards.fail_charges = ["insufficient_funds"]
    world.use("acme", fee)
    world.settle()


def test_pay1_repay_after_a_failed_deduction(world: World) -> None:
    """PAY-1: the customer repays manually after an automatic payment failed."""
    failed_deduction(world)
    outcome = world.engine.repay("acme", "all")
    assert (outcome.status, outcome.amount, outcome.charged) == ("pending", F(1000), F(1000))
    world.settle()
    assert world.sink.of("repayment.settled")[0].fields == {
        "repayment": "acme-rep-1",
        "amount": F(1000),
        "status": "paid",
    }
    assert world.engine.total_amount_due("acme") == 0


def test_pay1_repay_by_preference_before_any_deduction(world: World) -> None:
    """PAY-1: repaying fees not yet deducted lowers what the month end deducts."""
    world.open()
    world.link_card()
    world.use("acme", "300")
    world.engine.repay("acme", "100")
    world.time.advance_to(datetime(2026, 2, 1, tzinfo=UTC))
    assert world.sink.of("deduction.initiated")[0].fields["amount"] == F(200)


def test_auto2_fees_repaid_by_hand_no_longer_count_toward_the_threshold(world: World) -> None:
    """AUTO-2 / PAY-1: the threshold counts fees not yet deducted; fees the customer repaid
    manually are no longer among them, so 600 repaid + 500 new fees trigger nothing."""
    world.open()
    world.link_card()
    world.use("acme", "600")
    world.engine.repay("acme", "all")
    world.settle()
    world.time.advance(hours=1)
    world.use("acme", "500")
    assert world.sink.of("deduction.initiated") == []
    assert world.engine.hours_until_threshold("acme", "100") == 5
    world.time.advance(hours=1)
    world.use("acme", "500")
    assert world.sink.of("deduction.initiated")[0].fields["amount"] == F(1000)


def test_pay2_partial_then_full_repayment(world: World) -> None:
    """PAY-2: the customer may change the amount; Total Amount Due falls by it (OV-2)."""
    failed_deduction(world)
    world.engine.repay("acme", "300.00")
    assert world.engine.total_amount_due("acme") == F(1000)  # pending still counts as due
    world.settle()
    assert world.engine.total_amount_due("acme") == F(700)
    world.engine.repay("acme", "all")
    world.settle()
    assert world.engine.total_amount_due("acme") == 0
    # customer initiated, so each went through 3D Secure first (frictionless here)
    assert [(c[1], c[2], c[3] is not None) for c in world.cards.charges[-2:]] == [
        (Decimal("300.00"), False, True),
        (Decimal("700.00"), False, True),
    ]


@pytest.mark.parametrize("amount", ["0", "-1", "1000.01", "0.001"])
def test_pay2_amount_must_be_above_zero_and_at_most_outstanding(world: World, amount) -> None:
    """PAY-2: otherwise a clear error, a repayment.rejected event, nothing charged."""
    failed_deduction(world)
    charges = len(world.cards.charges)
    with pytest.raises(PaymentRefused, match="PAY-2") as raised:
        world.engine.repay("acme", amount)
    assert raised.value.reason == "invalid_amount"
    assert world.sink.of("repayment.rejected")[0].fields["reason"] == "invalid_amount"
    assert len(world.cards.charges) == charges
    assert world.engine.total_amount_due("acme") == F(1000)


def test_pay2_nothing_outstanding_and_non_numeric_amounts_are_refused(world: World) -> None:
    """PAY-2: "all" of nothing is not a payment; a non-number is bad input."""
    world.open()
    world.link_card()
    with pytest.raises(PaymentRefused, match=r"outstanding 0\.00"):
        world.engine.repay("acme", "all")
    with pytest.raises(InvalidAmount, match="not a decimal"):
        world.engine.repay("acme", "lots")


def test_pay3_balance_covers_part_of_a_deduction(world: World) -> None:
    """PAY-3: the balance first ("Amount Paid"), only the rest charged."""
    world.open(balance="250.00")
    world.link_card()
    world.use("acme", "1000")
    world.settle()
    succeeded = world.sink.of("deduction.succeeded")[0].fields
    assert (succeeded["from_balance"], succeeded["charged"]) == (F(250), F(750))
    assert world.cards.charges[0][1] == Decimal("750.00")
    assert world.engine.account("acme").balance == 0


def test_pay3_balance_covering_all_needs_no_gateway_and_no_method(world: World) -> None:
    """PAY-3: a deduction fully covered by the balance succeeds without a charge."""
    world.open(balance="50.00")
    world.use("acme", "20")
    world.time.advance_to(datetime(2026, 2, 1, 1, tzinfo=UTC))
    assert world.sink.of("deduction.succeeded")[0].fields["from_balance"] == F(20)
    assert world.cards.charges == []
    assert world.engine.account("acme").balance == F(30)


def test_pay3_balance_is_given_back_when_the_charge_fails(world: World) -> None:
    """PAY-3 with AUTO-6: a failed deduction takes nothing, the balance part included."""
    failed_deduction(world, balance="100.00")
    assert world.engine.account("acme").balance == F(100)
    outcome = world.engine.repay("acme", "150")
    assert (outcome.from_balance, outcome.charged) == (F(100), F(50))


def test_pay3_repay_from_balance_alone_needs_no_method(world: World) -> None:
    """PAY-3/PAY-4: without any method only what the balance covers can be repaid."""
    world.open(balance="5.00")
    world.use("acme", "20")
    with pytest.raises(PaymentRefused, match="no payment method") as raised:
        world.engine.repay("acme", "6")
    assert raised.value.reason == "no_payment_method"
    outcome = world.engine.repay("acme", "5")
    assert (outcome.from_balance, outcome.charged, outcome.method_id) == (F(5), 0, None)
    world.settle()
    assert world.engine.total_amount_due("acme") == F(15)


def test_pay4_repay_with_any_active_method(world: World) -> None:
    """PAY-4: a card or PayPal, any active one, not just the default; an unlinked one is
    refused with a reason (logged) and charges nothing."""
    failed_deduction(world)
    world.link_paypal()
    world.engine.repay("acme", "10", method_id=1)
    assert world.paypal.charges == [Decimal("10.00")]
    world.settle()
    with pytest.raises(UnknownPaymentMethod, match="no payment method 7"):
        world.engine.repay("acme", "10", method_id=7)
    world.engine.unlink("acme", 1)
    charges = len(world.paypal.charges)
    with pytest.raises(PaymentRefused, match="payment method 1 is unlinked") as refused:
        world.engine.repay("acme", "10", method_id=1)
    assert refused.value.reason == "method_not_active"
    assert world.sink.of("repayment.rejected")[-1].fields["reason"] == "method_not_active"
    assert len(world.paypal.charges) == charges


def test_pay5_status_updates_30_minutes_later_and_no_duplicate_payment(world: World) -> None:
    """PAY-5: pending, then paid 30 minutes later; a second repayment meanwhile is refused."""
    failed_deduction(world)
    world.engine.repay("acme", "100")
    world.time.advance(minutes=29)
    with pytest.raises(PaymentRefused, match="pending") as raised:
        world.engine.repay("acme", "100")
    assert raised.value.reason == "payment_pending"
    assert world.sink.of("repayment.settled") == []
    world.time.advance(minutes=1)
    assert world.sink.of("repayment.settled")[0].fields["status"] == "paid"
    world.engine.repay("acme", "100")


def test_pay5_failed_repayment_restores_what_is_outstanding(world: World) -> None:
    """PAY-5: a payment may end failed; the amount is outstanding again."""
    failed_deduction(world, balance="40.00")
    world.cards.fail_charges = ["declined"]
    world.engine.repay("acme", "100")
    world.settle()
    settled = world.sink.of("repayment.settled")[0].fields
    assert (settled["status"], settled["reason"]) == ("failed", "declined")
    assert world.engine.total_amount_due("acme") == F(1000)
    assert world.engine.account("acme").balance == F(40)


def test_auto7_outstanding_15_days_after_a_failed_deduction_suspends(world: World) -> None:
    """AUTO-7: overdue and suspended, nothing metered, until paid; then resumed."""
    failed_deduction(world)
    failed_at = world.sink.of("deduction.failed")[0].at
    world.time.advance_to(failed_at + timedelta(days=15), run_due=False)
    assert world.engine.is_metering("acme")
    world.time.advance_to(failed_at + timedelta(days=15))
    assert world.types()[-2:] == ["account.overdue", "account.suspended"]
    assert not world.engine.is_metering("acme")
    world.use("acme", "50")
    assert world.engine.total_amount_due("acme") == F(1000)
    world.engine.repay("acme", "all")
    world.settle()
    assert world.types()[-1] == "account.resumed"
    assert world.engine.is_metering("acme")


def test_auto7_paid_within_the_grace_period_is_not_overdue(world: World) -> None:
    """AUTO-7: repaid before the check: no suspension."""
    failed_deduction(world)
    world.engine.repay("acme", "all")
    world.time.advance(days=20)
    assert "account.suspended" not in world.types()


def test_auto7_grace_counts_from_the_failure_whose_fees_are_unpaid(world: World) -> None:
    """AUTO-7: a repaid failure does not make a later failure overdue early."""
    failed_deduction(world)
    world.engine.repay("acme", "all")
    world.time.advance(days=10)
    world.cards.charge_reason = "declined"  # the month-end retry fails as well
    world.use("acme", "1000")
    world.settle()
    second_failure = world.sink.of("deduction.failed")[1].at
    world.time.advance(days=10)  # 15 days after the first failure
    assert world.engine.account("acme").status == "active"
    world.time.advance_to(second_failure + timedelta(days=15))
    assert world.engine.account("acme").status == "suspended"


def test_auto7_a_retry_failing_again_keeps_the_first_failure_date(world: World) -> None:
    """AUTO-7 with AUTO-6: the retry failed too; overdue 15 days after the first failure."""
    failed_deduction(world)
    first_failure = world.sink.of("deduction.failed")[0].at
    world.time.advance(days=14, hours=23, minutes=50)
    world.cards.fail_charges = ["declined"]
    world.use("acme", "1000")  # in flight over the check, fails at day 15 + 20 min
    world.time.advance_to(first_failure + timedelta(days=15))
    assert world.engine.account("acme").status == "active"
    world.settle()
    assert world.engine.account("acme").status == "suspended"


def test_auto7_grace_is_a_policy_setting_and_a_later_deduction_resumes() -> None:
    """AUTO-7: overdue_grace overridable; a successful later deduction also resumes."""
    world = make_world(overdue_grace_days=2)
    failed_deduction(world)
    world.time.advance(days=2)
    assert world.engine.account("acme").status == "suspended"
    world.time.advance_to(datetime(2026, 2, 1, 1, tzinfo=UTC))
    assert world.types()[-2:] == ["deduction.succeeded", "account.resumed"]


def test_plan1_bought_at_once_through_3ds_and_shown_as_coding_plan(world: World) -> None:
    """PLAN-1 / 3DS-1: a customer-initiated order (3DS asked, not mandated), paid at once,
    under the Coding Plan mode, not outstanding and not toward the threshold."""
    world.open(tax_rate="0.25")
    world.link_card()
    outcome = world.engine.buy_plan("acme", "pro", 0)
    assert (outcome.status, outcome.amount) == ("purchased", F(50))
    assert world.threeds.requests[-1] == (Decimal("50.00"), False)
    assert world.cards.charges[-1][1:] == (Decimal("50.00"), False, "3ds_2")
    spend = world.engine.total_spend("acme", 2026, 1, mode="coding_plan")
    assert (spend.pretax, spend.tax, spend.total) == (F(40), F(10), F(50))
    assert world.engine.total_spend("acme", 2026, 1, mode="payg").total == 0
    assert world.engine.total_amount_due("acme") == 0
    assert world.engine.account("acme").ledger.since_attempt == 0


def test_plan1_renews_monthly_from_the_default_method(world: World) -> None:
    """PLAN-1: renewal on the same day of the month, merchant initiated, default method."""
    world.open()
    world.link_card()
    world.link_card(number=MASTERCARD)
    world.engine.buy_plan("acme", "lite", 1)
    world.time.advance_to(datetime(2026, 2, 10, tzinfo=UTC))
    renewed = world.sink.of("plan.renewed")
    assert [(e.at, e.fields["method"]) for e in renewed] == [(datetime(2026, 2, 10, tzinfo=UTC), 0)]
    assert world.cards.charges[-1][2] is True
    trend = world.engine.spending_trend("acme", (2026, 1), (2026, 2), mode="coding_plan")
    assert [p.total for p in trend] == [F(10), F(10)]


def test_plan1_failed_renewal_lapses_the_plan(world: World) -> None:
    """PLAN-1: a renewal that fails is reported and not retried."""
    world.open()
    world.link_card()
    world.engine.buy_plan("acme", "lite", 0)
    world.cards.charge_reason = "insufficient_funds"
    world.time.advance(days=70)
    assert [e.fields["reason"] for e in world.sink.of("plan.renewal_failed")] == [
        "insufficient_funds"
    ]
    assert world.engine.account("acme").subscriptions["lite"].status == "lapsed"


def test_plan1_3ds_failure_refuses_the_purchase(world: World) -> None:
    """PLAN-1 / 3DS-2: a failed verification ends the order, nothing charged."""
    world.open()
    world.link_card()
    world.threeds.status = "N"
    outcome = world.engine.buy_plan("acme", "lite", 0)
    assert (outcome.status, outcome.reason) == ("refused", "threeds_failed")
    assert world.cards.charges == []
    assert world.sink.of("plan.purchase_refused")[0].fields["reason"] == "threeds_failed"


@pytest.mark.parametrize(
    ("final", "reason", "status", "why"),
    [
        ("Y", None, "purchased", None),
        ("N", "wrong_code", "refused", "threeds_failed"),
        ("U", "cancelled", "refused", "threeds_abandoned"),
    ],
)
def test_3ds1_plan_order_challenged_then_completed(world: World, final, reason, status, why):
    """3DS-1/3DS-2 with PLAN-1: the issuer challenges the order; after the customer returns
    the order continues, or ends with nothing charged."""
    world.open()
    world.link_card()
    world.threeds.status = "C"
    outcome = world.engine.buy_plan("acme", "pro", 0)
    assert (outcome.status, outcome.acs_url) == ("challenge", "https://acs.test/3ds_2")
    with pytest.raises(PaymentRefused, match="awaits 3D Secure"):
        world.engine.buy_plan("acme", "pro", 0)
    world.threeds.final_status, world.threeds.final_reason = final, reason
    outcome = world.engine.complete_plan_threeds("acme", "pro")
    assert (outcome.status, outcome.reason) == (status, why)
    paid = [c for c in world.cards.charges if c[1] == Decimal("50.00")]
    assert paid == ([(paid[0][0], Decimal("50.00"), False, "3ds_2")] if why is None else [])
    assert world.engine.complete_plan_threeds("acme", "pro") == outcome


def test_3ds2_unanswered_plan_challenge_is_abandoned(world: World) -> None:
    """3DS-2: the engine ends an order whose challenge was not completed in time."""
    world.open()
    world.link_card()
    world.threeds.status = world.threeds.final_status = "C"
    world.engine.buy_plan("acme", "lite", 0)
    world.time.advance(minutes=10)
    assert world.sink.of("plan.purchase_refused")[0].fields["reason"] == "threeds_abandoned"
    assert world.engine.total_spend("acme", 2026, 1, mode="coding_plan").total == 0


def test_ov1_total_spend_shows_pretax_tax_and_sum(world: World) -> None:
    """OV-1: the tax-exclusive amount, the tax, and their sum, at full precision."""
    world.open(tax_rate="0.0825")
    world.use("acme", "10")
    world.time.advance(hours=1)
    world.use("acme", "0.333")
    spend = world.engine.total_spend("acme", 2026, 1)
    assert spend.pretax == F("10.333")
    assert spend.tax == F("10.333") * F("0.0825")
    assert spend.total == spend.pretax + spend.tax
    assert world.engine.total_spend("acme", 2026, 2).total == 0


def test_ov2_total_amount_due_is_the_outstanding_balance(world: World) -> None:
    """OV-2: fees not yet paid, shown to the cent; paying lowers it."""
    world.open()
    world.link_card()
    world.use("acme", "12.345")
    assert world.engine.total_amount_due("acme") == F("12.34")  # half-even
    world.engine.repay("acme", "12.34")
    world.settle()
    assert world.engine.total_amount_due("acme") == 0


def test_ov3_spending_trend_by_month_product_and_mode(world: World) -> None:
    """OV-3: month by month over a range, filterable by product and billing mode."""
    world.open()
    world.link_card()
    world.use("acme", "5", product="qwen-max")
    world.use("acme", "7", product="qwen-plus")
    world.time.advance_to(datetime(2026, 3, 5, tzinfo=UTC))
    world.use("acme", "3", product="qwen-max")
    trend = world.engine.spending_trend("acme", (2025, 12), (2026, 3))
    assert [(p.year, p.month, p.total) for p in trend] == [
        (2025, 12, 0),
        (2026, 1, 12),
        (2026, 2, 0),
        (2026, 3, 3),
    ]
    by_product = world.engine.spending_trend("acme", (2026, 1), (2026, 3), product="qwen-max")
    assert [p.total for p in by_product] == [5, 0, 3]
    assert [
        p.total
        for p in world.engine.spending_trend("acme", (2026, 1), (2026, 1), mode="coding_plan")
    ] == [0]


def test_ov4_both_billing_modes_in_the_overview(world: World) -> None:
    """OV-4: PAYG and Coding Plan together in Total Spend and in month.closed."""
    world.open()
    world.link_card()
    world.use("acme", "5")
    world.engine.buy_plan("acme", "lite", 0)
    assert world.engine.total_spend("acme", 2026, 1).total == F(15)
    world.time.advance_to(datetime(2026, 2, 1, tzinfo=UTC))
    closed = world.sink.of("month.closed")[0].fields
    assert closed["total"] == F(15)
    assert closed["by_mode"] == {
        "payg": {"pretax": 5, "tax": 0, "total": 5},
        "coding_plan": {"pretax": 10, "tax": 0, "total": 10},
    }


def test_3ds1_a_card_repayment_the_bank_challenges_waits_for_the_customer(world: World) -> None:
    """3DS-1/2: a repayment is customer initiated; a challenged one charges only once passed."""
    failed_deduction(world)
    world.threeds.status, world.threeds.final_status = "C", "Y"
    outcome = world.engine.repay("acme", "300.00")
    assert (outcome.status, outcome.acs_url) == ("challenge", "https://acs.test/3ds_2")
    charges_before = len(world.cards.charges)
    with pytest.raises(PaymentRefused) as second:  # PAY-5: one at a time, challenge included
        world.engine.repay("acme", "100.00")
    assert second.value.reason == "payment_pending"
    assert world.engine.complete_repayment_threeds("acme").status == "pending"
    world.settle()
    assert len(world.cards.charges) == charges_before + 1
    assert world.engine.total_amount_due("acme") == F(700)


@pytest.mark.parametrize(("final", "reason"), [("N", "threeds_failed"), ("U", "threeds_abandoned")])
def test_3ds2_a_failed_or_abandoned_repayment_challenge_charges_nothing(
    world: World, final: str, reason: str
) -> None:
    failed_deduction(world)
    world.threeds.status, world.threeds.final_status = "C", final
    charges_before = len(world.cards.charges)
    world.engine.repay("acme", "300.00")
    world.time.advance(minutes=10)  # the customer never comes back, or failed the code
    assert world.sink.of("repayment.rejected")[-1].fields["reason"] == reason
    assert len(world.cards.charges) == charges_before
    assert world.engine.total_amount_due("acme") == F(1000)
