"""Linking PayPal (PAYPAL-1..3), its per-account threshold (AUTO-3), the pre-authorization check
at the first PAYG activation (AUTO-5) and one payer one account (LINK-1)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from billing_engine.errors import InvalidThreshold, UnknownProduct

from .conftest import World


def test_paypal1_approval_then_agreement_then_one_dollar_authorized_and_voided(world: World):
    """PAYPAL-1: redirect to PayPal, approve the agreement, then a USD 1.00 pre-authorization
    (voided by the merchant at once)."""
    world.open()
    started = world.engine.start_paypal_link("acme")
    assert (started.status, started.approve_url) == ("approval", "https://paypal.test/approve/1")
    assert world.engine.account("acme").methods[0].status == "pending"
    outcome = world.engine.complete_paypal_link("acme", started.method_id)
    assert outcome.status == "linked"
    assert world.paypal.authorizations == [Decimal("1.00")]
    assert world.paypal.voids == ["ppauth_1"]
    assert world.types()[-3:] == ["preauth.authorized", "preauth.released", "payment_method.linked"]
    assert world.sink.of("preauth.released")[0].fields["by"] == "merchant"
    linked = world.sink.of("payment_method.linked")[0].fields
    assert (linked["kind"], linked["payer"], linked["default"]) == (
        "paypal",
        "payer1@paypal.test",
        True,
    )


def test_paypal2_no_funding_source_cannot_complete(world: World) -> None:
    """PAYPAL-2: no funding source: the agreement cannot complete, nothing linked."""
    world.open()
    world.paypal.vault_reason = "paypal_no_funding_source"
    outcome = world.link_paypal()
    assert (outcome.status, outcome.reason) == ("rejected", "paypal_no_funding_source")
    assert world.paypal.authorizations == []


def test_paypal3_agreement_not_approved_is_visible(world: World) -> None:
    """PAYPAL-3: authorization fine, agreement not approved: not linked, reason visible."""
    world.open()
    world.paypal.vault_reason = "paypal_agreement_not_approved"
    outcome = world.link_paypal()
    assert outcome.reason == "paypal_agreement_not_approved"
    assert world.sink.of("payment_method.link_rejected")[0].fields["reason"] == outcome.reason
    assert world.engine.account("acme").methods[0].agreement == "not_approved"


def test_paypal1_authorization_failure_refuses_the_link(world: World) -> None:
    """PAYPAL-1: the USD 1.00 pre-authorization must succeed."""
    world.open()
    world.paypal.authorize_reason = "declined"
    assert world.link_paypal().reason == "declined"
    assert world.engine.account("acme").default_method_id is None


@pytest.mark.parametrize(
    ("threshold", "accepted"),
    [
        ("7.99", False),
        ("8", True),
        ("8.00", True),
        ("500.00", True),
        ("500.01", False),
        ("-5", False),
        ("ten", False),
    ],
)
def test_auto3_paypal_threshold_between_8_and_500_inclusive(world: World, threshold, accepted):
    """AUTO-3: a threshold outside 8..500 is refused with a clear error, nothing linked; the
    refused attempt is on record (it keeps its method id) and PayPal is never asked."""
    world.open()
    if accepted:
        assert world.link_paypal(threshold=threshold).status == "linked"
        assert world.engine.account("acme").methods[0].threshold_amount == Fraction(threshold)
        return
    before = len(world.sink.events)
    with pytest.raises(InvalidThreshold, match="PayPal threshold"):
        world.engine.start_paypal_link("acme", threshold=threshold)
    [method] = world.engine.account("acme").methods
    assert method.status == "rejected"
    assert world.engine.account("acme").default_method is None
    [event] = world.sink.events[before:]
    assert (event.type, event.fields["reason"]) == (
        "payment_method.link_rejected",
        "invalid_threshold",
    )
    assert world.paypal._setups == 0


def test_auto3_default_paypal_threshold_is_100_and_charges_paypal(world: World) -> None:
    """AUTO-3: without a threshold given it is USD 100; the deduction is charged on PayPal."""
    world.open()
    world.link_paypal()
    world.use("acme", "99.99")
    assert world.sink.of("deduction.initiated") == []
    world.time.advance(hours=1)
    world.use("acme", "0.01")
    assert world.sink.of("deduction.initiated")[0].fields["amount"] == 100
    assert world.paypal.charges == [Decimal("100.00")]


def test_auto5_first_payg_activation_with_paypal_runs_one_preauth_check(world: World) -> None:
    """AUTO-5: a USD 1.00 check at the first activation only."""
    world.open()
    world.link_paypal()
    assert world.engine.activate_product("acme", "qwen-max").ok
    assert world.engine.activate_product("acme", "qwen-plus").ok
    assert world.paypal.authorizations == [Decimal("1.00")] * 2  # link + first activation
    assert world.types().count("preauth.authorized") == 2
    assert world.types().count("product.activated") == 2


def test_auto5_failed_check_refuses_the_activation(world: World) -> None:
    """AUTO-5: if the check fails, the activation is refused and nothing is metered."""
    world.open()
    world.link_paypal()
    world.paypal.authorize_reason = "insufficient_funds"
    outcome = world.engine.activate_product("acme", "qwen-max")
    assert (outcome.status, outcome.reason) == ("refused", "insufficient_funds")
    assert world.sink.of("product.activation_refused")[0].fields == {
        "product": "qwen-max",
        "reason": "insufficient_funds",
    }
    with pytest.raises(UnknownProduct):
        world.engine.record_usage("acme", "qwen-max", hours=1, pretax_per_hour="1")
    world.paypal.authorize_reason = None
    assert world.engine.activate_product("acme", "qwen-max").ok  # still the first: checked again
    assert len(world.paypal.authorizations) == 3


def test_auto5_card_default_or_no_method_activates_without_check(world: World) -> None:
    """AUTO-5 applies to PayPal only; later activations with PayPal make no check either."""
    world.open()
    assert world.engine.activate_product("acme", "qwen-max").ok
    world.link_paypal()
    assert world.engine.activate_product("acme", "qwen-plus").ok
    assert world.paypal.authorizations == [Decimal("1.00")]  # the link's only


def test_link1_a_paypal_payer_links_to_one_account_only(world: World) -> None:
    """LINK-1: by PayPal payer; refused with already_linked, freed by unlinking (LINK-2)."""
    world.open()
    world.open("beta")
    world.link_paypal("acme", payer="SHARED")
    assert world.link_paypal("beta", payer="SHARED").reason == "already_linked"
    world.engine.unlink("acme", 0)
    assert world.link_paypal("beta", payer="SHARED").status == "linked"
