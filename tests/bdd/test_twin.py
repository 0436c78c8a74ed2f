"""The reference twin of a scenario: the same story told again with the reference engine in
process agrees with a faithful run, and names the rule and the first event of one that parts
from it."""

from __future__ import annotations

import pytest

from .billing_world import BillingWorld
from .customer_words import card, moment
from .twin import divergence_text, twin_comparison


@pytest.fixture
def billing():
    world = BillingWorld(transport="direct")
    world.set_start(moment("31 January 2026 20:00 UTC"))
    world.give_card("Ada", card("Visa card"))
    world.give_usage("Ada", "qwen-max", hourly="600.00")
    world.run_until(moment("1 February 2026 01:00 UTC"))
    yield world
    world.close()


def test_a_faithful_run_agrees_with_its_twin(billing):
    assert twin_comparison(billing).agrees


def test_a_run_that_skips_the_threshold_deduction_is_blamed_on_its_rule(billing):
    """As an engine that never deducts at USD 1,000.00 would log it."""
    billing.events()  # parse the log, then drop the threshold's deduction from it
    billing._parsed = [e for e in billing._parsed if e.get("trigger") != "threshold"]
    first = twin_comparison(billing).first()
    assert first is not None
    assert (first.rule, first.account) == ("AUTO-2", "ada")
    assert first.expected.startswith("deduction.initiated at 2026-01-31T22:00:00Z")
    assert divergence_text(first).splitlines()[1:3] == [
        "  rule:     AUTO-2",
        f"  expected: {first.expected}",
    ]
