"""Given steps: the moment a scenario starts, the accounts, their payment methods and usage,
billing settings and gateway behaviour, all before (or, for a few, at) the start of time."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pytest_bdd import given, parsers

from .billing_world import BillingWorld
from .customer_words import DAY_SETTINGS, MONEY, NAME, AuthoringError, card, country, moment, usd


@given(parsers.re(r"it is (?P<when>.+)"))
def it_is(billing: BillingWorld, when: str) -> None:
    billing.set_start(moment(when))


@given(parsers.re(rf"{NAME} has an account in (?P<where>.+?)(?: with (?P<tax>[\d.]+)% tax)?"))
def has_account(billing: BillingWorld, name: str, where: str, tax: str | None) -> None:
    fields = {"country": country(where)}
    if tax is not None:
        fields["tax_rate"] = Decimal(tax) / 100
    billing.draft(name, **fields)


@given(parsers.re(rf"{NAME} has a prepaid balance of (?P<amount>{MONEY})"))
def has_balance(billing: BillingWorld, name: str, amount: str) -> None:
    billing.draft(name, balance=usd(amount))


@given(
    parsers.re(
        rf"{NAME}(?:'s default payment method is| also has) (?:a|an) (?P<phrase>.+?)"
        r"(?: expiring (?P<exp>\d\d/\d\d))?"
    )
)
def has_card(billing: BillingWorld, name: str, phrase: str, exp: str | None) -> None:
    billing.give_card(name, card(phrase), exp=exp or "12/30")


@given(
    parsers.re(
        rf"{NAME}(?:'s default payment method is| also has) PayPal"
        rf"(?: with a threshold of (?P<threshold>{MONEY}))?"
    )
)
def has_paypal(billing: BillingWorld, name: str, threshold: str | None) -> None:
    billing.give_paypal(name, threshold=None if threshold is None else usd(threshold))


@given(
    parsers.re(
        rf"{NAME} uses (?P<product>[\w.-]+) for (?P<amount>{MONEY}) (?:an|a) "
        r"(?P<per>hour|day|month)(?: from (?P<start>.+?))?(?: until (?P<until>.+))?"
    )
)
def uses(
    billing: BillingWorld,
    name: str,
    product: str,
    amount: str,
    per: str,
    start: str | None,
    until: str | None,
) -> None:
    rate = {"hour": "hourly", "day": "daily", "month": "monthly"}[per]
    window = {"from": start and moment(start), "until": until and moment(until)}
    billing.give_usage(name, product, **{rate: usd(amount)}, **window)


@given(parsers.re(rf"{NAME}'s fees reach (?P<amount>{MONEY}) at (?P<when>.+)"))
def fees_reach(billing: BillingWorld, name: str, amount: str, when: str) -> None:
    billing.give_fees_reaching(name, "qwen-max", usd(amount), moment(when))


@given(parsers.re(rf"{NAME} owes (?P<amount>{MONEY}) after a failed deduction at (?P<when>.+)"))
def owes_after_failure(billing: BillingWorld, name: str, amount: str, when: str) -> None:
    """Fees reach `amount` at `when`, the default card declines the deduction, and its status
    comes back (PAY-5's 30 minutes) before the scenario goes on."""
    failed_at = moment(when)
    billing.give_fees_reaching(name, "qwen-max", usd(amount), failed_at)
    billing.run_until(failed_at + billing.world.policy.settlement_delay)
    failed = [d for d in billing.deductions(name) if d["status"] == "failed"]
    assert failed, f"{name}'s deduction at {when} did not fail: {billing.deductions(name)}"


@given(parsers.re(r"PayPal declines every payment until (?P<until>.+)"))
def paypal_declines(billing: BillingWorld, until: str) -> None:
    billing.gateway_fault("paypal", "orders.create", "decline", moment(until))


@given(
    parsers.re(
        r"the card processor answers (?P<hit>\d+) in (?P<every>\d+) charges with a server error "
        r"from (?P<start>.+?) until (?P<until>.+)"
    )
)
def charges_server_error(
    billing: BillingWorld, hit: str, every: str, start: str, until: str
) -> None:
    """HTTP 503, nothing done, on a share of the charges drawn from the seed: each try of a
    charge (a retry too) draws again."""
    if not 0 < int(hit) <= int(every):
        raise AuthoringError(f"'{hit} in {every}' is not a share of the charges; write e.g. 3 in 4")
    billing.gateway_fault(
        "card", "charge", "server_error", moment(until), since=moment(start),
        rate=Fraction(int(hit), int(every)),
    )  # fmt: skip


@given(
    parsers.re(
        r"the (?P<gateway>card processor|PayPal)'s answers are lost from (?P<start>.+?) "
        r"until (?P<until>.+)"
    )
)
def answers_lost(billing: BillingWorld, gateway: str, start: str, until: str) -> None:
    """Every call reaches the gateway and is carried out, but its answer never comes back,
    look-ups included: the billing system cannot tell what happened until the window ends."""
    name = "card" if gateway == "card processor" else "paypal"
    billing.gateway_fault(name, None, "timeout", moment(until), since=moment(start))


@given(parsers.re(r"(?P<setting>.+) lasts (?P<days>\d+) days"))
def setting_lasts(billing: BillingWorld, setting: str, days: str) -> None:
    """An interpretation of a rule (docs/rules.md), stated or changed by the scenario."""
    if setting not in DAY_SETTINGS:
        known = "; ".join(DAY_SETTINGS)
        raise AuthoringError(f"no setting called {setting!r}; known: {known}")
    billing.set_policy(**{DAY_SETTINGS[setting]: int(days)})
