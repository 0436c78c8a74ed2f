"""Automatic collection: thresholds (AUTO-1/2/3), month end (AUTO-4), failed deductions (AUTO-6),
merchant-initiated charges (AUTO-8), exact money (H-3) and usage input checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_engine.errors import InvalidUsage, UnknownAccount, UnknownProduct
from simulator.event_json import to_record

from .conftest import MASTERCARD, World, make_world

F = Fraction


def deductions(world: World, type_: str = "deduction.initiated", account: str = "acme") -> list:
    return [e.fields for e in world.sink.of(type_, account)]


@pytest.mark.parametrize(
    ("fee", "deducted"),
    [("999.99", None), ("1000.00", F(1000)), ("1000.01", F("1000.01"))],
)
def test_auto2_card_threshold_boundary_999_99_1000_00_1000_01(world: World, fee, deducted) -> None:
    """AUTO-2: reaching USD 1,000.00 exactly counts; one cent below does not."""
    world.open()
    world.link_card()
    world.use("acme", fee)
    initiated = deductions(world)
    if deducted is None:
        assert initiated == []
    else:
        assert initiated == [
            {"deduction": "acme-ded-1", "trigger": "threshold", "amount": deducted, "method": 0}
        ]


def test_auto2_threshold_is_a_trigger_not_a_cap(world: World) -> None:
    """AUTO-2: the deduction takes all accumulated fees, tax included."""
    world.open(tax_rate="0.10")
    world.link_card()
    world.use("acme", "900")  # 990.00 with tax
    world.time.advance(hours=1)
    world.use("acme", "100")  # +110.00: 1100.00 since the last attempt
    assert deductions(world)[0]["amount"] == F(1100)
    world.settle()
    assert world.cards.charges[-1][1] == Decimal("1100.00")
    assert deductions(world, "deduction.succeeded")[0]["charged"] == F(1100)


def test_auto1_deductions_come_from_the_default_method(world: World) -> None:
    """AUTO-1: the system deducts from the default method, which the customer may change."""
    world.open()
    world.link_card()
    world.link_card(number=MASTERCARD)
    world.engine.set_default("acme", 1)
    world.use("acme", "1000")
    card_token = world.engine.account("acme").methods[1].token
    assert world.cards.charges[0][0] == card_token
    assert deductions(world)[0]["method"] == 1


def test_auto2_threshold_reached_while_in_flight_waits_for_settlement(world: World) -> None:
    """AUTO-2 with PAY-5: never two deductions in flight; the next starts when one settles."""
    world.open()
    world.link_card()
    world.use("acme", "1000")
    world.time.advance(minutes=10)
    world.use("acme", "1200")
    assert len(deductions(world)) == 1
    world.settle()
    assert [e["amount"] for e in deductions(world)] == [F(1000), F(1200)]
    assert world.sink.of("deduction.initiated")[1].at == world.sink.of("deduction.succeeded")[0].at


def test_auto2_lower_threshold_on_default_change_triggers_at_once(world: World) -> None:
    """AUTO-2/3: switching the default to PayPal (threshold 50) with 60.00 accrued deducts."""
    world.open()
    world.link_card()
    world.link_paypal(threshold="50")
    world.use("acme", "60")
    assert deductions(world) == []
    world.engine.set_default("acme", 1)
    assert deductions(world)[0]["amount"] == F(60)


def test_auto4_month_end_deducts_once_after_the_last_hour_is_metered(world: World) -> None:
    """AUTO-4: 00:00 UTC on the 1st, one deduction for everything not yet deducted; the hour
    ending at 00:00 belongs to the closing month."""
    world.open(tax_rate="0.10")
    world.link_card()
    world.use("acme", "100")
    boundary = datetime(2026, 2, 1, tzinfo=UTC)
    world.time.advance_to(boundary, run_due=False)
    world.use("acme", "100")
    world.time.advance_to(boundary)
    assert deductions(world) == [
        {"deduction": "acme-ded-1", "trigger": "month_end", "amount": F(220), "method": 0}
    ]
    closed = world.sink.of("month.closed")
    assert [e.fields["month"] for e in closed] == [1]
    assert closed[0].fields["pretax"] == F(200)
    assert closed[0].fields["tax"] == F(20)
    assert closed[0].fields["total"] == F(220)
    assert closed[0].fields["by_mode"] == {"payg": {"pretax": 200, "tax": 20, "total": 220}}
    world.time.advance(days=40)
    assert len(deductions(world)) == 1  # February had no fees: no deduction, still closed
    assert [e.fields["month"] for e in world.sink.of("month.closed")] == [1, 2]


def test_auto4_accounts_close_in_opening_order_one_deduction_each() -> None:
    """AUTO-4: one timer for all accounts, processed in opening order."""
    world = make_world()
    for name, payer in (("zed", "P1"), ("acme", "P2")):
        world.open(name)
        world.link_paypal(name, threshold="500", payer=payer)
        world.use(name, "10")
    world.time.advance_to(datetime(2026, 2, 1, tzinfo=UTC))
    order = [(e.type, e.account) for e in world.sink.events if e.at.day == 1]
    assert order == [
        ("deduction.initiated", "zed"),
        ("month.closed", "zed"),
        ("deduction.initiated", "acme"),
        ("month.closed", "acme"),
    ]


def test_auto4_month_end_waits_for_the_deduction_in_flight() -> None:
    """AUTO-4: a deduction in flight at month end is settled first, then the month-end one."""
    world = make_world(start=datetime(2026, 1, 31, 23, 50, tzinfo=UTC))
    world.open()
    world.link_card()
    world.use("acme", "1000")
    world.time.advance_to(datetime(2026, 2, 1, tzinfo=UTC), run_due=False)
    world.use("acme", "5")
    world.time.advance(hours=1)
    initiated = deductions(world)
    assert [(e["trigger"], e["amount"]) for e in initiated] == [
        ("threshold", F(1000)),
        ("month_end", F(5)),
    ]
    account = world.engine.account("acme")
    assert account.month_end_deductions == {(2026, 1): "acme-ded-2"}


def test_auto6_failed_deduction_leaves_fees_outstanding_and_next_trigger_retries_all(
    world: World,
) -> None:
    """AUTO-6: the failed amount stays outstanding; the month-end deduction takes it all."""
    world.open()
    world.link_card()
    world.cards.fail_charges = ["insufficient_funds"]
    world.use("acme", "1000")
    world.settle()
    assert deductions(world, "deduction.failed")[0]["reason"] == "insufficient_funds"
    assert world.engine.total_amount_due("acme") == F(1000)
    world.time.advance(hours=1)
    world.use("acme", "20")
    assert len(deductions(world)) == 1  # 20.00 since the attempt is below the threshold
    world.time.advance_to(datetime(2026, 2, 1, tzinfo=UTC))
    assert deductions(world)[-1]["amount"] == F(1020)
    world.settle()
    assert world.engine.total_amount_due("acme") == 0


def test_auto6_no_payment_method_fails_the_month_end_deduction(world: World) -> None:
    """AUTO-6: without a default method the deduction fails, fees stay outstanding."""
    world.open()
    world.use("acme", "10")
    world.time.advance_to(datetime(2026, 2, 1, 0, 30, tzinfo=UTC))
    assert deductions(world, "deduction.failed")[0]["reason"] == "no_payment_method"
    assert world.engine.total_amount_due("acme") == F(10)


def test_auto6_gateway_unavailable_fails_the_deduction(world: World) -> None:
    """AUTO-6: no answer from the processor is a failed deduction; the fees stay outstanding."""
    world.open()
    world.link_card()
    world.cards.down = {"charge"}
    world.use("acme", "1000")
    world.settle()
    assert deductions(world, "deduction.failed")[0]["reason"] == "gateway_unavailable"
    assert world.engine.total_amount_due("acme") == F(1000)
    assert world.engine.ledger().charged["card"] == 0


def test_auto8_deductions_are_merchant_initiated_without_3ds(world: World) -> None:
    """AUTO-8: a stored-credential charge, never a 3D Secure request."""
    world.open()
    world.link_card()
    requests_at_link = len(world.threeds.requests)
    world.use("acme", "1000")
    _, _, merchant_initiated, threeds_id = world.cards.charges[0]
    assert merchant_initiated is True and threeds_id is None
    assert len(world.threeds.requests) == requests_at_link


def test_card7_no_service_fee_is_added_to_card_charges(world: World) -> None:
    """CARD-7: the card is charged exactly the fees, no service or conversion fee."""
    world.open()
    world.link_card()
    world.use("acme", "1234.56")
    world.settle()
    assert [c[1] for c in world.cards.charges] == [Decimal("1234.56")]
    assert world.engine.ledger().charged["card"] == F("1234.56")


def test_h3_sub_cent_remainder_is_carried_not_lost(world: World) -> None:
    """H-3: a deduction takes the fees rounded half-even; the remainder is carried, so fees ==
    paid + outstanding exactly, whichever way the rounding went."""
    world.open(tax_rate="0.07")
    world.link_card()
    world.use("acme", "1000.001")  # 1070.00107 with tax
    ledger = world.engine.account("acme").ledger
    assert ledger.in_flight == F("1070.00")
    assert ledger.undeducted == F("0.00107")
    world.settle()
    world.use("acme", "0.004")  # +0.00428: 0.00535 carried, rounds up to 0.01
    world.time.advance_to(datetime(2026, 2, 1, 1, tzinfo=UTC))
    assert deductions(world)[-1]["amount"] == F("0.01")
    assert ledger.undeducted == F("-0.00465")
    totals = world.engine.ledger()
    assert totals.fees == totals.paid + totals.outstanding
    assert totals.paid == F("1070.01")
    assert world.engine.total_amount_due("acme") == 0


def test_auto2_hours_until_threshold_counts_whole_hours(world: World) -> None:
    """AUTO-2: the caller may batch usage up to the hour the threshold is reached."""
    world.open(tax_rate="0.25")
    assert world.engine.hours_until_threshold("acme", "8") is None  # no default method
    world.link_card()
    assert world.engine.hours_until_threshold("acme", "8") == 100  # 10.00 an hour with tax
    assert world.engine.hours_until_threshold("acme", "0") is None
    world.engine.activate_product("acme", "qwen-max")
    world.engine.record_usage("acme", "qwen-max", hours=99, pretax_per_hour="8")
    assert world.engine.hours_until_threshold("acme", "8") == 1
    assert deductions(world) == []
    world.time.advance(hours=1)
    world.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour="8")
    assert deductions(world)[0]["amount"] == F(1000)


def _log(world: World) -> list[dict]:
    return [to_record(e, 0) for e in world.sink.events]


@given(
    start_hour=st.integers(0, 24 * 20),
    rate=st.decimals("0", "40", places=4),
    tax=st.sampled_from(["0", "0.06", "0.0825", "0.2"]),
    hours=st.integers(1, 200),
)
def test_auto2_batch_usage_equals_hour_by_hour(start_hour, rate, tax, hours) -> None:
    """AUTO-2/H-3: a batch of hourly fees ending before the threshold hour or the month end
    gives exactly the state and events of the same hours recorded one by one."""
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=start_hour)
    worlds = [make_world(start=start), make_world(start=start)]
    for world in worlds:
        world.open(tax_rate=tax)
        world.link_card()
        world.engine.activate_product("acme", "qwen-max")
    limit = worlds[0].engine.hours_until_threshold("acme", rate)
    hours_left_in_month = int((datetime(2026, 2, 1, tzinfo=UTC) - start) / timedelta(hours=1))
    hours = min(hours, limit or hours, hours_left_in_month)
    one_by_one, batched = worlds
    for _ in range(hours):
        one_by_one.time.advance_to(one_by_one.time.now() + timedelta(hours=1), run_due=False)
        one_by_one.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour=rate)
    batched.time.advance_to(start + timedelta(hours=hours), run_due=False)
    batched.engine.record_usage("acme", "qwen-max", hours=hours, pretax_per_hour=rate)
    for world in worlds:
        world.time.advance(hours=1)
    assert one_by_one.engine.account("acme").ledger == batched.engine.account("acme").ledger
    assert _log(one_by_one) == _log(batched)


def test_usage_input_is_checked_and_state_unchanged(world: World) -> None:
    """Bad usage raises a typed error naming the problem; nothing is recorded (AUTO-2)."""
    world.open()
    world.engine.activate_product("acme", "qwen-max")
    before = len(world.sink.events)
    with pytest.raises(InvalidUsage, match="negative"):
        world.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour="-1")
    with pytest.raises(InvalidUsage, match="not a decimal"):
        world.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour="ten")
    with pytest.raises(InvalidUsage, match="decimal string"):
        world.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour=1.5)
    with pytest.raises(InvalidUsage, match="hours"):
        world.engine.record_usage("acme", "qwen-max", hours=-2, pretax_per_hour="1")
    with pytest.raises(UnknownProduct, match="not activated"):
        world.engine.record_usage("acme", "qwen-plus", hours=1, pretax_per_hour="1")
    with pytest.raises(UnknownAccount, match="nobody"):
        world.engine.record_usage("nobody", "qwen-max", hours=1, pretax_per_hour="1")
    assert world.engine.account("acme").ledger.fees == 0
    assert len(world.sink.events) == before
