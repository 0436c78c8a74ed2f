"""The 3DS server's OpenAPI 3 document (served at /openapi.json)."""

from __future__ import annotations

from mock_gateways.common.openapi import (
    document,
    json_content,
    lookup_paths,
    operation,
    path_param,
    ref,
)

KEY = "Idempotency-Key"
_TRANS = path_param("id", "threeDSServerTransID")

SCHEMAS = {
    "AuthenticationRequest": {
        "type": "object",
        "required": ["purchaseAmount", "notificationURL"],
        "properties": {
            "cardToken": {"type": "string", "description": "a card processor token, or:"},
            "acctNumber": {"type": "string", "description": "the PAN (never stored)"},
            "purchaseAmount": {"type": "string", "example": "1.00"},
            "purchaseCurrency": {"type": "string", "default": "USD"},
            "challengeMandated": {"type": "boolean", "default": False},
            "notificationURL": {"type": "string", "description": "merchant return URL"},
            "merchantName": {"type": "string"},
        },
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
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "otp": {"type": "string"},
                                "action": {"enum": ["submit", "cancel"]},
                            },
                        }
                    }
                }
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

OPENAPI = document(
    "billing-sim mock 3D Secure server",
    "EMV 3DS names; challenge one-time code 123456; challenges time out after 10 simulated"
    " minutes.",
    PATHS,
    SCHEMAS,
)
