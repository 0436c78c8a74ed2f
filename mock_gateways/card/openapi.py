"""The card processor's OpenAPI 3 document (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from mock_gateways.card.brands import BRANDS
from mock_gateways.common.openapi import (
    AMOUNT,
    CURRENCY,
    add_examples,
    document,
    lookup_paths,
    operation,
    optional,
    path_param,
    ref,
    text,
)
from mock_gateways.operations import CARD_OPERATIONS

KEY = "Idempotency-Key"
_AMOUNT = {**AMOUNT, "example": "1.00"}
_ID = path_param("id", "authorization id")
_CARD_ERRORS = {
    400: "invalid request (missing_field, invalid_field, invalid_amount, ...)",
    402: "declined by the card or issuer; error.code is the reason",
    404: "unknown token",
    409: "idempotency_key_reused (the key with other parameters), or idempotency_key_expired (a "
    "payment's key resent after its 24 h window)",
}

SCHEMAS = {
    "TokenRequest": {
        "type": "object",
        "required": ["number", "exp_month", "exp_year", "cvv", "name"],
        "properties": {
            "number": text(40, description="digits, spaces or dashes; Luhn-valid"),
            "exp_month": {"type": "integer", "minimum": 1, "maximum": 12},
            "exp_year": {"type": "integer", "minimum": 2000, "maximum": 2199},
            "cvv": text(8),
            "name": text(100),
        },
    },
    "Token": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "brand": {"enum": [brand.name for brand in BRANDS]},
            "last4": {"type": "string"},
            "fingerprint": {"type": "string"},
            "exp_month": {"type": "integer"},
            "exp_year": {"type": "integer"},
            "issuer_country": {"type": "string"},
            "settlement_currency": {"type": "string"},
        },
    },
    "PaymentRequest": {
        "type": "object",
        "required": ["token", "amount"],
        "properties": {
            "token": text(64),
            "amount": _AMOUNT,
            "currency": optional({**CURRENCY, "default": "USD"}),
            "merchant_country": optional(
                {"type": "string", "pattern": "^[A-Za-z]{2}$", "default": "US"}
            ),
            "threeds_transaction_id": optional(text(64)),
            "descriptor": optional(text(22, description="authorize only")),
            "merchant_initiated": optional({"type": "boolean", "description": "charge only"}),
        },
    },
    "Authorization": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"enum": ["held", "released", "voided", "captured"]},
            "amount": _AMOUNT,
            "release_at": {"type": "string", "format": "date-time"},
            "released_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
    "Charge": {"type": "object", "properties": {"id": {"type": "string"}, "amount": _AMOUNT}},
    "Refund": {"type": "object", "properties": {"id": {"type": "string"}, "amount": _AMOUNT}},
}

PATHS = {
    "/v1/tokens": {
        "post": operation(
            "tokenize",
            "tokenize a card (Luhn, brand, CVV, expiry, name)",
            ok=(201, ref("Token")),
            errors=_CARD_ERRORS,
            body=ref("TokenRequest"),
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/tokens/{id}": {
        "get": operation(
            "getToken",
            "a token's public fields",
            ok=(200, ref("Token")),
            errors={404: "unknown_token"},
            parameters=[path_param("id", "token id")],
            faults=True,
        )
    },
    "/v1/authorizations": {
        "post": operation(
            "authorize",
            "place a hold; release_at says when the issuer releases it",
            ok=(201, ref("Authorization")),
            errors=_CARD_ERRORS,
            body=ref("PaymentRequest"),
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/authorizations/{id}": {
        "get": operation(
            "hold",
            "the hold's status now",
            ok=(200, ref("Authorization")),
            errors={404: "unknown_authorization"},
            parameters=[_ID],
            faults=True,
        )
    },
    "/v1/authorizations/{id}/void": {
        "post": operation(
            "void",
            "release a held authorization",
            ok=(200, ref("Authorization")),
            errors={
                404: "unknown_authorization",
                409: "authorization_not_held, key reused or expired",
            },
            parameters=[_ID],
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/authorizations/{id}/capture": {
        "post": operation(
            "capture",
            "capture a held authorization (all or part)",
            ok=(200, ref("Authorization")),
            errors={
                400: "invalid_amount",
                404: "unknown_authorization",
                409: "authorization_not_held, key reused or expired",
            },
            body={"type": "object", "properties": {"amount": optional(_AMOUNT)}},
            parameters=[_ID],
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/charges": {
        "post": operation(
            "charge",
            "authorize and capture at once",
            ok=(201, ref("Charge")),
            errors=_CARD_ERRORS,
            body=ref("PaymentRequest"),
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/refunds": {
        "post": operation(
            "refund",
            "refund all or part of a charge",
            ok=(201, ref("Refund")),
            errors={
                400: "invalid_amount",
                404: "unknown_charge",
                409: "key reused, or a payment's key resent after its 24 h window",
            },
            body={
                "type": "object",
                "required": ["charge"],
                "properties": {"charge": text(64), "amount": optional(_AMOUNT)},
            },
            idempotency_header=KEY,
            faults=True,
        )
    },
    **lookup_paths(),
}

_TOKENIZE_ANSWER: dict[str, Any] = {
    "brand": "visa",
    "exp_month": 12,
    "exp_year": 2030,
    "fingerprint": "5a01ec37e735073601dfc36c",
    "id": "tok_873bcc0d64cf60622176",
    "issuer_country": "US",
    "last4": "3184",
    "object": "token",
    "settlement_currency": "USD",
}
_AUTHORIZE_ANSWER: dict[str, Any] = {
    "amount": "1.00",
    "brand": "visa",
    "created_at": "2026-01-05T09:00:00Z",
    "currency": "USD",
    "descriptor": "ALIBABACLOUD.COM",
    "id": "auth_fcf62f559c012a726bc9",
    "last4": "3184",
    "object": "authorization",
    "release_at": "2026-01-07T09:00:00Z",
    "released_at": None,
    "status": "held",
}
_VOID_ANSWER: dict[str, Any] = {
    "amount": "1.00",
    "brand": "visa",
    "created_at": "2026-01-05T09:00:00Z",
    "currency": "USD",
    "descriptor": "ALIBABACLOUD.COM",
    "id": "auth_fcf62f559c012a726bc9",
    "last4": "3184",
    "object": "authorization",
    "release_at": "2026-01-07T09:00:00Z",
    "released_at": None,
    "status": "voided",
}
_CAPTURE_ANSWER: dict[str, Any] = {
    "amount": "1.00",
    "brand": "visa",
    "captured_amount": "1.00",
    "charge": "ch_7e9b5d0f65a2d99a80bb",
    "created_at": "2026-01-05T09:00:00Z",
    "currency": "USD",
    "descriptor": "ALIBABACLOUD.COM",
    "id": "auth_41f32a9bf406b74ca9b1",
    "last4": "3184",
    "object": "authorization",
    "release_at": "2026-01-07T09:00:00Z",
    "released_at": None,
    "status": "captured",
}
_CHARGE_ANSWER: dict[str, Any] = {
    "amount": "1000.00",
    "amount_refunded": "0.00",
    "authorization": None,
    "brand": "visa",
    "created_at": "2026-01-05T09:00:00Z",
    "currency": "USD",
    "id": "ch_b74d9a9c5bbc853f349f",
    "last4": "3184",
    "merchant_initiated": True,
    "object": "charge",
    "settlement_currency": "USD",
    "status": "succeeded",
}
_REFUND_ANSWER: dict[str, Any] = {
    "amount": "10.00",
    "charge": "ch_b74d9a9c5bbc853f349f",
    "created_at": "2026-01-05T09:00:00Z",
    "currency": "USD",
    "id": "re_4309c077bd89ffea13fd",
    "object": "refund",
    "status": "succeeded",
}
_LOOKUP_ANSWER: dict[str, Any] = {
    "body": _CHARGE_ANSWER,
    "idempotency_key": "acme-ded-1",
    "operation": "charge",
    "status": 200,
}

#: each operation's example: its request body and its success answer, as recorded
EXAMPLES: dict[str, tuple[Any, Any]] = {
    "tokenize": (
        {
            "number": "4000002760003184",
            "exp_month": 12,
            "exp_year": 2030,
            "cvv": "123",
            "name": "JANE DOE",
        },
        _TOKENIZE_ANSWER,
    ),
    "getToken": (None, _TOKENIZE_ANSWER),
    "authorize": (
        {
            "token": "tok_873bcc0d64cf60622176",
            "amount": "1.00",
            "currency": "USD",
            "descriptor": "ALIBABACLOUD.COM",
            "threeds_transaction_id": "cfc975d8-0586-469b-ae42-dc08f5a81038",
        },
        _AUTHORIZE_ANSWER,
    ),
    "hold": (None, _AUTHORIZE_ANSWER),
    "void": (None, _VOID_ANSWER),
    "capture": ({"amount": "1.00"}, _CAPTURE_ANSWER),
    "charge": (
        {
            "token": "tok_873bcc0d64cf60622176",
            "amount": "1000.00",
            "currency": "USD",
            "merchant_initiated": True,
        },
        _CHARGE_ANSWER,
    ),
    "refund": ({"charge": "ch_b74d9a9c5bbc853f349f", "amount": "10.00"}, _REFUND_ANSWER),
    "lookup": (None, _LOOKUP_ANSWER),
}

add_examples(PATHS, EXAMPLES)

OPENAPI = document(
    "billing-sim mock card processor",
    "Stateful, time-aware card processor. Magic test cards: mock_gateways/card/test_cards.py.",
    PATHS,
    SCHEMAS,
    operations=CARD_OPERATIONS,
)
