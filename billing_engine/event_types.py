"""The one catalogue of event types: each type's name, the rules it witnesses, its meaning and
its fields, as the event log writes them. Pure data, read by the docs generator and its tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: what a field's value is in events.jsonl; `simulator.doc_tables` words each for the docs
FieldType = Literal[
    "amount",  # a two-place decimal string, "1000.00"
    "method",  # a payment method's index in its account (link attempts counted from 0)
    "method?",  # a method index, or null when there is none
    "id",  # an identifier string: a deduction's, a repayment's, an authorization's...
    "reason",  # a snake_case reason code (docs/scenarios.md, Reason codes)
    "word",  # one of the words the meaning lists
    "text",  # free text: a country code, an email, a brand
    "time",  # ISO 8601 UTC, "2026-02-04T12:00:00Z"
    "int",
    "bool",
    "object",  # a JSON object, shaped as the meaning says
]

#: who writes the event: the engine under test, or the harness around it
Source = Literal["engine", "harness"]


@dataclass(frozen=True)
class EventField:
    name: str
    type: FieldType
    meaning: str
    #: when the field is there; None: always
    when: str | None = None


@dataclass(frozen=True)
class EventType:
    name: str
    #: the rules the event bears witness to (IDs of docs/rules.md); none for bookkeeping
    rules: tuple[str, ...]
    meaning: str
    fields: tuple[EventField, ...] = ()
    source: Source = "engine"

    def field(self, name: str) -> EventField | None:
        return next((f for f in self.fields if f.name == name), None)


def _f(name: str, type_: FieldType, meaning: str, when: str | None = None) -> EventField:
    return EventField(name, type_, meaning, when)


# --- fields shared by several types ---------------------------------------------------------

_METHOD = _f("method", "method", "the payment method")
_AMOUNT = _f("amount", "amount", "the whole amount")
_REASON = _f("reason", "reason", "why")
_DEDUCTION = _f("deduction", "id", "the deduction's id (also its idempotency key)")
_FROM_BALANCE = _f("from_balance", "amount", "the part the prepaid balance paid (PAY-3)")
_CHARGED = _f("charged", "amount", "the part charged to the method")
_REPAYMENT = _f("repayment", "id", "the repayment's id (also its idempotency key)")
_PLAN = _f("plan", "word", "the Coding Plan: `lite` or `pro`")
_PLAN_ORDER = _f("plan", "word", "the Coding Plan ordered", "a plan order's 3D Secure")
_REPAYMENT_3DS = _f("repayment", "id", "the repayment", "a repayment's 3D Secure")
_RECONCILED_OUTCOME = _f("outcome", "word", "`succeeded` or `failed`: what the look-up found")
_REPAYMENT_STATUS = _f("status", "word", "`paid` or `failed`")
_REPAYMENT_REASON = _f("reason", "reason", "why it failed", "`status` is `failed`")

EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "run.started",
        (),
        "the first line of every events.jsonl: which run wrote it; `seq` 0, `account` null",
        (
            _f(
                "run",
                "object",
                "`id` (`DIGEST-seedN-vVERSION`), `scenario_sha256`, `seed`, `version`",
            ),
        ),
        source="harness",
    ),
    EventType(
        "account.opened",
        (),
        "an account was opened",
        (
            _f("country", "text", "its ISO 3166 alpha-2 country (CARD-3)"),
            _f("balance", "amount", "its prepaid balance"),
        ),
    ),
    EventType(
        "payment_method.linked",
        ("CARD-6", "PAYPAL-1"),
        "a card or PayPal account is linked and Active",
        (
            _METHOD,
            _f("kind", "word", "`card` or `paypal`"),
            _f("default", "bool", "it became the default (the account's first linked method)"),
            _f("brand", "text", "the card's brand: `visa`, `mastercard`, ...", "a card"),
            _f("last4", "text", "the card number's last four digits (H-4)", "a card"),
            _f("payer", "text", "the PayPal login (email)", "PayPal"),
        ),
    ),
    EventType(
        "payment_method.link_rejected",
        (
            "CARD-1",
            "CARD-2",
            "CARD-3",
            "CARD-4",
            "3DS-2",
            "PAYPAL-2",
            "PAYPAL-3",
            "LINK-1",
            "LINK-2",
        ),
        "a link attempt ended without a linked method; the reason names the rule",
        (_METHOD, _f("kind", "word", "`card` or `paypal`"), _REASON),
    ),
    EventType(
        "payment_method.unlinked",
        ("LINK-2",),
        "a method was unlinked (by the customer, or at the end of a cool-down) and is free",
        (_METHOD,),
    ),
    EventType(
        "payment_method.default_changed",
        ("CARD-6", "AUTO-1"),
        "the default method changed: the customer chose one, the default was unlinked (the "
        "earliest linked active method follows, or none), or a cool-down ended (none)",
        (
            _f("method", "method?", "the new default; null: none"),
            _f("previous", "method?", "the default before; null: none"),
        ),
    ),
    EventType(
        "paypal.approval_requested",
        ("PAYPAL-1",),
        "the customer is sent to PayPal to approve the agreement",
        (_METHOD, _f("threshold", "amount", "the account's PayPal threshold (AUTO-3)")),
    ),
    EventType(
        "threeds.challenged",
        ("3DS-1", "3DS-2"),
        "the card's bank asks the customer to verify on its page",
        (_METHOD, _PLAN_ORDER, _REPAYMENT_3DS),
    ),
    EventType(
        "threeds.completed",
        ("3DS-1", "3DS-2"),
        "the 3D Secure check ended (frictionless, answered or timed out)",
        (
            _METHOD,
            _f("trans_status", "word", "EMV 3DS `Y`, `A` (passed), `N`, `U`, `R` (did not)"),
            _PLAN_ORDER,
            _REPAYMENT_3DS,
        ),
    ),
    EventType(
        "preauth.authorized",
        ("CARD-2", "CARD-5"),
        "the USD 1.00 verification hold was placed (a card; PayPal's check is voided at once)",
        (
            _METHOD,
            _f("amount", "amount", "the hold's amount"),
            _f("authorization", "id", "the gateway's authorization id"),
            _f("descriptor", "text", "the statement descriptor"),
        ),
    ),
    EventType(
        "preauth.released",
        ("CARD-5",),
        "the verification hold is gone",
        (
            _METHOD,
            _f("authorization", "id", "the gateway's authorization id"),
            _f("by", "word", "`issuer` (the bank released it) or `merchant` (the engine voided)"),
        ),
    ),
    EventType(
        "product.activated",
        ("AUTO-5",),
        "a PAYG product was activated",
        (_f("product", "text", "its name"),),
    ),
    EventType(
        "product.activation_refused",
        ("AUTO-5",),
        "the USD 1.00 PayPal check failed: the product is not activated nor metered",
        (_f("product", "text", "its name"), _REASON),
    ),
    EventType(
        "deduction.initiated",
        ("AUTO-2", "AUTO-3", "AUTO-4"),
        "an automatic deduction started; its status comes back 30 minutes later",
        (
            _DEDUCTION,
            _f("trigger", "word", "`threshold` (AUTO-2/3) or `month_end` (AUTO-4)"),
            _f("amount", "amount", "everything payable, rounded to the cent"),
            _f("method", "method?", "the default method charged; null: none (AUTO-1)"),
        ),
    ),
    EventType(
        "deduction.succeeded",
        ("PAY-5",),
        "the deduction's status came back paid",
        (_DEDUCTION, _AMOUNT, _FROM_BALANCE, _CHARGED),
    ),
    EventType(
        "deduction.failed",
        ("AUTO-6",),
        "the deduction's status came back failed; its fees stay owed",
        (_DEDUCTION, _AMOUNT, _REASON),
    ),
    EventType(
        "deduction.unknown",
        ("AUTO-6",),
        "the gateway never answered the charge: its amount stays reserved until a look-up tells",
        (_DEDUCTION, _AMOUNT, _CHARGED),
    ),
    EventType(
        "deduction.reconciled",
        ("AUTO-6",),
        "a look-up told what became of an unknown deduction",
        (
            _DEDUCTION,
            _AMOUNT,
            _RECONCILED_OUTCOME,
            _f("from_balance", "amount", "as in deduction.succeeded", "`outcome` is `succeeded`"),
            _f("charged", "amount", "as in deduction.succeeded", "`outcome` is `succeeded`"),
            _f("reason", "reason", "why it failed", "`outcome` is `failed`"),
        ),
    ),
    EventType(
        "repayment.submitted",
        ("PAY-1", "PAY-3", "PAY-4"),
        "a manual payment was taken; its status comes back 30 minutes later",
        (
            _REPAYMENT,
            _AMOUNT,
            _FROM_BALANCE,
            _CHARGED,
            _f("method", "method?", "the method charged; null: the balance paid it all"),
        ),
    ),
    EventType(
        "repayment.settled",
        ("PAY-5",),
        "a manual payment's status came back",
        (_REPAYMENT, _AMOUNT, _REPAYMENT_STATUS, _REPAYMENT_REASON),
    ),
    EventType(
        "repayment.rejected",
        ("PAY-2", "PAY-4", "PAY-5", "3DS-2"),
        "a manual payment was refused before anything was charged",
        (_f("amount", "amount", "the amount asked for (`all`: what was payable)"), _REASON),
    ),
    EventType(
        "repayment.unknown",
        ("PAY-5",),
        "the gateway never answered the repayment's charge: its amount stays reserved",
        (_REPAYMENT, _AMOUNT, _CHARGED),
    ),
    EventType(
        "repayment.reconciled",
        ("PAY-5",),
        "a look-up told what became of an unknown repayment",
        (_REPAYMENT, _AMOUNT, _REPAYMENT_STATUS, _REPAYMENT_REASON),
    ),
    EventType(
        "plan.purchased",
        ("PLAN-1",),
        "a Coding Plan was bought and paid",
        (_PLAN, _f("amount", "amount", "its price, tax included"), _METHOD),
    ),
    EventType(
        "plan.purchase_refused",
        ("PLAN-1", "3DS-2"),
        "a Coding Plan order ended unpaid (3DS-2, a decline, the method gone)",
        (_PLAN, _f("amount", "amount", "its price"), _REASON),
    ),
    EventType(
        "plan.purchase_unknown",
        ("PLAN-1",),
        "the gateway never answered the order's charge; later plan.purchased or "
        "plan.purchase_refused",
        (_PLAN, _f("amount", "amount", "its price")),
    ),
    EventType(
        "plan.renewed",
        ("PLAN-1",),
        "a month of the plan was charged to the default method",
        (_PLAN, _f("amount", "amount", "its price"), _METHOD),
    ),
    EventType(
        "plan.renewal_failed",
        ("PLAN-1",),
        "the renewal was not paid: the plan lapses",
        (_PLAN, _f("amount", "amount", "its price"), _REASON),
    ),
    EventType(
        "plan.renewal_unknown",
        ("PLAN-1",),
        "the gateway never answered the renewal's charge; later plan.renewed or "
        "plan.renewal_failed",
        (_PLAN, _f("amount", "amount", "its price")),
    ),
    EventType(
        "account.overdue",
        ("AUTO-7",),
        "fees of a failed deduction are unpaid 15 days on",
        (_f("outstanding", "amount", "Total Amount Due then (OV-2)"),),
    ),
    EventType("account.suspended", ("AUTO-7",), "PAYG products stop being metered"),
    EventType(
        "account.resumed",
        ("AUTO-7",),
        "Total Amount Due is zero: metering resumes from the next whole hour",
    ),
    EventType(
        "account.deactivated",
        ("LINK-2",),
        "the account was closed; its methods stay held for the cool-down",
        (_f("cooldown_until", "time", "when the cool-down ends"),),
    ),
    EventType(
        "account.cooldown_ended",
        ("LINK-2",),
        "the cool-down is over: the methods are unlinked and free (after their events)",
    ),
    EventType(
        "month.closed",
        ("AUTO-4", "OV-1", "OV-4"),
        "a month ended: its spend (OV-1, OV-4) and what was owed at its close",
        (
            _f("year", "int", "the month closed"),
            _f("month", "int", "1 to 12"),
            _f("pretax", "amount", "the month's spend before tax, both modes"),
            _f("tax", "amount", "its tax"),
            _f("total", "amount", "pretax plus tax"),
            _f(
                "by_mode",
                "object",
                "`{MODE: {pretax, tax, total}}` for each billing mode with spend that month "
                "(`payg`, `coding_plan`); `{}` when none",
            ),
            _f("outstanding", "amount", "Total Amount Due at the close (OV-2)"),
        ),
    ),
    EventType(
        "action.skipped",
        (),
        "a scripted action the engine refused without a reason of its own",
        (
            _f(
                "action",
                "word",
                "the action's KIND: `link`, `unlink`, `set_default`, `repay`, `activate`, "
                "`buy_plan`, `deactivate`",
            ),
            _f(
                "reason",
                "reason",
                "`method_not_linked`, `account_not_active`, `unknown_product` or `not_possible`",
            ),
        ),
        source="harness",
    ),
)

BY_NAME: dict[str, EventType] = {event.name: event for event in EVENT_TYPES}
