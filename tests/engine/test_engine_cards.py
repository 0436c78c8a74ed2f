"""Linking bank cards: CARD-1..6, 3D Secure (3DS-1/2), one card one account (LINK-1/2) and no
card number or CVV anywhere (H-4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing_engine.errors import AccountStateError, InvalidCard
from billing_engine.ports import CardDetails
from simulator.event_json import to_json

from .conftest import MASTERCARD, VISA, World, card

AMEX = "378282246310005"
MASTERCARD_2_SERIES = "2223003122003222"
DINERS = "36227206271667"


def rejected(world: World, account: str = "acme") -> list[str]:
    return [e.fields["reason"] for e in world.sink.of("payment_method.link_rejected", account)]


@pytest.mark.parametrize(
    ("exp", "status", "reason"),
    [
        ((12, 2025), "rejected", "expired"),
        ((1, 2026), "rejected", "expires_this_month"),
        ((2, 2026), "linked", None),
    ],
)
def test_card4_expiry_previous_current_next_month(world: World, exp, status, reason) -> None:
    """CARD-4: a card expiring in the current month (or earlier) cannot be added (now: Jan 2026)."""
    world.open()
    outcome = world.link_card(exp=exp)
    assert (outcome.status, outcome.reason) == (status, reason)


@pytest.mark.parametrize(
    ("number", "cvv", "status", "detail"),
    [
        (VISA, "123", "linked", "visa"),
        (MASTERCARD, "123", "linked", "mastercard"),
        (MASTERCARD_2_SERIES, "123", "linked", "mastercard"),
        (AMEX, "1234", "linked", "amex"),
        (AMEX, "123", "rejected", "invalid_cvv"),
        (VISA, "1234", "rejected", "invalid_cvv"),
        (VISA, "12a", "rejected", "invalid_cvv"),
        ("4242424242424241", "123", "rejected", "invalid_number"),
        ("4242 4242 4242 42x2", "123", "rejected", "invalid_number"),
        ("42", "123", "rejected", "invalid_number"),
        (DINERS, "123", "rejected", "unsupported_brand"),
    ],
)
def test_card4_number_brand_and_cvv(world: World, number, cvv, status, detail) -> None:
    """CARD-4: Luhn-valid number of a supported brand (Mastercard 2-series too); CVV of 3
    digits, 4 for American Express."""
    world.open()
    outcome = world.link_card(number=number, cvv=cvv)
    assert outcome.status == status
    if status == "linked":
        assert world.engine.account("acme").methods[0].brand == detail
    else:
        assert outcome.reason == detail
        assert world.cards.authorizations == []  # refused before any gateway call


def test_card4_malformed_card_raises_and_takes_no_method_index(world: World) -> None:
    """CARD-4: data no form would submit raises InvalidCard; nothing recorded or emitted."""
    world.open()
    before = list(world.sink.events)
    bad = CardDetails(number=VISA, exp_month=13, exp_year=2030, cvv="123", name="ACME")
    with pytest.raises(InvalidCard, match="exp_month 13") as raised:
        world.engine.link_card("acme", bad)
    assert VISA not in str(raised.value)
    with pytest.raises(InvalidCard, match="name"):
        world.engine.link_card("acme", CardDetails(VISA, 1, 2030, "123", " "))
    assert world.engine.account("acme").methods == []
    assert world.sink.events == before


@pytest.mark.parametrize("reason", ["online_disabled", "international_disabled"])
def test_card1_card_must_allow_online_and_international(world: World, reason) -> None:
    """CARD-1: the issuer refuses the pre-authorization; nothing linked, nothing registered."""
    world.open()
    world.open("beta")
    world.cards.authorize_reason = reason
    outcome = world.link_card()
    assert (outcome.status, outcome.reason) == ("rejected", reason)
    assert world.engine.account("acme").default_method_id is None
    world.cards.authorize_reason = None
    assert world.link_card("beta").status == "linked"  # no registry entry was left


def test_card2_preauth_needs_funds(world: World) -> None:
    """CARD-2: insufficient funds for the USD 1.00 pre-authorization refuses the link."""
    world.open()
    world.cards.authorize_reason = "insufficient_funds"
    assert world.link_card().reason == "insufficient_funds"
    assert world.sink.of("preauth.authorized") == []


@pytest.mark.parametrize(("country", "mandated"), [("MY", True), ("DE", True), ("US", False)])
def test_card3_3ds_mandated_for_malaysia_and_eu(world: World, country, mandated) -> None:
    """CARD-3: linking asks 3DS with the challenge mandated in Malaysia and EU states."""
    world.open(country=country)
    world.link_card()
    assert world.threeds.requests == [(Decimal("1.00"), mandated)]


def test_card3_card_without_3ds_support_is_refused(world: World) -> None:
    """CARD-3: the card must support 3D Secure."""
    world.open(country="DE")
    world.threeds.status, world.threeds.reason = "U", "not_enrolled"
    assert world.link_card().reason == "threeds_not_supported"
    assert world.cards.authorizations == []


def test_card5_preauth_one_dollar_descriptor_released_by_issuer(world: World) -> None:
    """CARD-5: USD 1.00 with descriptor ALIBABACLOUD.COM, never captured, released by the
    issuing bank (checked at the release time the gateway gives)."""
    world.open()
    world.link_card()
    _, amount, descriptor, _ = world.cards.authorizations[0]
    assert (amount, descriptor) == (Decimal("1.00"), "ALIBABACLOUD.COM")
    authorized = world.sink.of("preauth.authorized")[0].fields
    assert authorized["amount"] == 1 and authorized["descriptor"] == "ALIBABACLOUD.COM"
    world.time.advance(days=2)
    assert world.sink.of("preauth.released") == []
    world.time.advance(days=2)
    released = world.sink.of("preauth.released")
    assert [e.fields["by"] for e in released] == ["issuer"]
    assert released[0].at == world.sink.of("preauth.authorized")[0].at + timedelta(days=3)
    assert world.cards.charges == []


def test_card6_first_linked_card_becomes_default_and_active(world: World) -> None:
    """CARD-6: linked after the pre-authorization; the first card is the default."""
    world.open()
    world.link_card()
    world.link_card(number=MASTERCARD)
    linked = [e.fields for e in world.sink.of("payment_method.linked")]
    assert [(f["method"], f["default"], f["brand"], f["last4"]) for f in linked] == [
        (0, True, "visa", "4242"),
        (1, False, "mastercard", "4444"),
    ]
    account = world.engine.account("acme")
    assert [m.status for m in account.methods] == ["active", "active"]
    assert world.types().index("preauth.authorized") < world.types().index("payment_method.linked")


def test_card6_rejected_attempt_still_takes_a_method_index(world: World) -> None:
    """CARD-6: method ids count link attempts, so the scenario's INDEX maps directly."""
    world.open()
    world.link_card(exp=(1, 2026))
    outcome = world.link_card()
    assert outcome.method_id == 1
    assert world.engine.account("acme").default_method_id == 1


def test_3ds1_issuer_may_challenge_even_when_not_mandated(world: World) -> None:
    """3DS-1: the issuer detects risk and challenges; the link waits for the customer."""
    world.open(country="US")
    world.threeds.status = "C"
    outcome = world.link_card()
    assert outcome.status == "challenge"
    assert outcome.acs_url == "https://acs.test/3ds_1"
    assert world.types()[-1] == "threeds.challenged"
    assert world.engine.account("acme").methods[0].status == "pending"


@pytest.mark.parametrize(
    ("final", "reason", "status", "why"),
    [
        ("Y", None, "linked", None),
        ("N", "wrong_code", "rejected", "threeds_failed"),
        ("U", "cancelled", "rejected", "threeds_abandoned"),
    ],
)
def test_3ds2_challenge_completed_failed_or_cancelled(world: World, final, reason, status, why):
    """3DS-2: the operation continues after a passed challenge; failed or abandoned, nothing is
    linked or charged."""
    world.open(country="DE")
    world.threeds.status = "C"
    world.link_card()
    world.threeds.final_status, world.threeds.final_reason = final, reason
    outcome = world.engine.complete_threeds("acme", 0)
    assert (outcome.status, outcome.reason) == (status, why)
    assert world.sink.of("threeds.completed")[0].fields["trans_status"] == final
    if status == "rejected":
        assert world.cards.authorizations == []
    else:
        assert world.cards.authorizations[0][3] == "3ds_1"  # the 3DS proof goes with the hold
    assert world.engine.complete_threeds("acme", 0) == outcome  # a second return changes nothing


def test_3ds2_unanswered_challenge_is_abandoned_after_the_timeout(world: World) -> None:
    """3DS-2: the engine checks by itself after policy.threeds_timeout."""
    world.open(country="MY")
    world.threeds.status = world.threeds.final_status = "C"
    world.link_card()
    world.time.advance(minutes=9)
    assert rejected(world) == []
    world.time.advance(minutes=1)
    assert rejected(world) == ["threeds_abandoned"]


def test_3ds2_frictionless_refusal_fails_the_link(world: World) -> None:
    """3DS-2: N without a challenge: failed, nothing held."""
    world.open()
    world.threeds.status = "N"
    assert world.link_card().reason == "threeds_failed"
    assert world.cards.authorizations == []


def test_link1_a_card_links_to_one_account_only(world: World) -> None:
    """LINK-1: by fingerprint; the second account is refused with already_linked."""
    world.open()
    world.open("beta")
    world.link_card()
    outcome = world.link_card("beta")
    assert (outcome.status, outcome.reason) == ("rejected", "already_linked")
    assert world.link_card("acme").reason == "already_linked"  # not twice on one account either


def test_link1_the_registry_is_checked_again_after_a_challenge(world: World) -> None:
    """LINK-1: another account linked the card while the customer was at the challenge page."""
    world.open(country="DE")
    world.open("beta")
    world.threeds.status = "C"
    world.link_card()
    world.threeds.status = "Y"
    world.link_card("beta")
    assert world.engine.complete_threeds("acme", 0).reason == "already_linked"


def test_link2_unlinking_frees_the_card_at_once(world: World) -> None:
    """LINK-2: after unlinking from the first account another may link it."""
    world.open()
    world.open("beta")
    world.link_card()
    world.engine.unlink("acme", 0)
    assert world.link_card("beta").status == "linked"
    assert world.engine.account("acme").default_method_id is None
    assert world.sink.of("payment_method.default_changed", "acme")[0].fields == {
        "method": None,
        "previous": 0,
    }


@pytest.mark.parametrize(("day", "status"), [(29, "rejected"), (30, "linked"), (31, "linked")])
def test_link2_deactivated_account_keeps_its_card_through_the_cooldown(
    world: World, day, status
) -> None:
    """LINK-2: cool-down of 30 days from deactivation: day 29 refused, day 30 and 31 allowed."""
    world.open()
    world.open("beta")
    world.link_card()
    world.engine.deactivate("acme")
    deactivated = world.sink.of("account.deactivated")[0]
    assert deactivated.fields["cooldown_until"] == deactivated.at + timedelta(days=30)
    world.time.advance_to(deactivated.at + timedelta(days=day), run_due=False)
    assert world.link_card("beta").status == status
    world.time.advance(days=2)
    assert world.types("acme")[-3:] == [
        "payment_method.unlinked",
        "payment_method.default_changed",
        "account.cooldown_ended",
    ]
    assert world.engine.account("acme").methods[0].status == "unlinked"


def test_deactivated_account_cannot_link(world: World) -> None:
    """LINK-2: a deactivated account takes no new methods (state unchanged)."""
    world.open()
    world.engine.deactivate("acme")
    with pytest.raises(AccountStateError, match="deactivated"):
        world.link_card()
    assert world.engine.account("acme").methods == []


def test_link_gateway_unavailable_rejects_the_link(world: World) -> None:
    """CARD-6: no answer from the processor: nothing linked, reason gateway_unavailable."""
    world.open()
    world.cards.down = {"tokenize"}
    assert world.link_card().reason == "gateway_unavailable"


def test_h4_no_card_number_or_cvv_in_events_errors_or_reprs(world: World) -> None:
    """H-4: cards are shown by brand and last four only."""
    world.open(country="DE")
    world.threeds.status = "C"
    details = card(MASTERCARD, cvv="987")
    outcome = world.engine.link_card("acme", details)
    world.engine.complete_threeds("acme", 0)
    world.link_card(exp=(1, 2026), cvv="555")
    shown = [to_json(e, i) for i, e in enumerate(world.sink.events)]
    shown += [repr(details), repr(outcome), repr(world.engine.account("acme"))]
    with pytest.raises(InvalidCard) as raised:
        world.engine.link_card("acme", CardDetails(VISA, 0, 2030, "987", "X"))
    shown.append(str(raised.value))
    text = "\n".join(shown)
    for secret in (MASTERCARD, VISA, "987", "555"):
        assert secret not in text
    assert "4444" in text
