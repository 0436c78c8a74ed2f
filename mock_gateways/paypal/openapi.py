"""The mock PayPal's OpenAPI 3 document: PayPal's paths and shapes for the subset served, the
approval page, the buyer admin API and the shared admin paths."""

from __future__ import annotations

from functools import partial
from typing import Any

from mock_gateways.common.openapi import (
    IDEMPOTENCY_KEY,
    LOOKUP_SCHEMA,
    NOT_BLANK,
    add_examples,
    document,
    json_content,
    operation,
    optional,
    path_param,
    ref,
    text,
)
from mock_gateways.operations import PAYPAL_OPERATIONS

PAYPAL_ERROR = ref("PayPalError")
_PAYPAL_ERRORS = {
    400: "INVALID_REQUEST: malformed JSON, a missing field or a wrong type (details[0].issue)",
    404: "RESOURCE_NOT_FOUND / INVALID_RESOURCE_ID",
    422: "UNPROCESSABLE_ENTITY: a business refusal, see details[0].issue "
    "(PAYPAL_REQUEST_ID_PREVIOUSLY_USED when a request id is reused with other parameters, or "
    "replayed after its 6 h window)",
}
#: no Authorization header: PayPal's AUTHENTICATION_FAILURE; an unknown or expired token:
#: OAuth's invalid_token, as PayPal answers each
_UNAUTHORIZED = {
    "description": "AUTHENTICATION_FAILURE (no Bearer token) or invalid_token (unknown or "
    "expired in simulated time)",
    "content": json_content({"anyOf": [PAYPAL_ERROR, ref("OAuthError")]}),
}
SECURITY_SCHEMES = {
    "clientCredentials": {
        "type": "http",
        "scheme": "basic",
        "description": "client_id:secret; any pair unless the mock is started with one",
    },
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "an access_token from POST /v1/oauth2/token, 9 simulated hours",
    },
}
_REQUEST_ID = {
    "name": "PayPal-Request-Id",
    "in": "header",
    "required": True,
    "schema": IDEMPOTENCY_KEY,
    "description": "Idempotency: a resend with the same id and parameters replays the first "
    "answer; the same id with other parameters is 422 PAYPAL_REQUEST_ID_PREVIOUSLY_USED.",
}
_PREFER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "enum": ["return=minimal", "return=representation"]},
    "description": "return=minimal (default): id, status, links; return=representation: all.",
}


def _api(
    operation_id: str,
    summary: str,
    ok: tuple[int, dict[str, Any]],
    *,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    mutating: bool = False,
    prefer: bool = False,
) -> dict[str, Any]:
    """A PayPal API operation behind a Bearer token, its errors in PayPal's error shape (but
    for injected transport faults, which every operation here may answer)."""
    extra = list(params or [])
    if mutating:
        extra.append(_REQUEST_ID)
    if prefer:
        extra.append(_PREFER)
    op = operation(
        operation_id,
        summary,
        ok=ok,
        errors=_PAYPAL_ERRORS,
        body=body,
        parameters=extra,
        error=PAYPAL_ERROR,
        faults=True,
    )
    op["responses"]["401"] = _UNAUTHORIZED
    op["security"] = [{"bearerToken": []}]
    return op


_MONEY = {
    "type": "object",
    "required": ["currency_code", "value"],
    "properties": {
        "currency_code": {"type": "string", "enum": ["USD"]},
        "value": {"type": "string", "pattern": r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$"},
    },
}
_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "method": {"type": "string"},
        },
    },
}
_VAULTED_SOURCE = {
    "type": "object",
    "description": "paypal.vault_id, or token {id, type: BILLING_AGREEMENT}: a payment token id",
    "properties": {
        "paypal": {"type": "object", "properties": {"vault_id": {"type": "string"}}},
        "token": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "type": {"enum": ["BILLING_AGREEMENT"]}},
        },
    },
}

SCHEMAS: dict[str, Any] = {
    "Money": _MONEY,
    "PayPalError": {
        "type": "object",
        "required": ["name", "message", "details"],
        "properties": {
            "name": {"type": "string", "description": "e.g. UNPROCESSABLE_ENTITY"},
            "message": {"type": "string"},
            "debug_id": {"type": "string"},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["issue"],
                    "properties": {
                        "field": {"type": "string", "description": "JSON pointer"},
                        "location": {"enum": ["body", "path", "query", "header"]},
                        "issue": {"type": "string", "description": "the stable error code"},
                        "description": {"type": "string"},
                    },
                },
            },
            "links": _LINKS,
        },
    },
    "OAuthError": {
        "type": "object",
        "required": ["error", "error_description"],
        "properties": {
            "error": {"enum": ["invalid_client", "unsupported_grant_type", "invalid_token"]},
            "error_description": {"type": "string"},
        },
    },
    "AccessToken": {
        "type": "object",
        "properties": {
            "scope": {"type": "string"},
            "access_token": {"type": "string"},
            "token_type": {"enum": ["Bearer"]},
            "app_id": {"type": "string"},
            "expires_in": {"type": "integer", "description": "seconds of simulated time"},
            "nonce": {"type": "string"},
        },
    },
    "SetupTokenRequest": {
        "type": "object",
        "required": ["payment_source"],
        "properties": {
            "customer": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "merchant_customer_id": {"type": "string"},
                },
            },
            "payment_source": {
                "type": "object",
                "required": ["paypal"],
                "properties": {
                    "paypal": {
                        "type": "object",
                        "required": ["experience_context"],
                        "properties": {
                            "description": {"type": "string", "maxLength": 128},
                            "usage_type": {"enum": ["MERCHANT", "PLATFORM"]},
                            "usage_pattern": {"type": "string"},
                            "customer_type": {"enum": ["CONSUMER", "BUSINESS"]},
                            "permit_multiple_payment_tokens": {"type": "boolean"},
                            "experience_context": {
                                "type": "object",
                                "required": ["return_url"],
                                "properties": {
                                    "return_url": {"type": "string", "format": "uri"},
                                    "cancel_url": {"type": "string", "format": "uri"},
                                    "brand_name": {"type": "string"},
                                },
                            },
                        },
                    }
                },
            },
        },
    },
    "SetupToken": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "customer": {"type": "object"},
            "status": {"enum": ["PAYER_ACTION_REQUIRED", "APPROVED", "VAULTED"]},
            "payment_source": {"type": "object"},
            "links": _LINKS,
        },
        "description": "links has rel approve (GET, the buyer's approval page) while "
        "PAYER_ACTION_REQUIRED",
    },
    "PaymentTokenRequest": {
        "type": "object",
        "required": ["payment_source"],
        "properties": {
            "payment_source": {
                "type": "object",
                "required": ["token"],
                "properties": {
                    "token": {
                        "type": "object",
                        "required": ["id", "type"],
                        "properties": {
                            "id": {"type": "string"},
                            "type": {"enum": ["SETUP_TOKEN"]},
                        },
                    }
                },
            }
        },
    },
    "PaymentToken": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "customer": {"type": "object"},
            "payment_source": {
                "type": "object",
                "properties": {
                    "paypal": {
                        "type": "object",
                        "properties": {
                            "email_address": {"type": "string"},
                            "payer_id": {"type": "string"},
                            "name": {"type": "object"},
                        },
                    }
                },
            },
            "links": _LINKS,
        },
    },
    "OrderRequest": {
        "type": "object",
        "required": ["intent", "purchase_units"],
        "properties": {
            "intent": {"enum": ["AUTHORIZE", "CAPTURE"]},
            "purchase_units": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1,
                "items": {
                    "type": "object",
                    "required": ["amount"],
                    "properties": {
                        "reference_id": {"type": "string"},
                        "amount": ref("Money"),
                        "description": {"type": "string"},
                        "custom_id": {"type": "string"},
                        "invoice_id": {"type": "string"},
                        "soft_descriptor": {"type": "string", "maxLength": 22},
                    },
                },
            },
            "payment_source": _VAULTED_SOURCE,
        },
    },
    "OrderActionRequest": {
        "type": "object",
        "properties": {"payment_source": _VAULTED_SOURCE},
    },
    "Order": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "intent": {"enum": ["AUTHORIZE", "CAPTURE"]},
            "status": {"enum": ["CREATED", "COMPLETED"]},
            "payment_source": {"type": "object"},
            "payer": {"type": "object"},
            "purchase_units": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "amount": ref("Money"),
                        "payments": {
                            "type": "object",
                            "properties": {
                                "authorizations": {"type": "array", "items": ref("Authorization")},
                                "captures": {"type": "array", "items": ref("Capture")},
                            },
                        },
                    },
                },
            },
            "links": _LINKS,
        },
    },
    "Authorization": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"enum": ["CREATED", "PARTIALLY_CAPTURED", "CAPTURED", "VOIDED", "EXPIRED"]},
            "amount": ref("Money"),
            "expiration_time": {"type": "string", "format": "date-time"},
            "links": _LINKS,
        },
    },
    "CaptureRequest": {
        "type": "object",
        "properties": {
            "amount": ref("Money"),
            "final_capture": {"type": "boolean", "default": True},
            "invoice_id": {"type": "string"},
            "note_to_payer": {"type": "string"},
            "soft_descriptor": {"type": "string"},
        },
    },
    "Capture": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"enum": ["COMPLETED"]},
            "amount": ref("Money"),
            "final_capture": {"type": "boolean"},
            "links": _LINKS,
        },
    },
    "Buyer": {
        "type": "object",
        "required": ["email"],
        "properties": {
            "email": {**text(254), "allOf": [{"pattern": "@"}]},
            "funding_source": optional({"type": "boolean", "default": True}),
            "decline": {
                "nullable": True,
                "enum": ["none", "charges", "all", None],
                "description": "charges: intent CAPTURE payments are declined; all: every payment",
            },
            "given_name": optional(text(200)),
            "surname": optional(text(200)),
        },
    },
    "ApprovalOutcome": {
        "type": "object",
        "properties": {
            "approval_session_id": {"type": "string"},
            "result": {
                "enum": [
                    "APPROVED",
                    "CANCELLED",
                    "NO_FUNDING_SOURCE",
                    "UNKNOWN_BUYER",
                    "ALREADY_COMPLETED",
                    "MISSING_APPROVAL_SESSION",
                    "MISSING_EMAIL",
                    "INVALID_ACTION",
                    "EXPIRED_OR_UNKNOWN",
                ]
            },
            "message": {"type": "string"},
            "redirect_url": {"type": "string", "nullable": True},
        },
    },
}

_ID = path_param("id", "resource id")
_ANY = {"type": "object"}


def _approval_paths() -> dict[str, Any]:
    html = {"text/html": {"schema": {"type": "string"}}}
    session = {
        "name": "approval_session_id",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "minLength": 1},
    }
    form = {
        "type": "object",
        "required": ["approval_session_id", "action"],
        "properties": {
            "approval_session_id": {"type": "string", "minLength": 1},
            "email": {"type": "string", "description": "the buyer's PayPal login"},
            "action": {"enum": ["approve", "cancel"]},
        },
        "description": "approve needs the buyer's email",
        "anyOf": [
            {"properties": {"action": {"enum": ["cancel"]}}},
            {
                "required": ["email"],
                "properties": {"action": {"enum": ["approve"]}, "email": {"pattern": NOT_BLANK}},
            },
        ],
    }
    outcome = {"application/json": {"schema": ref("ApprovalOutcome")}, **html}
    return {
        "/agreements/approve": {
            "get": {
                "operationId": "approvalPage",
                "summary": "the buyer's approval page (the setup token's approve link)",
                "parameters": [session],
                "responses": {
                    "200": {"description": "login and agree/cancel form", "content": html},
                    "400": {"description": "no approval_session_id", "content": outcome},
                    "404": {"description": "unknown or expired setup token", "content": outcome},
                },
            },
            "post": {
                "operationId": "approvalSubmit",
                "summary": "log in and agree or cancel; JSON answer with Accept: application/json",
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": form}},
                },
                "responses": {
                    "200": {"description": "APPROVED or CANCELLED", "content": outcome},
                    "303": {"description": "browser redirect to return_url or cancel_url"},
                    "400": {"description": "missing field or bad action", "content": outcome},
                    "404": {"description": "unknown or expired setup token", "content": outcome},
                    "422": {
                        "description": "NO_FUNDING_SOURCE, UNKNOWN_BUYER, ALREADY_COMPLETED",
                        "content": outcome,
                    },
                },
            },
        }
    }


def _answered_200_when_known(op: dict[str, Any]) -> dict[str, Any]:
    """`op` answering 200 too: the same buyer added again is returned as it is."""
    op["responses"]["200"] = {
        "description": "the same buyer again, as it is",
        "content": op["responses"]["201"]["content"],
    }
    return op


def _buyer_paths() -> dict[str, Any]:
    email = path_param("email", "the buyer's email")
    admin = partial(operation, error=PAYPAL_ERROR)
    return {
        "/__admin/buyers": {
            "get": admin("adminListBuyers", "the PayPal buyer accounts", ok=(200, _ANY)),
            "post": _answered_200_when_known(
                admin(
                    "adminAddBuyer",
                    "create a buyer account simulated customers log in with",
                    ok=(201, ref("Buyer")),
                    errors={400: "bad field", 409: "buyer_exists"},
                    body=ref("Buyer"),
                )
            ),
        },
        "/__admin/buyers/{email}": {
            "get": admin(
                "adminGetBuyer",
                "one buyer",
                ok=(200, ref("Buyer")),
                errors={404: "unknown_buyer"},
                parameters=[email],
            ),
            "patch": admin(
                "adminUpdateBuyer",
                "add/remove the funding source or change declines",
                ok=(200, ref("Buyer")),
                errors={400: "bad field", 404: "unknown_buyer"},
                body={
                    "type": "object",
                    "properties": {
                        "funding_source": {"type": "boolean"},
                        "decline": {"enum": ["none", "charges", "all"]},
                    },
                },
                parameters=[email],
            ),
        },
    }


PATHS: dict[str, Any] = {
    "/v1/oauth2/token": {
        "post": {
            "operationId": "oauth2.token",
            "summary": "client credentials access token (HTTP Basic client_id:secret)",
            "security": [{"clientCredentials": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["grant_type"],
                            "properties": {"grant_type": {"enum": ["client_credentials"]}},
                        }
                    }
                },
            },
            "responses": {
                "200": {"description": "token", "content": json_content(ref("AccessToken"))},
                "400": {
                    "description": "unsupported_grant_type",
                    "content": json_content(ref("OAuthError")),
                },
                "401": {
                    "description": "invalid_client: no Basic credentials, or not the pair the "
                    "mock was started with",
                    "content": json_content(ref("OAuthError")),
                },
            },
        }
    },
    "/v3/vault/setup-tokens": {
        "post": _api(
            "setup-tokens.create",
            "a setup token for a PayPal wallet, with an approve link for the buyer",
            (201, ref("SetupToken")),
            body=ref("SetupTokenRequest"),
            mutating=True,
        )
    },
    "/v3/vault/setup-tokens/{id}": {
        "get": _api("setup-tokens.get", "a setup token", (200, ref("SetupToken")), params=[_ID])
    },
    "/v3/vault/payment-tokens": {
        "post": _api(
            "payment-tokens.create",
            "vault the approved setup token (422 PAYER_ACTION_REQUIRED if not approved or "
            "cancelled, PAYER_CANNOT_PAY if the buyer has no funding source)",
            (201, ref("PaymentToken")),
            body=ref("PaymentTokenRequest"),
            mutating=True,
        )
    },
    "/v3/vault/payment-tokens/{id}": {
        "get": _api(
            "payment-tokens.get", "a payment token", (200, ref("PaymentToken")), params=[_ID]
        )
    },
    "/v2/checkout/orders": {
        "post": _api(
            "orders.create",
            "an order; with a vaulted payment_source it is paid at once (COMPLETED), else CREATED "
            "(422 INSTRUMENT_DECLINED when the buyer's payment is declined)",
            (201, ref("Order")),
            body=ref("OrderRequest"),
            mutating=True,
            prefer=True,
        )
    },
    "/v2/checkout/orders/{id}": {
        "get": _api("orders.get", "an order", (200, ref("Order")), params=[_ID])
    },
    "/v2/checkout/orders/{id}/authorize": {
        "post": _api(
            "orders.authorize",
            "authorize a CREATED order of intent AUTHORIZE with a vaulted payment_source",
            (201, ref("Order")),
            body=ref("OrderActionRequest"),
            params=[_ID],
            mutating=True,
            prefer=True,
        )
    },
    "/v2/checkout/orders/{id}/capture": {
        "post": _api(
            "orders.capture",
            "capture a CREATED order of intent CAPTURE with a vaulted payment_source",
            (201, ref("Order")),
            body=ref("OrderActionRequest"),
            params=[_ID],
            mutating=True,
            prefer=True,
        )
    },
    "/v2/payments/authorizations/{id}": {
        "get": _api(
            "authorizations.get", "an authorization", (200, ref("Authorization")), params=[_ID]
        )
    },
    "/v2/payments/authorizations/{id}/void": {
        "post": _api(
            "authorizations.void",
            "void (204; 200 with the authorization when Prefer: return=representation)",
            (200, ref("Authorization")),
            params=[_ID],
            mutating=True,
            prefer=True,
        )
    },
    "/v2/payments/authorizations/{id}/capture": {
        "post": _api(
            "authorizations.capture",
            "capture all or part of an authorization",
            (201, ref("Capture")),
            body=ref("CaptureRequest"),
            params=[_ID],
            mutating=True,
            prefer=True,
        )
    },
    "/v2/checkout/requests/{id}": {
        "get": _api(
            "lookup",
            "mock extension: what the request made with this PayPal-Request-Id answered "
            "(operation, HTTP status, full body), for a caller whose answer was lost",
            (200, LOOKUP_SCHEMA),
            params=[
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "the PayPal-Request-Id, percent-encoded",
                }
            ],
        )
    },
    "/v2/payments/captures/{id}": {
        "get": _api("captures.get", "a capture", (200, ref("Capture")), params=[_ID])
    },
    **_approval_paths(),
    **_buyer_paths(),
}

_OAUTH2_TOKEN_ANSWER: dict[str, Any] = {
    "access_token": "A21AAfLfWoepYiARsaQdd9dp0k4ec90Y99nsVc92VGWSfaN8nV"
    "rLSbc6rAqpm-fzYI6AugRUCVsYKqqJii3auicdpwFg2ln-D",
    "app_id": "APP-80W284485P519543T",
    "expires_in": 32400,
    "nonce": "2026-01-05T09:00:00Zc6rAqpm-fzYI6AugRUCVsYKqqJii3auicdpwFg2ln-D",
    "scope": "https://uri.paypal.com/services/payments/payment/authcapture "
    "https://uri.paypal.com/services/vault/payment-tokens/readwrite "
    "https://uri.paypal.com/services/payments/orders/readwrite",
    "token_type": "Bearer",
}
_SETUP_TOKENS_CREATE_ANSWER: dict[str, Any] = {
    "customer": {"id": "customer_2901933896"},
    "id": "J7PBCSGZT8BRDBVZ7",
    "links": [
        {
            "href": "http://paypal.sim/v3/vault/setup-tokens/J7PBCSGZT8BRDBVZ7",
            "method": "GET",
            "rel": "self",
        },
        {
            "href": "http://paypal.sim/agreements/approve?approval_session_id=J7PBCSGZT8BRDBVZ7",
            "method": "GET",
            "rel": "approve",
        },
    ],
    "payment_source": {
        "paypal": {
            "customer_type": "CONSUMER",
            "description": "Usage billing",
            "permit_multiple_payment_tokens": False,
            "usage_type": "MERCHANT",
        }
    },
    "status": "PAYER_ACTION_REQUIRED",
}
_APPROVALSUBMIT_ANSWER: dict[str, Any] = {
    "approval_session_id": "J7PBCSGZT8BRDBVZ7",
    "message": "You agreed to pay this merchant with PayPal.",
    "redirect_url": "https://billing.example/return?approval_token_id=J7PBCSGZT8BRDBVZ7&approval_session_id=J7PBCSGZT8BRDBVZ7",
    "result": "APPROVED",
}
_PAYMENT_TOKENS_CREATE_ANSWER: dict[str, Any] = {
    "customer": {"id": "customer_2901933896"},
    "id": "4nz8dy6a",
    "links": [
        {
            "href": "http://paypal.sim/v3/vault/payment-tokens/4nz8dy6a",
            "method": "GET",
            "rel": "self",
        }
    ],
    "payment_source": {
        "paypal": {
            "customer_type": "CONSUMER",
            "description": "Usage billing",
            "email_address": "ap@acme.test",
            "name": {"given_name": "Ap", "surname": "Sim"},
            "payer_id": "C3FK492L0D454",
            "permit_multiple_payment_tokens": False,
            "usage_type": "MERCHANT",
        }
    },
}
_ORDERS_CREATE_ANSWER: dict[str, Any] = {
    "create_time": "2026-01-05T09:00:00Z",
    "id": "F8VWV2NYA92XJAZ0Y",
    "intent": "AUTHORIZE",
    "links": [
        {
            "href": "http://paypal.sim/v2/checkout/orders/F8VWV2NYA92XJAZ0Y",
            "method": "GET",
            "rel": "self",
        }
    ],
    "payer": {
        "email_address": "ap@acme.test",
        "name": {"given_name": "Ap", "surname": "Sim"},
        "payer_id": "C3FK492L0D454",
    },
    "payment_source": {
        "paypal": {
            "account_id": "C3FK492L0D454",
            "account_status": "VERIFIED",
            "attributes": {
                "vault": {
                    "customer": {"id": "customer_2901933896"},
                    "id": "4nz8dy6a",
                    "status": "VAULTED",
                }
            },
            "email_address": "ap@acme.test",
            "name": {"given_name": "Ap", "surname": "Sim"},
        }
    },
    "purchase_units": [
        {
            "amount": {"currency_code": "USD", "value": "1.00"},
            "payments": {
                "authorizations": [
                    {
                        "amount": {"currency_code": "USD", "value": "1.00"},
                        "create_time": "2026-01-05T09:00:00Z",
                        "expiration_time": "2026-02-03T09:00:00Z",
                        "honor_expiration_time": "2026-01-08T09:00:00Z",
                        "id": "46L1GJ10G98WNKYL2",
                        "links": [
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2",
                                "method": "GET",
                                "rel": "self",
                            },
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2/capture",
                                "method": "POST",
                                "rel": "capture",
                            },
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2/void",
                                "method": "POST",
                                "rel": "void",
                            },
                            {
                                "href": "http://paypal.sim/v2/checkout/orders/F8VWV2NYA92XJAZ0Y",
                                "method": "GET",
                                "rel": "up",
                            },
                        ],
                        "seller_protection": {
                            "dispute_categories": ["ITEM_NOT_RECEIVED"],
                            "status": "ELIGIBLE",
                        },
                        "status": "CREATED",
                        "supplementary_data": {"related_ids": {"order_id": "F8VWV2NYA92XJAZ0Y"}},
                        "update_time": "2026-01-05T09:00:00Z",
                    }
                ]
            },
            "reference_id": "default",
        }
    ],
    "status": "COMPLETED",
    "update_time": "2026-01-05T09:00:00Z",
}
_AUTHORIZATIONS_GET_ANSWER: dict[str, Any] = {
    "amount": {"currency_code": "USD", "value": "1.00"},
    "create_time": "2026-01-05T09:00:00Z",
    "expiration_time": "2026-02-03T09:00:00Z",
    "honor_expiration_time": "2026-01-08T09:00:00Z",
    "id": "46L1GJ10G98WNKYL2",
    "links": [
        {
            "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2",
            "method": "GET",
            "rel": "self",
        },
        {
            "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2/capture",
            "method": "POST",
            "rel": "capture",
        },
        {
            "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2/void",
            "method": "POST",
            "rel": "void",
        },
        {
            "href": "http://paypal.sim/v2/checkout/orders/F8VWV2NYA92XJAZ0Y",
            "method": "GET",
            "rel": "up",
        },
    ],
    "seller_protection": {"dispute_categories": ["ITEM_NOT_RECEIVED"], "status": "ELIGIBLE"},
    "status": "CREATED",
    "supplementary_data": {"related_ids": {"order_id": "F8VWV2NYA92XJAZ0Y"}},
    "update_time": "2026-01-05T09:00:00Z",
}
_AUTHORIZATIONS_VOID_ANSWER: dict[str, Any] = {
    "amount": {"currency_code": "USD", "value": "1.00"},
    "create_time": "2026-01-05T09:00:00Z",
    "expiration_time": "2026-02-03T09:00:00Z",
    "honor_expiration_time": "2026-01-08T09:00:00Z",
    "id": "46L1GJ10G98WNKYL2",
    "links": [
        {
            "href": "http://paypal.sim/v2/payments/authorizations/46L1GJ10G98WNKYL2",
            "method": "GET",
            "rel": "self",
        },
        {
            "href": "http://paypal.sim/v2/checkout/orders/F8VWV2NYA92XJAZ0Y",
            "method": "GET",
            "rel": "up",
        },
    ],
    "seller_protection": {"dispute_categories": ["ITEM_NOT_RECEIVED"], "status": "ELIGIBLE"},
    "status": "VOIDED",
    "supplementary_data": {"related_ids": {"order_id": "F8VWV2NYA92XJAZ0Y"}},
    "update_time": "2026-01-05T09:00:00Z",
}
_CAPTURES_GET_ANSWER: dict[str, Any] = {
    "amount": {"currency_code": "USD", "value": "100.00"},
    "create_time": "2026-01-05T09:00:00Z",
    "final_capture": True,
    "id": "87105C3SPR4BL2KR4",
    "links": [
        {
            "href": "http://paypal.sim/v2/payments/captures/87105C3SPR4BL2KR4",
            "method": "GET",
            "rel": "self",
        },
        {
            "href": "http://paypal.sim/v2/payments/captures/87105C3SPR4BL2KR4/refund",
            "method": "POST",
            "rel": "refund",
        },
        {
            "href": "http://paypal.sim/v2/checkout/orders/WWRPFZ3BGP4L2T2GF",
            "method": "GET",
            "rel": "up",
        },
    ],
    "seller_protection": {"dispute_categories": ["ITEM_NOT_RECEIVED"], "status": "ELIGIBLE"},
    "status": "COMPLETED",
    "supplementary_data": {"related_ids": {"order_id": "WWRPFZ3BGP4L2T2GF"}},
    "update_time": "2026-01-05T09:00:00Z",
}
_ORDERS_AUTHORIZE_ANSWER: dict[str, Any] = {
    "create_time": "2026-01-05T09:00:00Z",
    "id": "6X3RKV0CTXUCMYFYT",
    "intent": "AUTHORIZE",
    "links": [
        {
            "href": "http://paypal.sim/v2/checkout/orders/6X3RKV0CTXUCMYFYT",
            "method": "GET",
            "rel": "self",
        }
    ],
    "payer": {
        "email_address": "ap@acme.test",
        "name": {"given_name": "Ap", "surname": "Sim"},
        "payer_id": "C3FK492L0D454",
    },
    "payment_source": {
        "paypal": {
            "account_id": "C3FK492L0D454",
            "account_status": "VERIFIED",
            "attributes": {
                "vault": {
                    "customer": {"id": "customer_2901933896"},
                    "id": "4nz8dy6a",
                    "status": "VAULTED",
                }
            },
            "email_address": "ap@acme.test",
            "name": {"given_name": "Ap", "surname": "Sim"},
        }
    },
    "purchase_units": [
        {
            "amount": {"currency_code": "USD", "value": "10.00"},
            "payments": {
                "authorizations": [
                    {
                        "amount": {"currency_code": "USD", "value": "10.00"},
                        "create_time": "2026-01-05T09:00:00Z",
                        "expiration_time": "2026-02-03T09:00:00Z",
                        "honor_expiration_time": "2026-01-08T09:00:00Z",
                        "id": "PWVZ7EH8XKK7GC5K5",
                        "links": [
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/PWVZ7EH8XKK7GC5K5",
                                "method": "GET",
                                "rel": "self",
                            },
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/PWVZ7EH8XKK7GC5K5/capture",
                                "method": "POST",
                                "rel": "capture",
                            },
                            {
                                "href": "http://paypal.sim/v2/payments/authorizations/PWVZ7EH8XKK7GC5K5/void",
                                "method": "POST",
                                "rel": "void",
                            },
                            {
                                "href": "http://paypal.sim/v2/checkout/orders/6X3RKV0CTXUCMYFYT",
                                "method": "GET",
                                "rel": "up",
                            },
                        ],
                        "seller_protection": {
                            "dispute_categories": ["ITEM_NOT_RECEIVED"],
                            "status": "ELIGIBLE",
                        },
                        "status": "CREATED",
                        "supplementary_data": {"related_ids": {"order_id": "6X3RKV0CTXUCMYFYT"}},
                        "update_time": "2026-01-05T09:00:00Z",
                    }
                ]
            },
            "reference_id": "default",
        }
    ],
    "status": "COMPLETED",
    "update_time": "2026-01-05T09:00:00Z",
}
_AUTHORIZATIONS_CAPTURE_ANSWER: dict[str, Any] = {
    "amount": {"currency_code": "USD", "value": "10.00"},
    "create_time": "2026-01-05T09:00:00Z",
    "final_capture": True,
    "id": "9S60NPE365DBG8094",
    "links": [
        {
            "href": "http://paypal.sim/v2/payments/captures/9S60NPE365DBG8094",
            "method": "GET",
            "rel": "self",
        },
        {
            "href": "http://paypal.sim/v2/payments/captures/9S60NPE365DBG8094/refund",
            "method": "POST",
            "rel": "refund",
        },
        {
            "href": "http://paypal.sim/v2/payments/authorizations/PWVZ7EH8XKK7GC5K5",
            "method": "GET",
            "rel": "up",
        },
    ],
    "seller_protection": {"dispute_categories": ["ITEM_NOT_RECEIVED"], "status": "ELIGIBLE"},
    "status": "COMPLETED",
    "supplementary_data": {
        "related_ids": {"authorization_id": "PWVZ7EH8XKK7GC5K5", "order_id": "6X3RKV0CTXUCMYFYT"}
    },
    "update_time": "2026-01-05T09:00:00Z",
}
_ORDERS_CAPTURE_ANSWER: dict[str, Any] = {
    "create_time": "2026-01-05T09:00:00Z",
    "id": "906BCLFT61TLV9LLG",
    "intent": "CAPTURE",
    "links": [
        {
            "href": "http://paypal.sim/v2/checkout/orders/906BCLFT61TLV9LLG",
            "method": "GET",
            "rel": "self",
        }
    ],
    "payer": {
        "email_address": "ap@acme.test",
        "name": {"given_name": "Ap", "surname": "Sim"},
        "payer_id": "C3FK492L0D454",
    },
    "payment_source": {
        "paypal": {
            "account_id": "C3FK492L0D454",
            "account_status": "VERIFIED",
            "attributes": {
                "vault": {
                    "customer": {"id": "customer_2901933896"},
                    "id": "4nz8dy6a",
                    "status": "VAULTED",
                }
            },
            "email_address": "ap@acme.test",
            "name": {"given_name": "Ap", "surname": "Sim"},
        }
    },
    "purchase_units": [
        {
            "amount": {"currency_code": "USD", "value": "10.00"},
            "payments": {
                "captures": [
                    {
                        "amount": {"currency_code": "USD", "value": "10.00"},
                        "create_time": "2026-01-05T09:00:00Z",
                        "final_capture": True,
                        "id": "NXEEHVS5FCA265RCD",
                        "links": [
                            {
                                "href": "http://paypal.sim/v2/payments/captures/NXEEHVS5FCA265RCD",
                                "method": "GET",
                                "rel": "self",
                            },
                            {
                                "href": "http://paypal.sim/v2/payments/captures/NXEEHVS5FCA265RCD/refund",
                                "method": "POST",
                                "rel": "refund",
                            },
                            {
                                "href": "http://paypal.sim/v2/checkout/orders/906BCLFT61TLV9LLG",
                                "method": "GET",
                                "rel": "up",
                            },
                        ],
                        "seller_protection": {
                            "dispute_categories": ["ITEM_NOT_RECEIVED"],
                            "status": "ELIGIBLE",
                        },
                        "status": "COMPLETED",
                        "supplementary_data": {"related_ids": {"order_id": "906BCLFT61TLV9LLG"}},
                        "update_time": "2026-01-05T09:00:00Z",
                    }
                ]
            },
            "reference_id": "default",
        }
    ],
    "status": "COMPLETED",
    "update_time": "2026-01-05T09:00:00Z",
}
_LOOKUP_ANSWER: dict[str, Any] = {
    "body": {
        "create_time": "2026-01-05T09:00:00Z",
        "id": "WWRPFZ3BGP4L2T2GF",
        "intent": "CAPTURE",
        "links": [
            {
                "href": "http://paypal.sim/v2/checkout/orders/WWRPFZ3BGP4L2T2GF",
                "method": "GET",
                "rel": "self",
            }
        ],
        "payer": {
            "email_address": "ap@acme.test",
            "name": {"given_name": "Ap", "surname": "Sim"},
            "payer_id": "C3FK492L0D454",
        },
        "payment_source": {
            "paypal": {
                "account_id": "C3FK492L0D454",
                "account_status": "VERIFIED",
                "attributes": {
                    "vault": {
                        "customer": {"id": "customer_2901933896"},
                        "id": "4nz8dy6a",
                        "status": "VAULTED",
                    }
                },
                "email_address": "ap@acme.test",
                "name": {"given_name": "Ap", "surname": "Sim"},
            }
        },
        "purchase_units": [
            {
                "amount": {"currency_code": "USD", "value": "100.00"},
                "payments": {
                    "captures": [
                        {
                            "amount": {"currency_code": "USD", "value": "100.00"},
                            "create_time": "2026-01-05T09:00:00Z",
                            "final_capture": True,
                            "id": "87105C3SPR4BL2KR4",
                            "links": [
                                {
                                    "href": "http://paypal.sim/v2/payments/captures/87105C3SPR4BL2KR4",
                                    "method": "GET",
                                    "rel": "self",
                                },
                                {
                                    "href": "http://paypal.sim/v2/payments/captures/87105C3SPR4BL2KR4/refund",
                                    "method": "POST",
                                    "rel": "refund",
                                },
                                {
                                    "href": "http://paypal.sim/v2/checkout/orders/WWRPFZ3BGP4L2T2GF",
                                    "method": "GET",
                                    "rel": "up",
                                },
                            ],
                            "seller_protection": {
                                "dispute_categories": ["ITEM_NOT_RECEIVED"],
                                "status": "ELIGIBLE",
                            },
                            "status": "COMPLETED",
                            "supplementary_data": {
                                "related_ids": {"order_id": "WWRPFZ3BGP4L2T2GF"}
                            },
                            "update_time": "2026-01-05T09:00:00Z",
                        }
                    ]
                },
                "reference_id": "default",
            }
        ],
        "status": "COMPLETED",
        "update_time": "2026-01-05T09:00:00Z",
    },
    "idempotency_key": "acme-ded-1",
    "operation": "orders.create",
    "status": 200,
}

#: each operation's example: its request body and its success answer, as recorded
EXAMPLES: dict[str, tuple[Any, Any]] = {
    "oauth2.token": ({"grant_type": "client_credentials"}, _OAUTH2_TOKEN_ANSWER),
    "setup-tokens.create": (
        {
            "payment_source": {
                "paypal": {
                    "description": "Usage billing",
                    "usage_type": "MERCHANT",
                    "customer_type": "CONSUMER",
                    "experience_context": {
                        "return_url": "https://billing.example/return",
                        "cancel_url": "https://billing.example/return",
                    },
                }
            }
        },
        _SETUP_TOKENS_CREATE_ANSWER,
    ),
    "setup-tokens.get": (None, _SETUP_TOKENS_CREATE_ANSWER),
    "approvalPage": (None, None),
    "approvalSubmit": (
        {"approval_session_id": "J7PBCSGZT8BRDBVZ7", "email": "ap@acme.test", "action": "approve"},
        _APPROVALSUBMIT_ANSWER,
    ),
    "payment-tokens.create": (
        {"payment_source": {"token": {"id": "J7PBCSGZT8BRDBVZ7", "type": "SETUP_TOKEN"}}},
        _PAYMENT_TOKENS_CREATE_ANSWER,
    ),
    "payment-tokens.get": (None, _PAYMENT_TOKENS_CREATE_ANSWER),
    "orders.create": (
        {
            "intent": "AUTHORIZE",
            "purchase_units": [{"amount": {"currency_code": "USD", "value": "1.00"}}],
            "payment_source": {"paypal": {"vault_id": "4nz8dy6a"}},
        },
        _ORDERS_CREATE_ANSWER,
    ),
    "orders.get": (None, _ORDERS_CREATE_ANSWER),
    "authorizations.get": (None, _AUTHORIZATIONS_GET_ANSWER),
    "authorizations.void": (None, _AUTHORIZATIONS_VOID_ANSWER),
    "captures.get": (None, _CAPTURES_GET_ANSWER),
    "orders.authorize": (
        {"payment_source": {"paypal": {"vault_id": "4nz8dy6a"}}},
        _ORDERS_AUTHORIZE_ANSWER,
    ),
    "authorizations.capture": (
        {"amount": {"currency_code": "USD", "value": "10.00"}, "final_capture": True},
        _AUTHORIZATIONS_CAPTURE_ANSWER,
    ),
    "orders.capture": (
        {"payment_source": {"paypal": {"vault_id": "4nz8dy6a"}}},
        _ORDERS_CAPTURE_ANSWER,
    ),
    "lookup": (None, _LOOKUP_ANSWER),
}

add_examples(PATHS, EXAMPLES)

OPENAPI = document(
    "billing-sim mock PayPal",
    "The subset of PayPal's REST API the billing engine uses, in PayPal's paths and shapes: "
    "OAuth client credentials, Vault v3 setup and payment tokens with the buyer's approval "
    "page, Orders v2 with vaulted payment sources, Payments v2 void and capture. Errors of the "
    "PayPal API use PayPal's error shape; the stable code is details[0].issue. Time is "
    "simulated (X-Sim-Time, /__admin/clock).",
    PATHS,
    SCHEMAS,
    error=PAYPAL_ERROR,
    security_schemes=SECURITY_SCHEMES,
    operations=PAYPAL_OPERATIONS,
)
