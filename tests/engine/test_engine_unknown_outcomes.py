"""Unknown outcomes: a charge whose answer is lost is neither paid nor failed; it keeps its key
and its fees until a look-up by that key tells, and nothing is ever charged twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from .conftest import World

F = Fraction


def events(world: World, type_: str, account: str = "acme") -> list[dict]:
    return [e.fields for e in world.sink.of(type_, account)]


def over_threshold_with_answers_lost(world: World) -> None:
    world.open()
    world.link_card()
    world.cards.by_key.lost = True
    world.use("acme", "1000")
    world.settle()


def test_a_lost_answer_is_unknown_not_failed_and_its_fees_stay_reserved(world: World) -> None:
    over_threshold_with_answers_lost(world)
    assert events(world, "deduction.failed") == []
    assert events(world, "deduction.unknown") == [
        {"deduction": "acme-ded-1", "amount": F(1000), "charged": F(1000)}
    ]
    ledger = world.engine.account("acme").ledger
    assert (ledger.unknown, ledger.billed, ledger.payable) == (F(1000), 0, 0)
    assert ledger.paid + ledger.outstanding == ledger.fees  # H-3 holds while unknown


def test_an_unknown_deduction_found_paid_is_reconciled_and_never_charged_again(
    world: World,
) -> None:
    over_threshold_with_answers_lost(world)
    world.cards.by_key.lookup_down = True
    world.time.advance(minutes=5)  # first look: the gateway cannot say yet
    assert events(world, "deduction.reconciled") == []
    world.cards.by_key.lookup_down = False
    world.time.advance(hours=1)
    assert events(world, "deduction.reconciled") == [
        {
            "deduction": "acme-ded-1",
            "amount": F(1000),
            "from_balance": F(0),
            "charged": F(1000),
            "outcome": "succeeded",
        }
    ]
    ledger = world.engine.account("acme").ledger
    assert (ledger.paid, ledger.unknown, ledger.outstanding) == (F(1000), 0, 0)
    assert len(world.cards.charges) == 1
    assert world.engine.ledger().charged["card"] == F(1000)


def test_month_end_and_repayment_do_not_take_fees_an_unknown_deduction_holds(
    world: World,
) -> None:
    over_threshold_with_answers_lost(world)
    world.cards.by_key.lookup_down = True
    world.use("acme", "10")
    assert world.engine.account("acme").ledger.payable == F(10)
    world.time.advance_to(world.time.now().replace(day=1, hour=0, month=2))
    month_end = [d for d in events(world, "deduction.initiated") if d["trigger"] == "month_end"]
    assert [d["amount"] for d in month_end] == [F(10)]


def test_a_charge_the_gateway_never_made_fails_and_the_next_trigger_takes_it_again(
    world: World,
) -> None:
    world.open()
    world.link_card()
    world.cards.down.add("charge")  # nothing reaches the gateway, yet the engine cannot know:
    world.cards.by_key.lost = True
    world.use("acme", "1000")
    world.settle()
    # the engine saw GatewayUnavailable (nothing done) and fails at once, as before
    assert events(world, "deduction.failed")[0]["reason"] == "gateway_unavailable"
    world.cards.down.clear()
    world.cards.by_key.lost = False
    world.use("acme", "1000")
    world.settle()
    assert [c[1] for c in world.cards.charges] == [Decimal("2000.00")]


def test_an_unknown_charge_the_look_up_does_not_find_fails_as_gateway_unavailable(
    world: World,
) -> None:
    over_threshold_with_answers_lost(world)
    world.cards.by_key.results.clear()  # the gateway has no record of the key
    world.time.advance(minutes=5)
    (reconciled,) = events(world, "deduction.reconciled")
    assert (reconciled["outcome"], reconciled["reason"]) == ("failed", "gateway_unavailable")
    ledger = world.engine.account("acme").ledger
    assert (ledger.unknown, ledger.billed) == (0, F(1000))


def test_look_ups_come_5_minutes_1_hour_1_day_then_daily_after_the_unknown(
    world: World,
) -> None:
    over_threshold_with_answers_lost(world)
    world.cards.by_key.lookup_down = True
    became_unknown = world.time.now()
    looks: list[timedelta] = []
    original = world.cards.find_charge

    def counting(key: str):
        looks.append(world.time.now() - became_unknown)
        return original(key)

    world.cards.find_charge = counting  # type: ignore[method-assign]
    world.time.advance(days=3, minutes=1)
    assert looks == [
        timedelta(minutes=5),
        timedelta(hours=1),
        timedelta(days=1),
        timedelta(days=2),
        timedelta(days=3),
    ]


def test_an_unknown_repayment_reserves_its_amount_until_reconciled(world: World) -> None:
    world.open()
    world.link_card()
    world.use("acme", "300")
    world.cards.by_key.lost = True
    world.engine.repay("acme", "300.00", None)
    world.settle()
    assert events(world, "repayment.unknown")[0]["amount"] == F(300)
    ledger = world.engine.account("acme").ledger
    assert (ledger.payable, ledger.unknown) == (0, F(300))
    world.cards.by_key.lost = False
    world.time.advance(minutes=5)
    assert events(world, "repayment.reconciled")[0]["status"] == "paid"
    assert (ledger.paid, ledger.outstanding) == (F(300), 0)
    assert len(world.cards.charges) == 1


def test_an_unknown_paypal_deduction_is_reconciled_through_paypal(world: World) -> None:
    world.open()
    world.link_paypal(threshold="50.00")
    world.paypal.by_key.lost = True
    world.use("acme", "60")
    world.settle()
    world.paypal.by_key.lost = False
    world.time.advance(minutes=5)
    assert events(world, "deduction.reconciled")[0]["outcome"] == "succeeded"
    assert world.engine.ledger().charged["paypal"] == F(60)
    assert world.paypal.charges == [Decimal("60.00")]


def test_an_unknown_plan_purchase_waits_then_is_purchased_once(world: World) -> None:
    world.open()
    world.link_card()
    world.cards.by_key.lost = True
    outcome = world.engine.buy_plan("acme", "lite", 0)
    assert outcome.status == "unknown"
    assert events(world, "plan.purchase_unknown")
    world.cards.by_key.lost = False
    world.time.advance(minutes=5)
    assert [e["plan"] for e in events(world, "plan.purchased")] == ["lite"]
    assert len(world.cards.charges) == 1
