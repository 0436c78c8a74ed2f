"""Seeded generation of accounts from a scenario's `population:` block: payment-method mix,
countries, lognormal monthly spend, failing cards, unique Luhn-valid card numbers, faker names."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import numpy as np
from faker import Faker

from billing_engine.policy import DEFAULT_POLICY, Policy
from simulator.calendar import add_months
from simulator.scenario import (
    AccountSpec,
    CardEntry,
    PaymentMethodEntry,
    PayPalEntry,
    Population,
    UsageEntry,
)

#: the mock's range of cards that link, then fail every later charge (like 4000000000000341);
#: one number per account, since a card links to one account only (LINK-1)
FAILING_CARD_PREFIX = "4000000341"
#: issuer ranges for generated healthy cards, away from the gateway's magic test numbers
HEALTHY_PREFIXES = ("491771", "545301")  # Visa, Mastercard
#: a multiplier prime to 10: index -> body is a bijection mod 10**digits, so bodies never repeat
_BODY_MULTIPLIER = 387_420_489  # 3**18
_CARD_DIGITS = 16
#: how many distinct names faker is asked for; accounts draw from that pool (faker is slow)
_NAME_POOL = 1000
_ZERO = Decimal(0)


def luhn_check_digit(partial: str) -> str:
    """The digit that makes `partial + digit` pass the Luhn check (CARD-4)."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def card_number(prefix: str, index: int, offset: int) -> str:
    """A Luhn-valid 16-digit number in `prefix`'s range, unique per `index` for an `offset`
    (while `index` stays below the range's size)."""
    digits = _CARD_DIGITS - 1 - len(prefix)
    body = (index * _BODY_MULTIPLIER + offset) % 10**digits
    partial = f"{prefix}{body:0{digits}d}"
    return partial + luhn_check_digit(partial)


def generate_population(
    population: Population,
    rng: np.random.Generator,
    *,
    start: datetime,
    policy: Policy | None = None,
) -> list[AccountSpec]:
    """`population.count` accounts, all determined by `rng` (the run's one generator). Each links
    its payment method (if any) at `start` and uses one product at a lognormal monthly spend.
    Countries needing 3DS default to the policy's threeds_required_countries (CARD-3)."""
    policy = policy or DEFAULT_POLICY
    n = population.count
    faker = Faker(population.locale)
    faker.seed_instance(int(rng.integers(2**63)))
    names = [faker.name() for _ in range(min(n, _NAME_POOL))]
    domains = [faker.free_email_domain() for _ in range(8)]

    mix = population.mix
    method_kind = rng.choice(
        np.array(["card", "paypal", "none"]),
        size=n,
        p=[float(mix.card), float(mix.paypal), float(mix.none)],
    )
    threeds_countries = population.threeds_countries or sorted(policy.threeds_required_countries)
    in_threeds_region = rng.random(n) < float(population.threeds_region_share)
    region_pick = rng.integers(len(threeds_countries), size=n)
    other_pick = rng.integers(len(population.other_countries), size=n)
    spend = rng.lognormal(
        mean=float(np.log(float(population.monthly_spend.median))),
        sigma=float(population.monthly_spend.sigma),
        size=n,
    )
    products = rng.integers(len(population.products), size=n)
    failing = rng.random(n) < float(population.failing_card_share)
    brand = rng.integers(len(HEALTHY_PREFIXES), size=n)
    body_offset = int(rng.integers(10**9))
    expiry_months = rng.integers(24, 61, size=n)  # expires 2 to 5 years after the start
    cvv = rng.integers(1000, size=n)
    name_pick = rng.integers(len(names), size=n)
    domain_pick = rng.integers(len(domains), size=n)

    # plain Python lists: indexing numpy arrays element by element is slow
    kinds, regional = method_kind.tolist(), in_threeds_region.tolist()
    region_pick, other_pick = region_pick.tolist(), other_pick.tolist()
    products, failing, brand = products.tolist(), failing.tolist(), brand.tolist()
    expiry_months, cvv = expiry_months.tolist(), cvv.tolist()
    name_pick, domain_pick = name_pick.tolist(), domain_pick.tolist()
    monthly = [Decimal(f"{amount:.2f}") for amount in spend.tolist()]

    accounts = []
    failing_issued = 0
    width = len(str(n - 1))
    for i in range(n):
        name = names[name_pick[i]]
        methods: list[PaymentMethodEntry] = []
        if kinds[i] == "card":
            if failing[i]:
                # numbered apart: the failing range is smaller than the healthy ones
                number = card_number(FAILING_CARD_PREFIX, failing_issued, body_offset)
                failing_issued += 1
            else:
                number = card_number(HEALTHY_PREFIXES[brand[i]], i, body_offset)
            expiry = add_months(start, expiry_months[i])
            card = CardEntry.model_construct(
                number=number,
                exp=f"{expiry.month:02d}/{expiry.year % 100:02d}",
                cvv=f"{cvv[i]:03d}",
                name=name.upper(),
            )
            methods.append(PaymentMethodEntry.model_construct(card=card, paypal=None))
        elif kinds[i] == "paypal":
            user = "".join(c for c in name.lower() if c.isalpha() or c == " ").replace(" ", ".")
            paypal = PayPalEntry.model_construct(
                email=f"{user}.{i}@{domains[domain_pick[i]]}",
                threshold=population.paypal_threshold,
            )
            methods.append(PaymentMethodEntry.model_construct(card=None, paypal=paypal))
        country = (
            threeds_countries[region_pick[i]]
            if regional[i]
            else population.other_countries[other_pick[i]]
        )
        usage = UsageEntry.model_construct(
            product=population.products[products[i]], monthly=monthly[i]
        )
        accounts.append(
            AccountSpec.model_construct(
                id=f"{population.id_prefix}{i:0{width}d}",
                country=country,
                tax_rate=population.tax_rate,
                balance=_ZERO,
                payment_methods=methods,
                usage=[usage],
                actions=[],  # given: model_construct would inspect default_factory per call
            )
        )
    return accounts
