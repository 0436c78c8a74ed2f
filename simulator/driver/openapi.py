"""The driver protocol as an OpenAPI 3.1 document, served at the engine's /openapi.json. Data,
built by small helpers so each shape is written once."""

from __future__ import annotations

from typing import Any

from simulator.driver.optional_features import NOT_OFFERED, OPTIONAL_FEATURES

VERSION = "1.1.0"

AMOUNT = {
    "type": "string",
    "pattern": r"^-?\d+(\.\d+)?(/\d+)?$",
    "description": "Money as a decimal string, never a number; an exact accrued figure that no "
    'decimal holds may be written "n/d".',
}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601 UTC, e.g. Z"}
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
NULLABLE_TEXT = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str,
    answer: str | None,
    *,
    body: str | None = None,
    status: str = "200",
    params: tuple[dict[str, Any], ...] = (),
    optional: str | None = None,
) -> dict[str, Any]:
    """`optional`: the optional feature the operation belongs to (an engine may answer 501)."""
    responses: dict[str, Any] = {
        status: {"description": "done", **(_json(_ref(answer)) if answer else {})},
        "400": {"description": "a malformed request", **_json(_ref("Error"))},
        "404": {"description": "no such account", **_json(_ref("Error"))},
        "409": {"description": "not configured yet", **_json(_ref("Error"))},
        "422": {"description": "the engine refused (reason code)", **_json(_ref("Error"))},
    }
    if optional is not None:
        responses["501"] = {
            "description": f"the engine does not offer {optional} (reason: {optional})",
            **_json(_ref(NOT_OFFERED)),
        }
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(_ref(body))}
    if params:
        operation["parameters"] = list(params)
    return operation


def _path_param(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


ACCOUNT = _path_param("account_id")
METHOD = _path_param("method_id", {"type": "integer", "minimum": 0})
AFTER = _query("after", {"type": "integer", "minimum": 0, "default": 0})

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        ["error"],
        error=_object(
            ["type", "message"],
            type={"type": "string"},
            reason={**NULLABLE_TEXT, "description": "a reason code of docs/scenarios.md"},
            message={"type": "string"},
        ),
    ),
    NOT_OFFERED: _object(
        ["error"],
        error=_object(
            ["type", "reason", "message"],
            type={"const": NOT_OFFERED},
            reason={
                "enum": list(OPTIONAL_FEATURES),
                "description": "The optional feature the engine does not offer. "
                + "; ".join(f"{name}: {calls}" for name, calls in OPTIONAL_FEATURES.items()),
            },
            message={"type": "string"},
        ),
    ),
    "Configuration": _object(
        ["start", "gateways"],
        start={**INSTANT, "description": "The test clock's first reading."},
        seed={"type": "integer", "default": 0},
        gateways=_object(
            ["card", "threeds", "paypal"],
            card={"type": "string", "format": "uri"},
            threeds={"type": "string", "format": "uri"},
            paypal={"type": "string", "format": "uri"},
        ),
        policy={
            "type": "object",
            "description": "Policy settings as a scenario's `policy:` block names them.",
        },
    ),
    "Clock": _object(["now"], now=INSTANT),
    "Advance": _object(
        ["to"],
        to=INSTANT,
        inclusive={
            "type": "boolean",
            "default": True,
            "description": "false: what is due at `to` itself waits for the next advance "
            "(the harness acts at `to` first, as customers act before timers at one instant).",
        },
    ),
    "NewAccount": _object(
        ["id", "country"],
        id={"type": "string"},
        country={"type": "string", "pattern": "^[A-Z]{2}$"},
        tax_rate=AMOUNT,
        balance=AMOUNT,
    ),
    "Account": _object(
        ["country", "status", "products", "methods", "ledger"],
        country={"type": "string"},
        status={
            "enum": ["active", "overdue", "suspended", "deactivated"],
            "description": "overdue: fees unpaid 15 days after a failed deduction; the PAYG "
            "products are suspended at the same instant (AUTO-7), so the reference engine's "
            "account reads suspended, never overdue; active again once paid; deactivated: "
            "closed (LINK-2).",
        },
        products={"type": "array", "items": {"type": "string"}},
        default_method_id={"type": ["integer", "null"]},
        threshold={"oneOf": [AMOUNT, {"type": "null"}]},
        methods={
            "type": "array",
            "items": _object(
                ["id", "kind", "status"],
                id={"type": "integer"},
                kind={"enum": ["card", "paypal"]},
                status={
                    "enum": ["pending", "active", "rejected", "unlinked"],
                    "description": "pending: waiting for the customer (3D Secure or PayPal's "
                    "approval); active: linked; rejected: the link was refused; unlinked.",
                },
                token={
                    **NULLABLE_TEXT,
                    "description": "The card processor's token or PayPal's payment token.",
                },
            ),
        },
        holds={
            "type": "array",
            "items": _object(
                ["method_id", "authorization_id"],
                method_id={"type": "integer"},
                authorization_id={"type": "string"},
            ),
        },
        deductions={
            "type": "array",
            "items": _object(
                ["trigger"],
                trigger={"enum": ["threshold", "month_end"]},
                month={"oneOf": [MONTH, {"type": "null"}]},
            ),
        },
        ledger=_object(
            ["fees", "paid", "outstanding", "amount_due", "toward_threshold", "in_flight"],
            fees={**AMOUNT, "description": "PAYG fees so far, tax included, exact."},
            paid={**AMOUNT, "description": "What payments paid of them."},
            outstanding={
                **AMOUNT,
                "description": "Total Amount Due, exact: every fee not yet paid, with its "
                "sub-cent remainder.",
            },
            amount_due={
                **AMOUNT,
                "description": "The same rounded half-even to the cent, as shown (OV-2).",
            },
            toward_threshold={
                **AMOUNT,
                "description": "Fees accrued since the last deduction attempt: what the "
                "threshold is compared with (AUTO-2, AUTO-3).",
            },
            in_flight={
                **AMOUNT,
                "description": "The deduction awaiting its status (PAY-5); one whose answer "
                "was lost leaves it then, still in `outstanding`.",
            },
        ),
    ),
    "Usage": _object(
        ["product", "hourly_fee", "from", "until"],
        product={"type": "string"},
        hourly_fee={**AMOUNT, "description": "Pretax fee per hour; part hours by the minute."},
        **{"from": INSTANT, "until": INSTANT},
    ),
    "Product": _object(["product"], product={"type": "string"}),
    "Activation": _object(
        ["product", "status"],
        product={"type": "string"},
        status={
            "enum": ["activated", "refused"],
            "description": "activated also for a product already active (no event then).",
        },
        reason={**NULLABLE_TEXT, "description": "refused: the reason code (AUTO-5)."},
    ),
    "Link": {
        "oneOf": [
            _object(
                ["kind", "card"],
                kind={"const": "card"},
                card=_object(
                    ["number", "exp_month", "exp_year", "cvv", "name"],
                    number={"type": "string"},
                    exp_month={"type": "integer"},
                    exp_year={"type": "integer"},
                    cvv={"type": "string"},
                    name={"type": "string"},
                ),
            ),
            _object(
                ["kind"], kind={"const": "paypal"}, threshold={"oneOf": [AMOUNT, {"type": "null"}]}
            ),
        ]
    },
    "LinkOutcome": _object(
        ["status", "method_id", "kind"],
        status={
            "enum": ["linked", "rejected", "challenge", "approval"],
            "description": "challenge, approval: the link waits for the customer at "
            "`redirect_url`; .../complete then answers linked or rejected.",
        },
        method_id={"type": "integer", "description": "The attempt's index, from 0."},
        kind={"enum": ["card", "paypal"]},
        reason={**NULLABLE_TEXT, "description": "rejected: the reason code."},
        redirect_url={
            **NULLABLE_TEXT,
            "description": "challenge: the 3D Secure page; approval: PayPal's approval page. "
            "The customer goes there, then the harness POSTs .../complete.",
        },
    ),
    "Repayment": _object(
        ["amount"],
        amount={"oneOf": [AMOUNT, {"const": "all"}]},
        method_id={"type": ["integer", "null"]},
    ),
    "RepaymentOutcome": _object(
        ["repayment_id", "status", "amount"],
        repayment_id={"type": "string"},
        status={"enum": ["pending", "challenge", "refused"]},
        amount=AMOUNT,
        from_balance=AMOUNT,
        charged=AMOUNT,
        method_id={"type": ["integer", "null"]},
        reason=NULLABLE_TEXT,
        redirect_url=NULLABLE_TEXT,
    ),
    "PlanOrder": _object(
        ["plan", "method_id"], plan={"type": "string"}, method_id={"type": "integer"}
    ),
    "PlanOutcome": _object(
        ["plan", "status", "amount"],
        plan={"type": "string"},
        status={"enum": ["purchased", "refused", "challenge", "unknown"]},
        amount=AMOUNT,
        reason=NULLABLE_TEXT,
        redirect_url=NULLABLE_TEXT,
    ),
    "Spend": _object(["pretax", "tax", "total"], pretax=AMOUNT, tax=AMOUNT, total=AMOUNT),
    "Overview": _object(
        ["month", "total_spend", "total_amount_due", "spend"],
        month=MONTH,
        total_spend=_ref("Spend"),
        total_amount_due={
            **AMOUNT,
            "description": "Total Amount Due now, rounded half-even to the cent (OV-2).",
        },
        spend={
            "type": "array",
            "description": "The month's spend by product and billing mode (OV-4), every mode "
            "whatever `mode` asked: `mode` narrows `total_spend` only. The reference engine "
            "answers every spend figure exact, unrounded.",
            "items": {
                "allOf": [
                    _ref("Spend"),
                    _object(
                        ["product", "mode"],
                        product={"type": "string"},
                        mode={"enum": ["payg", "coding_plan"]},
                    ),
                ]
            },
        },
    ),
    "Trend": _object(
        ["points"],
        points={
            "type": "array",
            "items": {"allOf": [_ref("Spend"), _object(["month"], month=MONTH)]},
        },
    ),
    "Events": _object(
        ["events"],
        events={
            "type": "array",
            "description": "Events in the schema of docs/scenarios.md, `seq` from 1; read on "
            "with ?after=<the last seq seen>.",
            "items": {
                "type": "object",
                "required": ["seq", "at", "type", "account"],
                "additionalProperties": True,
            },
        },
    ),
    "Accounts": _object(["accounts"], accounts={"type": "array", "items": {"type": "string"}}),
    "Ledger": _object(
        ["fees", "paid", "outstanding", "charged"],
        fees={**AMOUNT, "description": "Every account's PAYG fees so far, tax included."},
        paid={**AMOUNT, "description": "What deductions and repayments paid of them."},
        outstanding={**AMOUNT, "description": "Every account's Total Amount Due, exact."},
        charged={
            "type": "object",
            "additionalProperties": AMOUNT,
            "description": "By method kind (card, paypal): the money each gateway took for "
            "charges (deductions, repayments, Coding Plan orders and renewals), counted when the "
            "gateway answered the charge, not at its status 30 minutes later; a charge whose "
            "answer was lost counts once a look-up finds it taken. Compared with the mocks' "
            "own ledgers (H-3).",
        },
    ),
    "UnknownPayments": _object(
        ["payments"],
        payments={
            "type": "array",
            "items": _object(
                ["key", "account", "method_id"],
                key={"type": "string", "description": "The charge's idempotency key."},
                account={"type": "string"},
                method_id={"type": "integer", "description": "The method charged."},
            ),
        },
    ),
    "FeesByDay": _object(
        ["days"],
        days={
            "type": "object",
            "additionalProperties": AMOUNT,
            "description": "UTC date (YYYY-MM-DD) -> every account's PAYG fees, tax included, "
            "exact, of the hours that start on that day: the hour ending at midnight belongs "
            "to the day it starts on. Days without fees are left out; Coding Plan charges are "
            "not fees.",
        },
    ),
    "Done": _object(["ok"], ok={"const": True}),
}

#: one body of each schema, recorded from the served reference engine (tests/test_driver_docs.py
#: records them again and checks they fit); long lists are cut short
EXAMPLES: dict[str, Any] = {
    "Configuration": {
        "start": "2026-01-30T09:00:00Z",
        "seed": 7,
        "gateways": {
            "card": "http://127.0.0.1:8101",
            "threeds": "http://127.0.0.1:8102",
            "paypal": "http://127.0.0.1:8103",
        },
        "policy": {},
    },
    "Clock": {"now": "2026-01-30T15:00:00Z"},
    "Advance": {"to": "2026-01-30T15:00:00Z", "inclusive": True},
    "NewAccount": {"id": "ada", "country": "US", "tax_rate": "0.1", "balance": "0.00"},
    "Account": {
        "country": "US",
        "deductions": [{"month": "2026-01", "trigger": "month_end"}],
        "default_method_id": 1,
        "holds": [
            {"authorization_id": "auth_9e8b3ab0275fe3e91ab1", "method_id": 0},
            {"authorization_id": "auth_35002ad69fc93bbcda8c", "method_id": 1},
        ],
        "ledger": {
            "amount_due": "100",
            "fees": "110",
            "in_flight": "0",
            "outstanding": "100",
            "paid": "10",
            "toward_threshold": "2.75",
        },
        "methods": [
            {"id": 0, "kind": "card", "status": "unlinked", "token": "tok_8a19baa23ff4a906d517"},
            {"id": 1, "kind": "card", "status": "active", "token": "tok_82382665ccaa68799b07"},
        ],
        "products": ["ecs"],
        "status": "active",
        "threshold": "1000",
    },
    "Accounts": {"accounts": ["ada", "dee", "eve"]},
    "Usage": {
        "product": "ecs",
        "hourly_fee": "2.50",
        "from": "2026-01-30T09:00:00Z",
        "until": "2026-02-02T00:00:00Z",
    },
    "Done": {"ok": True},
    "Product": {"product": "ecs"},
    "Activation": {"product": "ecs", "reason": None, "status": "activated"},
    "Link": {
        "kind": "card",
        "card": {
            "number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 2030,
            "cvv": "123",
            "name": "ADA LOVELACE",
        },
    },
    "LinkOutcome": {
        "kind": "card",
        "method_id": 0,
        "reason": None,
        "redirect_url": None,
        "status": "linked",
    },
    "Repayment": {"amount": "10.00", "method_id": 1},
    "RepaymentOutcome": {
        "amount": "10",
        "charged": "0",
        "from_balance": "0",
        "method_id": 1,
        "reason": None,
        "redirect_url": "http://127.0.0.1:8102/acs/challenge/3748cd53-0360-4569-8304-add9a2653d8b",
        "repayment_id": "ada-rep-1",
        "status": "challenge",
    },
    "PlanOrder": {"plan": "lite", "method_id": 1},
    "PlanOutcome": {
        "amount": "10",
        "plan": "lite",
        "reason": None,
        "redirect_url": None,
        "status": "purchased",
    },
    "Overview": {
        "month": "2026-01",
        "spend": [
            {"mode": "payg", "pretax": "97.5", "product": "ecs", "tax": "9.75", "total": "107.25"},
            {
                "mode": "coding_plan",
                "pretax": "100/11",
                "product": "lite",
                "tax": "10/11",
                "total": "10",
            },
        ],
        "total_amount_due": "100",
        "total_spend": {"pretax": "2345/22", "tax": "469/44", "total": "117.25"},
    },
    "Trend": {
        "points": [
            {"month": "2026-01", "pretax": "2345/22", "tax": "469/44", "total": "117.25"},
            {"month": "2026-02", "pretax": "2.5", "tax": "0.25", "total": "2.75"},
        ]
    },
    "Events": {
        "events": [
            {
                "account": "ada",
                "at": "2026-01-30T09:00:00Z",
                "balance": "0.00",
                "country": "US",
                "seq": 1,
                "type": "account.opened",
            },
            {
                "account": "ada",
                "at": "2026-01-30T09:00:00Z",
                "brand": "visa",
                "default": True,
                "kind": "card",
                "last4": "4242",
                "method": 0,
                "seq": 4,
                "type": "payment_method.linked",
            },
            {
                "account": "ada",
                "amount": "97.25",
                "at": "2026-02-01T00:00:00Z",
                "deduction": "ada-ded-1",
                "method": 1,
                "seq": 29,
                "trigger": "month_end",
                "type": "deduction.initiated",
            },
            {
                "account": "ada",
                "amount": "97.25",
                "at": "2026-02-01T00:30:00Z",
                "charged": "97.25",
                "deduction": "ada-ded-1",
                "seq": 34,
                "type": "deduction.unknown",
            },
        ]
    },
    "Ledger": {
        "charged": {"card": "20", "paypal": "33"},
        "fees": "144",
        "outstanding": "101",
        "paid": "43",
    },
    "UnknownPayments": {"payments": [{"account": "ada", "key": "ada-ded-1", "method_id": 1}]},
    "FeesByDay": {"days": {"2026-01-30": "50.25", "2026-01-31": "90", "2026-02-01": "3.75"}},
    "Error": {
        "error": {"message": "unknown account 'nobody'", "reason": None, "type": "UnknownAccount"}
    },
}

ACCOUNT_PATH = "/v1/accounts/{account_id}"
METHOD_PATH = f"{ACCOUNT_PATH}/payment-methods/{{method_id}}"

PATHS: dict[str, Any] = {
    "/v1/configuration": {
        "post": _operation(
            "Configure: the mocks' base URLs, the seed, the policy; the test clock starts.",
            "Clock",
            body="Configuration",
        )
    },
    "/v1/test-clock": {"get": _operation("Read the test clock.", "Clock")},
    "/v1/test-clock/advance": {
        "post": _operation(
            "Advance to an instant: every due thing happens in time order; answered when "
            "quiescent. Gateway calls carry the clock's time in X-Sim-Time.",
            "Clock",
            body="Advance",
        )
    },
    "/v1/accounts": {
        "get": _operation("Every account's id.", "Accounts"),
        "post": _operation("Open an account.", "Account", body="NewAccount", status="201"),
    },
    ACCOUNT_PATH: {"get": _operation("An account's state.", "Account", params=(ACCOUNT,))},
    f"{ACCOUNT_PATH}/usage": {
        "post": _operation(
            "Usage as a rate over a window; accrued hour by hour as the clock moves.",
            "Done",
            body="Usage",
            status="201",
            params=(ACCOUNT,),
        )
    },
    f"{ACCOUNT_PATH}/products": {
        "post": _operation("Activate a product.", "Activation", body="Product", params=(ACCOUNT,))
    },
    f"{ACCOUNT_PATH}/deactivate": {
        "post": _operation("Deactivate the account.", "Account", params=(ACCOUNT,))
    },
    f"{ACCOUNT_PATH}/payment-methods": {
        "post": _operation(
            "Link a card or PayPal.",
            "LinkOutcome",
            body="Link",
            status="201",
            params=(ACCOUNT,),
            optional="paypal",
        )
    },
    METHOD_PATH: {"delete": _operation("Unlink.", "Account", params=(ACCOUNT, METHOD))},
    f"{METHOD_PATH}/default": {
        "post": _operation("Make it the default method.", "Account", params=(ACCOUNT, METHOD))
    },
    f"{METHOD_PATH}/complete": {
        "post": _operation(
            "The customer is back from the redirect URL (3D Secure or PayPal approval).",
            "LinkOutcome",
            params=(ACCOUNT, METHOD),
            optional="paypal",
        )
    },
    f"{ACCOUNT_PATH}/repayments": {
        "post": _operation(
            "Repay by hand.",
            "RepaymentOutcome",
            body="Repayment",
            status="201",
            params=(ACCOUNT,),
            optional="repayments",
        )
    },
    f"{ACCOUNT_PATH}/repayments/complete": {
        "post": _operation(
            "Back from a repayment's 3D Secure page (null: none waiting).",
            "RepaymentOutcome",
            params=(ACCOUNT,),
            optional="repayments",
        )
    },
    f"{ACCOUNT_PATH}/plan-orders": {
        "post": _operation(
            "Order a Coding Plan.",
            "PlanOutcome",
            body="PlanOrder",
            status="201",
            params=(ACCOUNT,),
            optional="coding_plan",
        )
    },
    f"{ACCOUNT_PATH}/plan-orders/{{plan}}/complete": {
        "post": _operation(
            "Back from an order's 3D Secure page.",
            "PlanOutcome",
            params=(ACCOUNT, _path_param("plan")),
            optional="coding_plan",
        )
    },
    f"{ACCOUNT_PATH}/overview": {
        "get": _operation(
            "The Billing Overview of a month (OV-1..4).",
            "Overview",
            params=(
                ACCOUNT,
                _query("month", MONTH, required=True),
                _query("mode", {"enum": ["payg", "coding_plan"]}),
            ),
        )
    },
    f"{ACCOUNT_PATH}/spending-trend": {
        "get": _operation(
            "Spending Trend over a month range (OV-3).",
            "Trend",
            params=(
                ACCOUNT,
                _query("from", MONTH, required=True),
                _query("to", MONTH, required=True),
                _query("product", {"type": "string"}),
                _query("mode", {"enum": ["payg", "coding_plan"]}),
            ),
        )
    },
    f"{ACCOUNT_PATH}/events": {
        "get": _operation("The account's events after a cursor.", "Events", params=(ACCOUNT, AFTER))
    },
    "/v1/events": {
        "get": _operation("Every account's events after a cursor.", "Events", params=(AFTER,))
    },
    "/v1/ledger": {"get": _operation("Whole-engine money totals (H-3).", "Ledger")},
    "/v1/unknown-payments": {
        "get": _operation("Charges whose answer was lost, not yet reconciled.", "UnknownPayments")
    },
    "/v1/fees-by-day": {"get": _operation("PAYG fees per UTC day, exact.", "FeesByDay")},
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "billing-sim driver protocol",
            "version": VERSION,
            "description": "How billing-sim drives a billing engine under test: accounts, "
            "payment methods, usage windows, payments, the Billing Overview, events and a "
            "test clock. Optional features, which an engine may answer 501 NotOffered: "
            f"{', '.join(OPTIONAL_FEATURES)}. Guide: docs/driver.md.",
        },
        "paths": PATHS,
        "components": {
            "schemas": {
                name: {**schema, "examples": [EXAMPLES[name]]} if name in EXAMPLES else schema
                for name, schema in SCHEMAS.items()
            }
        },
    }
