"""The 3DS server's OpenAPI 3 document (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from mock_gateways.common.openapi import (
    ABSOLUTE_URL,
    AMOUNT,
    CURRENCY,
    add_examples,
    document,
    json_content,
    lookup_paths,
    operation,
    optional,
    path_param,
    ref,
    text,
)
from mock_gateways.operations import THREEDS_OPERATIONS

KEY = "Idempotency-Key"
_TRANS = path_param("id", "threeDSServerTransID")

SCHEMAS = {
    "AuthenticationRequest": {
        "type": "object",
        "required": ["purchaseAmount", "notificationURL"],
        "properties": {
            "cardToken": text(64, description="a card processor token, or:"),
            "acctNumber": text(40, description="the PAN (never stored)"),
            "purchaseAmount": {**AMOUNT, "example": "1.00"},
            "purchaseCurrency": optional({**CURRENCY, "default": "USD"}),
            "challengeMandated": optional({"type": "boolean", "default": False}),
            "notificationURL": text(
                2000, pattern=ABSOLUTE_URL, description="merchant return URL, http(s)"
            ),
            "merchantName": optional(text(40)),
        },
        "description": "exactly one of cardToken and acctNumber",
        "oneOf": [
            {"required": ["cardToken"], "not": {"required": ["acctNumber"]}},
            {"required": ["acctNumber"], "not": {"required": ["cardToken"]}},
        ],
    },
    "Authentication": {
        "type": "object",
        "properties": {
            "threeDSServerTransID": {"type": "string"},
            "acsTransID": {"type": "string"},
            "messageVersion": {"type": "string"},
            "transStatus": {"enum": ["Y", "A", "N", "U", "R", "C"]},
            "transStatusReason": {"type": "string"},
            "challengeCancel": {"type": "string"},
            "reason": {
                "type": "string",
                "nullable": True,
                "enum": ["not_enrolled", "wrong_code", "cancelled", "timed_out", "risk", None],
            },
            "acsURL": {"type": "string"},
            "challengeExpiresAt": {"type": "string", "format": "date-time"},
        },
    },
}

_HTML = {"text/html": {"schema": {"type": "string"}}}

PATHS = {
    "/v1/authentications": {
        "post": operation(
            "authenticate",
            "authenticate a cardholder: frictionless, or C with an acsURL",
            ok=(201, ref("Authentication")),
            errors={400: "invalid request", 404: "unknown_card_token", 409: "key reused"},
            body=ref("AuthenticationRequest"),
            idempotency_header=KEY,
            faults=True,
        )
    },
    "/v1/authentications/{id}": {
        "get": operation(
            "result",
            "the transaction's status now (C while the challenge is open)",
            ok=(200, ref("Authentication")),
            errors={404: "unknown_transaction"},
            parameters=[_TRANS],
            faults=True,
        )
    },
    "/acs/challenge/{id}": {
        "get": {
            "operationId": "challengePage",
            "summary": "the HTML challenge page",
            "parameters": [_TRANS],
            "responses": {
                "200": {"description": "HTML page", "content": _HTML},
                "404": {
                    "description": "unknown_transaction or no_challenge",
                    "content": json_content(ref("Error")),
                },
            },
        },
        "post": {
            "operationId": "challengeSubmit",
            "summary": "submit the one-time code (otp) or cancel (action=cancel)",
            "parameters": [_TRANS],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "otp": {"type": "string"},
                                "action": {"enum": ["submit", "cancel"], "default": "submit"},
                            },
                            "anyOf": [
                                {
                                    "required": ["action"],
                                    "properties": {"action": {"enum": ["cancel"]}},
                                },
                                {
                                    "required": ["otp"],
                                    "properties": {"action": {"enum": ["submit"]}},
                                },
                            ],
                        }
                    }
                },
            },
            "responses": {
                "303": {
                    "description": "to notificationURL?transactionId=...",
                    "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                },
                "400": {
                    "description": "neither otp with action=submit nor action=cancel "
                    "(invalid_field)",
                    "content": json_content(ref("Error")),
                },
                "404": {
                    "description": "unknown_transaction or no_challenge",
                    "content": json_content(ref("Error")),
                },
                "415": {
                    "description": "not a form (unsupported_media_type)",
                    "content": json_content(ref("Error")),
                },
            },
        },
    },
    **lookup_paths(),
}

_AUTHENTICATE_ANSWER: dict[str, Any] = {
    "acsTransID": "1628ee67-939f-4e5c-8101-681bbba929eb",
    "acsURL": "http://threeds.sim/acs/challenge/cfc975d8-0586-469b-ae42-dc08f5a81038",
    "cardBrand": "visa",
    "challengeExpiresAt": "2026-01-05T09:10:00Z",
    "challenged": True,
    "createdAt": "2026-01-05T09:00:00Z",
    "last4": "3184",
    "messageVersion": "2.2.0",
    "purchaseAmount": "1.00",
    "purchaseCurrency": "USD",
    "reason": None,
    "threeDSServerTransID": "cfc975d8-0586-469b-ae42-dc08f5a81038",
    "transStatus": "C",
}
_LOOKUP_ANSWER: dict[str, Any] = {
    "body": _AUTHENTICATE_ANSWER,
    "idempotency_key": "acme-3ds-1",
    "operation": "authenticate",
    "status": 200,
}

#: each operation's example: its request body and its success answer, as recorded
EXAMPLES: dict[str, tuple[Any, Any]] = {
    "authenticate": (
        {
            "cardToken": "tok_873bcc0d64cf60622176",
            "purchaseAmount": "1.00",
            "purchaseCurrency": "USD",
            "challengeMandated": True,
            "notificationURL": "https://billing.example/return",
            "merchantName": "ALIBABACLOUD.COM",
        },
        _AUTHENTICATE_ANSWER,
    ),
    "result": (None, _AUTHENTICATE_ANSWER),
    "challengePage": (None, None),
    "challengeSubmit": ({"action": "submit", "otp": "123456"}, None),
    "lookup": (None, _LOOKUP_ANSWER),
}

add_examples(PATHS, EXAMPLES)

#: what Schemathesis' stateful phase follows: an authentication's id to its result and challenge
_TRANS_ID = {"id": "$response.body#/threeDSServerTransID"}
PATHS["/v1/authentications"]["post"]["responses"]["201"]["links"] = {
    name: {"operationId": name, "parameters": _TRANS_ID}
    for name in ("result", "challengePage", "challengeSubmit")
}

OPENAPI = document(
    "billing-sim mock 3D Secure server",
    "EMV 3DS names; challenge one-time code 123456; challenges time out after 10 simulated"
    " minutes.",
    PATHS,
    SCHEMAS,
    operations=THREEDS_OPERATIONS,
)
