"""Population generation: deterministic by seed (H-2), the configured mix, unique Luhn-valid
card numbers (LINK-1 refuses a number seen on another account), cards valid at start (CARD-4)."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from billing_engine.policy import Policy
from mock_gateways.card.test_cards import MAGIC_CARDS, profile_for
from simulator.population import (
    FAILING_CARD_PREFIX,
    HEALTHY_PREFIXES,
    card_number,
    generate_population,
    luhn_check_digit,
)
from simulator.scenario import AccountSpec, Population

START = datetime(2026, 1, 1, tzinfo=UTC)


def luhn_ok(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def generate(seed: int = 7, **fields: object) -> list[AccountSpec]:
    return generate_population(
        Population.model_validate({"count": 10_000, **fields}),
        np.random.default_rng(seed),
        start=START,
    )


@pytest.fixture(scope="module")
def big() -> list[AccountSpec]:
    return generate()


def test_luhn_check_digit_of_known_cards_card4():
    for number in ("4242424242424242", "5555555555554444", "378282246310005", "4000000000000341"):
        assert luhn_ok(number)
    assert not luhn_ok("4242424242424241")


def test_same_seed_same_accounts_other_seed_other_accounts_h2(big: list[AccountSpec]):
    """H-2: generation depends on the seed only."""
    assert generate() == big
    assert generate(seed=8) != big


def test_payment_method_mix_and_region_share(big: list[AccountSpec]):
    kinds = [a.payment_methods[0].kind if a.payment_methods else "none" for a in big]
    assert 0.78 < kinds.count("card") / len(big) < 0.82
    assert 0.13 < kinds.count("paypal") / len(big) < 0.17
    assert 0.04 < kinds.count("none") / len(big) < 0.06
    threeds = Policy().threeds_required_countries
    regional = sum(a.country in threeds for a in big) / len(big)
    assert 0.09 < regional < 0.11  # CARD-3 countries: EU member states and Malaysia


def test_card_numbers_unique_luhn_valid_and_not_magic_link1(big: list[AccountSpec]):
    """LINK-1: a number may be linked to one account only, so no number repeats, the failing
    cards' included (they come from the mock's failing range)."""
    cards = [m.card for a in big for m in a.payment_methods if m.card is not None]
    numbers = [c.number for c in cards]
    assert len(numbers) == len(set(numbers))
    healthy = [n for n in numbers if not n.startswith(FAILING_CARD_PREFIX)]
    assert all(
        profile_for(n) is MAGIC_CARDS["4000000000000341"] for n in set(numbers) - set(healthy)
    )
    assert all(len(n) == 16 and luhn_ok(n) and n[:6] in HEALTHY_PREFIXES for n in healthy)
    assert not set(healthy) & set(MAGIC_CARDS)
    failing = (len(cards) - len(healthy)) / len(cards)
    assert 0.015 < failing < 0.025


def test_cards_expire_after_the_start_card4(big: list[AccountSpec]):
    """CARD-4: a card expiring in the current month cannot be added; generated ones expire later."""
    for account in big:
        for method in account.payment_methods:
            if method.card is not None:
                assert (method.card.exp_year, method.card.exp_month) >= (2028, 1)


def test_paypal_payers_unique_link1(big: list[AccountSpec]):
    emails = [m.paypal.email for a in big for m in a.payment_methods if m.paypal is not None]
    assert len(emails) == len(set(emails))


def test_lognormal_spend_median_and_exact_amounts():
    accounts = generate(monthly_spend={"median": "500.00", "sigma": "0.5"})
    spend = [a.usage[0].monthly for a in accounts]
    assert all(isinstance(s, Decimal) and s == s.quantize(Decimal("0.01")) for s in spend)
    assert 475 < statistics.median(spend) < 525  # type: ignore[type-var]


def test_generated_accounts_pass_validation(big: list[AccountSpec]):
    for account in big[:300]:
        assert AccountSpec.model_validate(account.model_dump(by_alias=True)) == account


def test_ids_are_unique_and_prefixed(big: list[AccountSpec]):
    ids = [a.id for a in big]
    assert len(set(ids)) == len(ids) and ids[0] == "pop-0000" and ids[-1] == "pop-9999"


def test_configured_shares_and_countries_are_honoured():
    accounts = generate(
        count=200,
        mix={"card": 1, "paypal": 0, "none": 0},
        threeds_region_share=1,
        threeds_countries=["MY"],
        failing_card_share=0,
        paypal_threshold="50.00",
    )
    assert all(a.country == "MY" and a.payment_methods[0].card is not None for a in accounts)
    assert not any(
        a.payment_methods[0].card.number.startswith(FAILING_CARD_PREFIX) for a in accounts
    )  # type: ignore[union-attr]


def test_card_numbers_form_a_bijection_of_the_index():
    numbers = {card_number("491771", i, 123) for i in range(20_000)}
    assert len(numbers) == 20_000
    assert len({card_number(FAILING_CARD_PREFIX, i, 123) for i in range(20_000)}) == 20_000
