"""Example request bodies in PayPal's shapes: shown in the OpenAPI document, used by the tests and
the fuzzers as the valid starting points."""

from __future__ import annotations

from typing import Any

RETURN_URL = "https://billing.example/return"


def setup_token_request(return_url: str = RETURN_URL) -> dict[str, Any]:
    """POST /v3/vault/setup-tokens: save a PayPal wallet for merchant-initiated payments."""
    return {
        "payment_source": {
            "paypal": {
                "description": "Usage billing",
                "usage_type": "MERCHANT",
                "customer_type": "CONSUMER",
                "experience_context": {
                    "return_url": return_url,
                    "cancel_url": return_url + "?cancelled=1",
                },
            }
        }
    }


def payment_token_request(setup_token_id: str) -> dict[str, Any]:
    """POST /v3/vault/payment-tokens from an approved setup token."""
    return {"payment_source": {"token": {"id": setup_token_id, "type": "SETUP_TOKEN"}}}


def order_request(intent: str, vault_id: str | None, value: str = "1.00") -> dict[str, Any]:
    """POST /v2/checkout/orders; with a vault id the order is paid at once."""
    body: dict[str, Any] = {
        "intent": intent,
        "purchase_units": [{"amount": {"currency_code": "USD", "value": value}}],
    }
    if vault_id is not None:
        body["payment_source"] = {"paypal": {"vault_id": vault_id}}
    return body


def capture_request(value: str) -> dict[str, Any]:
    """POST /v2/payments/authorizations/{id}/capture of `value` USD, the last capture."""
    return {"amount": {"currency_code": "USD", "value": value}, "final_capture": True}
