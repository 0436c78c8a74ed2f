"""When steps: time passing on the one simulated clock, and what customers do now (link cards
and PayPal, pay, change their default, remove a method, close the account, buy a plan)."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from simulator.scenario import PaymentMethodEntry, PayPalEntry

from .billing_world import BillingWorld
from .customer_words import (
    CARD_MISTAKES,
    CARDS,
    MONEY,
    NAME,
    POSSESSIVE,
    SUBJECT,
    AuthoringError,
    card,
    moment,
    usd,
)

_WORDS = {"a": 1, "an": 1}
_THREEDS = {"completes": "pass", "fails": "fail", "abandons": "abandon"}


@when(parsers.re(r"the clock reaches (?P<when>.+)"))
def clock_reaches(billing: BillingWorld, when: str) -> None:
    billing.run_until(moment(when))


@when(parsers.re(r"(?P<count>\d+|an?) (?P<unit>month|day|hour|minute)s? pass(?:es)?"))
def time_passes(billing: BillingWorld, count: str, unit: str) -> None:
    billing.pass_time(**{f"{unit}s": _WORDS.get(count) or int(count)})


@when(
    parsers.re(
        rf"{NAME} (?P<how>links|starts linking) (?:a|an) (?!card with )(?P<phrase>.+?)"
        r"(?: expiring (?P<exp>\d\d/\d\d))?(?: and (?P<does>completes|fails|abandons) 3D Secure)?"
    )
)
def links_card(
    billing: BillingWorld, name: str, how: str, phrase: str, exp: str | None, does: str | None
) -> None:
    test_card = card(phrase)
    entry = PaymentMethodEntry(
        card=billing.card_entry(name, test_card, exp=exp or "12/30"),
        threeds=_THREEDS[does or "completes"],
    )
    billing.link(name, entry, test_card.label, settle=how == "links")


@when(parsers.re(rf"{NAME} links a card with (?P<mistake>.+)"))
def links_mistyped_card(billing: BillingWorld, name: str, mistake: str) -> None:
    if mistake not in CARD_MISTAKES:
        known = "; ".join(CARD_MISTAKES)
        raise AuthoringError(f"no card mistake is described as {mistake!r}; known: {known}")
    number, cvv, holder = CARD_MISTAKES[mistake]
    entry = billing.card_entry(name, CARDS["Visa card"], number=number, cvv=cvv, holder=holder)
    billing.link(name, PaymentMethodEntry(card=entry), "card")


@when(
    parsers.re(
        rf"{NAME} links {POSSESSIVE} PayPal account"
        rf"(?: with a threshold of (?P<threshold>{MONEY}))?"
        r"(?P<empty>, which has no funding source)?"
        r"(?P<declines> but does not approve the payment agreement)?"
    )
)
def links_paypal(
    billing: BillingWorld,
    name: str,
    threshold: str | None,
    empty: str | None,
    declines: str | None,
) -> None:
    paypal = PayPalEntry(
        email=f"{name.lower()}@paypal.test",
        threshold=None if threshold is None else usd(threshold),
        funding_source=empty is None,
        approve=declines is None,
    )
    billing.link(name, PaymentMethodEntry(paypal=paypal), "PayPal")


@when(
    parsers.re(
        rf"{NAME} links (?P<owner>[A-Z][a-z]+)'s (?P<label>.+?)"
        r"(?P<renewed> with a new expiry date)?"
    )
)
def links_someone_elses(
    billing: BillingWorld, name: str, owner: str, label: str, renewed: str | None
) -> None:
    """The same card number (LINK-1 counts cards by number) or the same PayPal account."""
    entry = billing.entry(owner, label)
    if renewed is not None:
        assert entry.card is not None, f"{owner}'s {label} has no expiry date"
        entry = PaymentMethodEntry(
            card=entry.card.model_copy(update={"exp": "12/31", "cvv": "987"})
        )
    billing.link(name, entry, label)


@when(parsers.re(rf"{NAME} pays (?P<amount>{MONEY}|everything {SUBJECT} owes) with "
                 rf"{POSSESSIVE} (?:removed )?(?P<label>.+?)"
                 r"(?: and (?P<does>completes|fails|abandons) 3D Secure)?"))  # fmt: skip
def pays(
    billing: BillingWorld, name: str, amount: str, label: str, does: str | None = None
) -> None:
    wanted = "all" if amount.startswith("everything") else usd(amount)
    refused = billing.repay(name, wanted, label, threeds=_THREEDS[does or "completes"])
    billing.noted["refusal"] = refused


@given(parsers.re(rf"{NAME} makes {POSSESSIVE} (?P<label>.+) {POSSESSIVE} default payment method"))
@when(parsers.re(rf"{NAME} makes {POSSESSIVE} (?P<label>.+) {POSSESSIVE} default payment method"))
def makes_default(billing: BillingWorld, name: str, label: str) -> None:
    billing.set_default(name, label)


@when(parsers.re(rf"{NAME} removes {POSSESSIVE} (?P<label>.+)"))
def removes(billing: BillingWorld, name: str, label: str) -> None:
    billing.unlink(name, label)


@when(parsers.re(rf"{NAME} closes {POSSESSIVE} account"))
def closes_account(billing: BillingWorld, name: str) -> None:
    billing.deactivate(name)


@when(parsers.re(rf"{NAME} starts using (?P<product>[\w.-]+)"))
def starts_using(billing: BillingWorld, name: str, product: str) -> None:
    billing.activate(name, product)


@when(
    parsers.re(
        rf"{NAME} buys the (?P<plan>Lite|Pro) Coding Plan with {POSSESSIVE} (?P<label>.+?)"
        r"(?: and (?P<does>completes|fails|abandons) 3D Secure)?"
    )
)
def buys_plan(billing: BillingWorld, name: str, plan: str, label: str, does: str | None) -> None:
    billing.buy_plan(name, plan.lower(), label, threeds=_THREEDS[does or "completes"])
