"""Then steps: what the customer, the event log and the payment gateways' own records show.
Each reads through the harness and compares with the feature's words; a failure names the
expected and the actual value (`expect`)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from pytest_bdd import parsers, then

from billing_engine.money import format_amount, round_cents
from simulator.calendar import is_business_day
from simulator.event_json import format_time

from .billing_world import BillingWorld
from .customer_words import (
    MONEY,
    MONTHS,
    NAME,
    POSSESSIVE,
    SUBJECT,
    TRIGGERS,
    AuthoringError,
    country,
    moment,
    moment_of,
    month_of,
    reason,
    spoken,
    usd,
)
from .expectations import expect, in_words
from .step_rules import checks
from .tables import Column, read_table

_MODES = {"pay-as-you-go": "payg", "Coding Plan": "coding_plan"}

#: the rules a step about deductions may check; the scenario's tags say which
DEDUCTION_RULES = ("AUTO-1", "AUTO-2", "AUTO-3", "AUTO-4", "AUTO-6")
#: what set a deduction off -> the rules that say when it does (a threshold: a card's or PayPal's)
TRIGGER_RULES = {"threshold": ("AUTO-2", "AUTO-3"), "month_end": ("AUTO-4",)}
#: the rules a step about linking a payment method may check
LINK_RULES = (
    "CARD-1", "CARD-2", "CARD-3", "CARD-4", "CARD-6", "3DS-1", "3DS-2",
    "PAYPAL-1", "PAYPAL-2", "PAYPAL-3", "LINK-1", "LINK-2",
)  # fmt: skip
#: a refusal's reason code -> the rule that refuses so
REASON_RULES = {
    **dict.fromkeys(
        ["invalid_number", "unsupported_brand", "expires_this_month", "expired", "invalid_cvv",
         "name_mismatch"],
        "CARD-4",
    ),
    "online_disabled": "CARD-1",
    "international_disabled": "CARD-1",
    "insufficient_funds": "CARD-2",
    "threeds_not_supported": "CARD-3",
    "threeds_failed": "3DS-2",
    "threeds_abandoned": "3DS-2",
    "already_linked": ("LINK-1", "LINK-2"),
    "paypal_no_funding_source": "PAYPAL-2",
    "paypal_agreement_not_approved": "PAYPAL-3",
    "payment_pending": "PAY-5",
    "invalid_amount": "PAY-2",
}  # fmt: skip


def _link_rules(result: str) -> str | tuple[str, ...] | None:
    """The rule a link's outcome in words checks: its refusal's (None for a link made)."""
    _, _, because = result.partition(", because ")
    return REASON_RULES.get(reason(because)) if because else None


def _money(value: object) -> Decimal:
    """An amount of the engine (Cents or an accrued Fraction), a gateway (Decimal) or the event
    log (str), as shown."""
    exact = Decimal(value) if isinstance(value, str) else value
    return Decimal(format_amount(exact))  # type: ignore[arg-type]


def shown_amount(text: str) -> str:
    return in_words(usd(text))


def _first_difference(told: list[str], kept: list[str]) -> str:
    """'the same', or the first event line where two tellings of a story part."""
    for index, (a, b) in enumerate(zip(told, kept, strict=False)):
        if a != b:
            return f"line {index + 1} differs:\n    {a}\n    {b}"
    if len(told) != len(kept):
        return f"{len(told)} events instead of {len(kept)}"
    return "the same"


def _at(text: str) -> str:
    """A moment as the event log writes it."""
    return format_time(moment(text))


def _outcome(status: str, why: str | None) -> str:
    """ "succeeded", "failed, because the bank declined it" -> comparable words."""
    return status if why is None else f"{status}: {why}"


def _expected_outcome(words: str) -> str:
    status, _, because = words.strip().partition(", because ")
    return _outcome(status, reason(because) if because else None)


#: the columns of the steps' tables, by what their cells hold
STARTED = Column(_at, "a moment such as '22:00 UTC on 31 January 2026'")
AMOUNT = Column(lambda cell: usd(f"USD {cell}"), "an amount in USD without 'USD', e.g. 1,000.00")
TRIGGER = Column(lambda cell: TRIGGERS[cell], " or ".join(repr(t) for t in TRIGGERS))
OUTCOME = Column(
    _expected_outcome, "'succeeded', or 'failed, because ' and a reason of docs/steps.md"
)


def _month(cell: str) -> str:
    month_of(cell)
    return cell


MONTH = Column(_month, "a month such as 'January 2026'")


# --- overview (OV) ----------------------------------------------------------------------------


@then(
    parsers.re(
        rf"{NAME}'s Total Spend for (?P<month>\w+ \d{{4}}) is (?P<pretax>{MONEY}) before tax, "
        rf"(?P<tax>{MONEY}) tax, (?P<total>{MONEY}) in all"
    )
)
@checks("OV-1")
def total_spend_parts(
    billing: BillingWorld, name: str, month: str, pretax: str, tax: str, total: str
) -> None:
    spend = billing.engine.total_spend(billing.known(name), *month_of(month))
    shown = tuple(_money(round_cents(x)) for x in (spend.pretax, spend.tax, spend.total))
    expect(
        f"{name}'s Total Spend for {month} (before tax, tax, in all)",
        shown,
        (usd(pretax), usd(tax), usd(total)),
    )


@then(parsers.re(rf"{NAME}'s Total Spend for (?P<month>\w+ \d{{4}}) is (?P<total>{MONEY}) in all"))
@checks("OV-1")
def total_spend(billing: BillingWorld, name: str, month: str, total: str) -> None:
    spend = billing.engine.total_spend(billing.known(name), *month_of(month))
    expect(f"{name}'s Total Spend for {month}", _money(round_cents(spend.total)), usd(total))


@then(
    parsers.re(
        rf"{NAME}'s (?P<mode>pay-as-you-go|Coding Plan) spend for (?P<month>\w+ \d{{4}}) is "
        rf"(?P<total>{MONEY})"
    )
)
@checks("OV-4")
def spend_by_mode(billing: BillingWorld, name: str, mode: str, month: str, total: str) -> None:
    spend = billing.engine.total_spend(billing.known(name), *month_of(month), _MODES[mode])
    expect(f"{name}'s {mode} spend for {month}", _money(round_cents(spend.total)), usd(total))


@then(parsers.re(rf"{NAME}'s Total Amount Due is (?P<amount>{MONEY})"))
@checks("OV-2")
def amount_due(billing: BillingWorld, name: str, amount: str) -> None:
    due = _money(billing.engine.total_amount_due(billing.known(name)))
    expect(f"{name}'s Total Amount Due", due, usd(amount))


@then(
    parsers.re(rf"{NAME}'s Spending Trend from (?P<first>\w+ \d{{4}}) to (?P<last>\w+ \d{{4}}) is:")
)
@checks("OV-3")
def spending_trend(
    billing: BillingWorld, name: str, first: str, last: str, datatable: list[list[str]]
) -> None:
    """Columns: month, then any of "in all", a product, a billing mode."""
    engine, key = billing.engine, billing.known(name)
    step = f"{name}'s Spending Trend"
    columns = [c.strip() for c in datatable[0][1:]] if datatable else []
    rows = read_table(step, datatable, {"month": MONTH, **dict.fromkeys(columns, AMOUNT)})
    trends = [
        engine.spending_trend(
            key,
            month_of(first),
            month_of(last),
            **({"mode": _MODES[c]} if c in _MODES else {} if c == "in all" else {"product": c}),
        )
        for c in columns
    ]
    shown = [
        [f"{MONTHS[points[0].month - 1]} {points[0].year}", *(str(_money(p.total)) for p in points)]
        for points in zip(*trends, strict=True)
    ]
    expected = [[month, *(str(cell) for cell in cells)] for month, *cells in rows]
    expect(f"{name}'s Spending Trend ({', '.join(columns)})", shown, expected)


# --- deductions (AUTO) ------------------------------------------------------------------------


@then(
    parsers.re(
        rf"a deduction of (?P<amount>{MONEY})(?: from {NAME}'s (?P<label>.+?))? started at "
        r"(?P<when>.+?)(?: and (?P<status>succeeded|failed)(?:, because (?P<why>.+))?)?"
    )
)
@checks(*DEDUCTION_RULES)
def a_deduction(
    billing: BillingWorld,
    amount: str,
    name: str | None,
    label: str | None,
    when: str,
    status: str | None,
    why: str | None,
) -> None:
    names = [name] if name else list(billing.drafts)
    found = [
        d
        for who in names
        for d in billing.deductions(who)
        if d["at"] == _at(when) and _money(d["amount"]) == usd(amount)
    ]
    every = [(d["at"], _money(d["amount"])) for who in names for d in billing.deductions(who)]
    expect(
        "deductions (started, amount)",
        every,
        (_at(when), usd(amount)),
        holds=lambda _, __: len(found) == 1,
    )
    (deduction,) = found
    if label is not None:
        expect(
            "the deduction's payment method",
            deduction["method"],
            billing.method_id(name, label),
            wanted=f"{name}'s {label}",
        )
    if status is not None:
        expected = _outcome(status, reason(why) if why else None)
        outcome = _outcome(deduction["status"], deduction.get("reason"))
        expect("the deduction's outcome", outcome, expected)


@then(
    parsers.re(
        rf"{NAME}'s only deduction is (?P<amount>{MONEY}), started at (?P<when>.+) by "
        r"(?P<trigger>the threshold|the month end)"
    )
)
@checks(*DEDUCTION_RULES, by=lambda trigger, **_: TRIGGER_RULES[TRIGGERS[trigger]])
def only_deduction(billing: BillingWorld, name: str, amount: str, when: str, trigger: str) -> None:
    shown = [(d["at"], _money(d["amount"]), d["trigger"]) for d in billing.deductions(name)]
    expect(
        f"{name}'s deductions (started, amount, by)",
        shown,
        [(_at(when), usd(amount), TRIGGERS[trigger])],
    )


@then(parsers.re(rf"{NAME}'s deductions are:"))
@checks(*DEDUCTION_RULES)
def deductions_are(billing: BillingWorld, name: str, datatable: list[list[str]]) -> None:
    """Columns: started, amount, by, outcome."""
    expected = read_table(
        f"{name}'s deductions",
        datatable,
        {"started": STARTED, "amount": AMOUNT, "by": TRIGGER, "outcome": OUTCOME},
    )
    shown = [
        (d["at"], _money(d["amount"]), d["trigger"], _outcome(d["status"], d.get("reason")))
        for d in billing.deductions(name)
    ]
    expect(f"{name}'s deductions (started, amount, by, outcome)", shown, expected)


@then(parsers.re(rf"{NAME} has had no deduction"))
@checks(*DEDUCTION_RULES)
def no_deduction(billing: BillingWorld, name: str) -> None:
    shown = [(d["at"], _money(d["amount"]), d["trigger"]) for d in billing.deductions(name)]
    expect(f"{name}'s deductions (started, amount, by)", shown, [])


@then(
    parsers.re(
        rf"USD (?P<balance>[\d,.]+) of it came from {NAME}'s balance and "
        r"USD (?P<charged>[\d,.]+) was charged"
    )
)
@checks("PAY-3")
def balance_first(billing: BillingWorld, balance: str, name: str, charged: str) -> None:
    """The latest payment (a deduction or a manual one): balance first, the rest charged."""
    payments = billing.events(name, "deduction.succeeded", "repayment.submitted")
    expect(f"{name}'s payments", payments, "a payment", holds=lambda p, _: bool(p))
    last = payments[-1]
    shown = (_money(last["from_balance"]), _money(last["charged"]))
    expect(
        f"{name}'s latest payment (from the balance, charged)",
        shown,
        (usd(f"USD {balance}"), usd(f"USD {charged}")),
    )


@then(
    parsers.re(
        rf"each of {NAME}'s deductions was tried again after every server error, up to "
        r"(?P<tries>\d+) tries, and failed only when every try met one"
    )
)
@checks("AUTO-6")
def tried_again(billing: BillingWorld, name: str, tries: str) -> None:
    """AUTO-6: a charge answered 503 (nothing done) is sent again at the deduction's instant,
    up to `tries` times; the deduction fails (gateway_unavailable) only if every try got 503.
    The card processor's own log says how many tries met a server error."""
    limit = int(tries)
    errors = billing.card_server_errors("charge")
    deductions = billing.deductions(name)
    expect(f"{name}'s deductions", len(deductions), "at least one", holds=lambda n, _: n > 0)
    shown, expected = [], []
    for d in deductions:
        met = errors.count(moment_of(d["at"]))
        shown.append((d["at"], met, _outcome(d["status"], d.get("reason"))))
        gave_up = met >= limit
        outcome = _outcome("failed", "gateway_unavailable") if gave_up else "succeeded"
        expected.append((d["at"], min(met, limit), outcome))
    expect(
        f"{name}'s deductions (started, tries that met a server error, outcome)",
        shown,
        expected,
    )


@then(parsers.re(rf"{NAME}'s account became overdue and was suspended at (?P<when>.+)"))
@checks("AUTO-7")
def overdue_and_suspended(billing: BillingWorld, name: str, when: str) -> None:
    at = {e["type"]: e["at"] for e in billing.events(name, "account.overdue", "account.suspended")}
    expect(
        f"when {name}'s account became overdue and was suspended",
        at,
        {"account.overdue": _at(when), "account.suspended": _at(when)},
    )
    metering = billing.engine.is_metering(billing.known(name))
    expect(f"{name}'s usage metered", "yes" if metering else "no", "no")


@then(parsers.re(rf"{NAME}'s account is (?P<still>not|still) suspended"))
@checks("AUTO-7")
def suspended(billing: BillingWorld, name: str, still: str) -> None:
    status = billing.account(name).status
    expect(
        f"{name}'s account",
        status,
        "suspended" if still == "still" else "not suspended",
        holds=lambda s, _: (s == "suspended") == (still == "still"),
    )


@then(parsers.re(rf"{NAME}'s account is active again"))
@checks("AUTO-7")
def active_again(billing: BillingWorld, name: str) -> None:
    resumed = [e["at"] for e in billing.events(name, "account.resumed")]
    expect(f"{name}'s account.resumed events", resumed, "at least one", holds=lambda r, _: bool(r))
    expect(f"{name}'s account", billing.account(name).status, "active")


@then(parsers.re(rf"(?P<product>[\w.-]+) is activated for {NAME}"))
@checks("AUTO-5")
def activated(billing: BillingWorld, product: str, name: str) -> None:
    products = billing.account(name).products
    expect(
        f"{name}'s products",
        products,
        product,
        holds=lambda p, e: e in p,
        wanted=f"{product} among them",
    )


@then(parsers.re(rf"(?P<product>[\w.-]+) is not activated for {NAME}, because (?P<why>.+)"))
@checks("AUTO-5")
def not_activated(billing: BillingWorld, product: str, name: str, why: str) -> None:
    refused = billing.events(name, "product.activation_refused")
    expect(
        f"{name}'s refused activations (product, reason)",
        [(e["product"], e["reason"]) for e in refused],
        [(product, reason(why))],
    )
    products = billing.account(name).products
    expect(
        f"{name}'s products",
        products,
        product,
        holds=lambda p, e: e not in p,
        wanted=f"not {product}",
    )


# --- money at the gateways --------------------------------------------------------------------


@then(
    parsers.re(
        rf"{NAME}'s (?P<label>.+?) is charged (?P<amount>{MONEY})(?: (?P<times>once|\d+ times))?"
    )
)
def is_charged(
    billing: BillingWorld, name: str, label: str, amount: str, times: str | None
) -> None:
    """The gateway's own records: a charge (or PayPal capture) of exactly this amount."""
    amounts = [_money(x) for x in billing.money_taken(name, label)]
    count = amounts.count(usd(amount))
    wanted = None if times is None else 1 if times == "once" else int(times.split()[0])
    expect(
        f"{name}'s {label} charges",
        amounts,
        usd(amount),
        holds=lambda _, __: count == wanted if wanted else count >= 1,
        wanted=f"{shown_amount(amount)} {times or 'at least once'}",
    )


@then(parsers.re(rf"{NAME}'s (?P<label>.+?) (?:is|was) never charged(?: (?P<amount>{MONEY}))?"))
def never_charged(billing: BillingWorld, name: str, label: str, amount: str | None) -> None:
    amounts = [_money(x) for x in billing.money_taken(name, label)]
    unwanted = [a for a in amounts if amount is None or a == usd(amount)]
    expect(
        f"{name}'s {label} charges",
        amounts,
        [],
        holds=lambda _, __: not unwanted,
        wanted=f"no charge of {shown_amount(amount)}" if amount else "none",
    )


@then(parsers.re(rf"PayPal has taken no money from {NAME}"))
def paypal_took_nothing(billing: BillingWorld, name: str) -> None:
    taken = [_money(c.amount) for c in billing.paypal_captures(name)]
    expect(f"PayPal's captures from {name}", taken, [])


@then(parsers.re(rf"the billing system has taken (?P<amount>{MONEY}) from cards in all"))
def taken_from_cards(billing: BillingWorld, amount: str) -> None:
    charged = billing.engine.ledger().charged.get("card", Fraction(0))
    expect("taken from cards in all", _money(charged), usd(amount))


@then(parsers.re(rf"{NAME}'s bank records a conversion fee of (?P<amount>{MONEY}) on that charge"))
@checks("CARD-7")
def conversion_fee(billing: BillingWorld, name: str, amount: str) -> None:
    """CARD-7: the issuer's fee, in the issuer's ledger, never in the merchant's amount."""
    (charge,) = billing.card_charges(name, "Visa card")
    entries = [
        e for e in billing.world.gateways.card_core.issuer_ledger if e["charge"] == charge.id
    ]
    expect(
        f"conversion fees on {name}'s charge", [_money(e["fx_fee"]) for e in entries], [usd(amount)]
    )


# --- payments (PAY) ---------------------------------------------------------------------------


def _latest_payment(billing: BillingWorld, name: str) -> dict:
    payments = billing.events(name, "repayment.submitted", "repayment.rejected")
    expect(f"{name}'s manual payments", payments, "a payment", holds=lambda p, _: bool(p))
    return payments[-1]


@then(parsers.re(rf"{NAME}'s payment of (?P<amount>{MONEY}) is (?P<status>pending|paid)"))
@checks("PAY-1", "PAY-2", "PAY-4", "PAY-5")
def payment_status(billing: BillingWorld, name: str, amount: str, status: str) -> None:
    payment = _latest_payment(billing, name)
    expect(
        f"{name}'s latest payment",
        (payment["type"], payment.get("reason")),
        ("repayment.submitted", None),
    )
    expect(f"{name}'s latest payment", _money(payment["amount"]), usd(amount))
    settled = [
        e
        for e in billing.events(name, "repayment.settled")
        if e["repayment"] == payment["repayment"]
    ]
    expect(f"{name}'s payment of {amount}", settled[0]["status"] if settled else "pending", status)


@then(parsers.re(rf"{NAME}'s payment of (?P<amount>{MONEY}) failed, because (?P<why>.+)"))
@checks("PAY-4", "PAY-5")
def payment_failed(billing: BillingWorld, name: str, amount: str, why: str) -> None:
    payment = _latest_payment(billing, name)
    settled = [
        e
        for e in billing.events(name, "repayment.settled")
        if e["repayment"] == payment.get("repayment")
    ]
    shown = [(_money(e["amount"]), e["status"], e.get("reason")) for e in settled]
    expect(
        f"{name}'s latest payment (amount, status, reason)",
        shown,
        [(usd(amount), "failed", reason(why))],
    )


@then(parsers.re(rf"{NAME} is told {POSSESSIVE} (?P<label>.+) is not active, and nothing is paid"))
@checks("PAY-4")
def told_not_active(billing: BillingWorld, name: str, label: str) -> None:
    """PAY-4: only an active method can pay. The engine refuses with a clear message (no
    reason code, so no event); a rejection event would do as well."""
    refusal = billing.noted.get("refusal")
    payment = billing.events(name, "repayment.submitted", "repayment.rejected")[-1:]
    rejected = bool(payment) and payment[0]["type"] == "repayment.rejected"
    expect(
        f"what {name} was told",
        refusal or "nothing",
        "a refusal saying it is not active",
        holds=lambda r, _: rejected or "not active" in r,
    )
    taken = [_money(x) for x in billing.money_taken(name, label)]
    expect(f"{name}'s {label} charges", taken, [])


@then(parsers.re(rf"{NAME}'s payment is refused, because (?P<why>.+)"))
@checks("PAY-2", "PAY-5", by=lambda why, **_: REASON_RULES.get(reason(why)))
def payment_refused(billing: BillingWorld, name: str, why: str) -> None:
    payment = _latest_payment(billing, name)
    expect(
        f"{name}'s latest payment",
        (payment["type"], payment.get("reason")),
        ("repayment.rejected", reason(why)),
    )


# --- payment methods (CARD, PAYPAL, LINK, 3DS) ------------------------------------------------


def _link_words(billing: BillingWorld, key: str, method_id: int) -> str:
    outcome = billing.link_outcome(key, method_id)
    if outcome is None:
        return "undecided"
    if outcome["type"] == "payment_method.linked":
        return "linked"
    return f"not linked: {outcome['reason']}"


@then(
    parsers.re(
        rf"{NAME}'s (?P<label>.+?) is (?P<result>linked|not linked, because .+?)"
        rf"(?P<default> and is {POSSESSIVE} default payment method"
        rf"| but is not {POSSESSIVE} default payment method)?"
    )
)
@checks(*LINK_RULES, by=lambda result, **_: _link_rules(result))
def link_result(
    billing: BillingWorld, name: str, label: str, result: str, default: str | None
) -> None:
    method_id = billing.method_id(name, label)
    status, _, because = result.partition(", because ")
    expected = status if not because else f"{status}: {reason(because)}"
    expect(f"{name}'s {label}", _link_words(billing, name.lower(), method_id), expected)
    if default is not None:
        is_default = billing.account(name).default_method_id == method_id
        expect(
            f"{name}'s {label} is the default payment method",
            "yes" if is_default else "no",
            "yes" if default.startswith(" and is") else "no",
        )


@then(parsers.re(rf"{NAME}'s (?P<label>.+?) is still linked"))
def still_linked(billing: BillingWorld, name: str, label: str) -> None:
    expect(f"{name}'s {label}", billing.method(name, label).status, "active")


@then(parsers.re(r"the card is not linked, because (?P<why>.+)"))
@checks(*LINK_RULES, by=lambda why, **_: REASON_RULES.get(reason(why)))
def last_card_refused(billing: BillingWorld, why: str) -> None:
    expect("the last card linked", billing.last_link, "a card", holds=lambda x, _: x is not None)
    assert billing.last_link is not None  # for the type checker: expect() said so
    key, method_id = billing.last_link
    expect("the card", _link_words(billing, key, method_id), f"not linked: {reason(why)}")


@then(parsers.re(rf"{NAME} has no default payment method"))
@checks("CARD-6")
def no_default(billing: BillingWorld, name: str) -> None:
    default = billing.account(name).default_method_id
    expect(f"{name}'s default payment method", "none" if default is None else default, "none")


@then(parsers.re(rf"{NAME} (?P<was>was|was not) asked for 3D Secure(?: (?P<times>\d+) times?)?"))
@checks("3DS-1", "CARD-3", "AUTO-8")
def asked_for_threeds(billing: BillingWorld, name: str, was: str, times: str | None) -> None:
    count = len(billing.events(name, "threeds.challenged"))
    wanted = 0 if was == "was not" else int(times) if times else None
    expect(
        f"times {name} was asked for 3D Secure",
        count,
        wanted,
        holds=lambda c, w: c == w if w is not None else c >= 1,
        wanted=None if wanted is not None else "at least once",
    )


@then(parsers.re(rf"PayPal has held USD 1\.00 from {NAME} (?P<times>\d+) times?"))
@checks("PAYPAL-1", "AUTO-5")
def paypal_checks(billing: BillingWorld, name: str, times: str) -> None:
    paypal = {m.id for m in billing.account(name).methods if m.kind == "paypal"}
    checks = [
        e
        for e in billing.events(name, "preauth.authorized")
        if e["method"] in paypal and _money(e["amount"]) == Decimal("1.00")
    ]
    expect(f"USD 1.00 checks PayPal made on {name}", len(checks), int(times))


@then(parsers.re(rf"PayPal voided each USD 1\.00 check on {NAME} at once"))
@checks("PAYPAL-1", "AUTO-5")
def paypal_checks_voided(billing: BillingWorld, name: str) -> None:
    """PAYPAL-1, AUTO-5: the engine voids each check the moment it is made (logged as released
    by the merchant), and PayPal's own record of it says VOIDED, nothing captured."""
    paypal = {m.id for m in billing.account(name).methods if m.kind == "paypal"}
    checks = [e for e in billing.events(name, "preauth.authorized") if e["method"] in paypal]
    expect(f"USD 1.00 checks PayPal made on {name}", len(checks), "at least one",
           holds=lambda n, _: n > 0)  # fmt: skip
    released = {
        e["authorization"]: (e["at"], e["by"]) for e in billing.events(name, "preauth.released")
    }
    expect(
        f"the release of each check on {name}'s PayPal (when, by)",
        [released.get(c["authorization"]) for c in checks],
        [(c["at"], "merchant") for c in checks],
    )
    records = billing.paypal_authorizations(name)
    expect(
        f"PayPal's records of the checks on {name} (state, captured)",
        [(records[c["authorization"]].state, _money(records[c["authorization"]].captured))
         for c in checks],
        [("VOIDED", Decimal("0.00")) for _ in checks],
    )  # fmt: skip


@then(parsers.re(r'the check was made for "(?P<descriptor>[^"]+)"'))
def check_descriptor(billing: BillingWorld, descriptor: str) -> None:
    """The latest USD 1.00 check, as the billing system logged it and, for a card, as the card
    processor recorded it (the descriptor the cardholder's statement shows)."""
    checks = billing.events(None, "preauth.authorized")
    expect("USD 1.00 checks", checks, "one", holds=lambda c, _: bool(c))
    latest = checks[-1]
    expect("the check's descriptor", latest["descriptor"], descriptor)
    holds = billing.world.gateways.card_core.authorizations
    if latest["authorization"] in holds:
        recorded = holds[latest["authorization"]].descriptor
        expect("the descriptor the card processor recorded", recorded, descriptor)


@then(parsers.re(rf"{NAME}'s bank holds (?P<amount>{MONEY}) on the card"))
@checks("CARD-2", "CARD-5")
def bank_holds(billing: BillingWorld, name: str, amount: str) -> None:
    """The card processor's view of the last card linked: what it holds now."""
    held = [a for a in billing.last_card_holds() if a.status_at(billing.now) == "held"]
    total = sum((_money(a.amount) for a in held), Decimal("0.00"))
    expect(f"what {name}'s bank holds on the card", total, usd(amount))


@then("no hold stays on the card")
@checks("CARD-5")
def no_hold(billing: BillingWorld) -> None:
    held = [
        _money(a.amount) for a in billing.last_card_holds() if a.status_at(billing.now) == "held"
    ]
    expect("holds on the card", held, [])


@then(
    parsers.re(
        rf"the check on {NAME}'s card was released, not captured, between (?P<earliest>.+) "
        r"and (?P<latest>.+)"
    )
)
@checks("CARD-5")
def check_released(billing: BillingWorld, name: str, earliest: str, latest: str) -> None:
    checks = billing.events(name, "preauth.authorized")
    releases = billing.events(name, "preauth.released")
    expect(f"{name}'s checks and releases", (len(checks), len(releases)), (1, 1))
    (check,), (released,) = checks, releases
    at = moment_of(released["at"])
    expect(
        "the check released",
        spoken(at),
        f"between {earliest} and {latest}",
        holds=lambda _, __: moment(earliest) <= at <= moment(latest),
    )
    expect("the check released by", released["by"], "issuer")
    hold = billing.world.gateways.card_core.authorizations[check["authorization"]]
    expect(
        "the card processor's hold (status, released)",
        (hold.status_at(billing.now), spoken(hold.release_at)),
        ("released", spoken(at)),
    )
    billing.noted["released"] = at


@then(parsers.re(r"it was released on a business day in (?P<where>.+)"))
@checks("CARD-5")
def released_on_business_day(billing: BillingWorld, where: str) -> None:
    if "released" not in billing.noted:
        raise AuthoringError(
            "say when the check was released first ('Then the check on Ada's card was "
            "released, not captured, between ... and ...')"
        )
    at = billing.noted["released"]
    expect(
        "the check released",
        spoken(at),
        f"a business day in {where}",
        holds=lambda _, __: is_business_day(at, country(where)),
    )


# --- Coding Plan (PLAN) -----------------------------------------------------------------------


@then(parsers.re(rf"{NAME}'s Coding Plan renewals are:"))
@checks("PLAN-1", "AUTO-8")
def plan_renewals(billing: BillingWorld, name: str, datatable: list[list[str]]) -> None:
    """Columns: renewed, amount, outcome."""
    expected = read_table(
        f"{name}'s Coding Plan renewals",
        datatable,
        {"renewed": STARTED, "amount": AMOUNT, "outcome": OUTCOME},
    )
    renewals = billing.events(name, "plan.renewed", "plan.renewal_failed")
    shown = [
        (
            e["at"],
            _money(e["amount"]),
            _outcome("succeeded" if e["type"] == "plan.renewed" else "failed", e.get("reason")),
        )
        for e in renewals
    ]
    expect(f"{name}'s Coding Plan renewals (renewed, amount, outcome)", shown, expected)


@then(
    parsers.re(rf"{NAME}'s (?P<plan>Lite|Pro) Coding Plan purchase is refused, because (?P<why>.+)")
)
@checks("PLAN-1", "3DS-2", by=lambda why, **_: REASON_RULES.get(reason(why), "PLAN-1"))
def plan_refused(billing: BillingWorld, name: str, plan: str, why: str) -> None:
    refused = billing.events(name, "plan.purchase_refused")
    expect(
        f"{name}'s refused Coding Plan purchases (plan, reason)",
        [(e["plan"], e["reason"]) for e in refused],
        [(plan.lower(), reason(why))],
    )
    bought = [e["plan"] for e in billing.events(name, "plan.purchased")]
    expect(f"{name}'s Coding Plan purchases", bought, [])


# --- the harness's own guarantees (H) ---------------------------------------------------------


@then(
    "the card processor, the 3D Secure server and PayPal dated every record at a moment the "
    "billing system logged"
)
@checks("H-1")
def one_clock(billing: BillingWorld) -> None:
    """H-1: each gateway stamps its records with the engine's simulated time."""
    logged = {moment_of(e["at"]) for e in billing.events()}
    for gateway, moments in billing.gateway_moments().items():
        expect(f"the {gateway}'s records", len(moments), "at least one", holds=lambda n, _: n > 0)
        strays = sorted(spoken(m) for m in set(moments) - logged)
        expect(
            f"moments the {gateway} dated records at that the billing system never logged",
            strays,
            [],
        )


@then("the card processor released each check exactly when the billing system logged its release")
@checks("H-1")
def releases_agree(billing: BillingWorld) -> None:
    released = [e for e in billing.events(None, "preauth.released") if e["by"] == "issuer"]
    expect(
        "checks released by a card issuer", len(released), "at least one", holds=lambda n, _: n > 0
    )
    holds = billing.world.gateways.card_core.authorizations
    for event in released:
        recorded = format_time(holds[event["authorization"]].release_at)
        expect(f"when the card processor released {event['authorization']}", recorded, event["at"])


@then("telling the story again with the same seed writes the same event log, byte for byte")
@checks("H-2")
def same_seed_same_log(billing: BillingWorld) -> None:
    replayed = billing.replay(seed=billing.seed, transport=billing.transport)
    expect(
        "the event log told again", _first_difference(replayed, billing.world.log.kept), "the same"
    )


@then(
    "telling it again in process, through the gateways' web applications and over network "
    "sockets writes the same event log, byte for byte"
)
@checks("H-2")
def same_log_every_transport(billing: BillingWorld) -> None:
    for transport in ("direct", "wsgi", "http"):
        replayed = billing.replay(seed=billing.seed, transport=transport)
        expect(
            f"the event log told again over {transport}",
            _first_difference(replayed, billing.world.log.kept),
            "the same",
        )


@then("telling it again with another seed writes a different event log")
@checks("H-2")
def other_seed_other_log(billing: BillingWorld) -> None:
    replayed = billing.replay(seed=billing.seed + 1, transport="direct")
    expect(
        "the event log told again with another seed",
        _first_difference(replayed, billing.world.log.kept),
        "different",
        holds=lambda d, _: d != "the same",
    )


@then(
    parsers.re(
        rf"{NAME}'s fees add up to what {SUBJECT} paid plus what {SUBJECT} owes, "
        r"to the cent"
    )
)
@checks("H-3")
def nothing_lost(billing: BillingWorld, name: str) -> None:
    """H-3: every fee accrued (exactly) is paid (per the event log) or still due."""
    deducted = billing.events(name, "deduction.succeeded", "deduction.reconciled")
    repaid = billing.events(name, "repayment.settled", "repayment.reconciled")
    paid = sum(
        (Decimal(e["amount"]) for e in deducted if e.get("outcome", "succeeded") == "succeeded"),
        Decimal(0),
    ) + sum((Decimal(e["amount"]) for e in repaid if e["status"] == "paid"), Decimal(0))
    due = _money(billing.engine.total_amount_due(billing.known(name)))
    fees = _money(round_cents(billing.account(name).ledger.fees))
    expect(
        f"what {name} paid",
        paid,
        "more than nothing (else no rounding is shown)",
        holds=lambda p, _: p > 0,
    )
    expect(f"{name}'s paid + due", paid + due, fees, wanted=f"fees of {in_words(fees)}")


_AMOUNT_FIELDS = {
    "amount",
    "charged",
    "from_balance",
    "pretax",
    "tax",
    "total",
    "outstanding",
    "paid",
    "threshold",
    "balance",
}


@then("every amount in the event log has exactly two decimal places")
@checks("H-3")
def amounts_two_places(billing: BillingWorld) -> None:
    amounts = [
        (e["type"], k, v) for e in billing.events() for k, v in e.items() if k in _AMOUNT_FIELDS
    ]
    expect("amounts in the event log", len(amounts), "at least one", holds=lambda n, _: n > 0)
    odd = [a for a in amounts if not (isinstance(a[2], str) and re.fullmatch(r"\d+\.\d\d", a[2]))]
    expect("amounts without exactly two decimal places (event, field, value)", odd, [])


@then("no event shows a full card number or a security code")
@checks("H-4")
def no_card_numbers(billing: BillingWorld) -> None:
    """H-4: no number typed in this scenario, and no CVV field, in any event or report."""
    typed = billing.card_numbers()
    expect("cards typed in this scenario", len(typed), "at least one", holds=lambda n, _: n > 0)
    written = "\n".join(billing.world.log.kept) + billing.failure_report()
    expect("full card numbers written (last four)", [n[-4:] for n in typed if n in written], [])
    expect("security codes written", "yes" if "cvv" in written.lower() else "no", "no")


@then("cards appear in the event log as brand and last four digits only")
@checks("H-4")
def cards_by_last4(billing: BillingWorld) -> None:
    linked = [e for e in billing.events(None, "payment_method.linked") if e["kind"] == "card"]
    expect("cards linked", len(linked), "at least one", holds=lambda n, _: n > 0)
    cards = [(e["brand"], e["last4"]) for e in linked]
    odd = [c for c in cards if not (c[0] and re.fullmatch(r"\d{4}", c[1]))]
    expect("linked cards not shown as brand and last four", odd, [])
    long_numbers = re.findall(r"\d{12,}", "\n".join(billing.world.log.kept))
    expect("numbers of 12 digits or more in the event log", len(long_numbers), 0)
