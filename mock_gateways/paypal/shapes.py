"""PayPal's JSON representations of the mock's objects (the shapes of its REST reference), with
absolute HATEOAS links under the base URL the request came in on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from mock_gateways.common.clock import format_instant
from mock_gateways.paypal.model import (
    HONOR_PERIOD,
    Authorization,
    Buyer,
    Capture,
    Order,
    PaymentToken,
    SetupToken,
)

APPROVE_PATH = "/agreements/approve"


def _link(base: str, path: str, rel: str, method: str = "GET") -> dict[str, str]:
    return {"href": f"{base}{path}", "rel": rel, "method": method}


def money(amount: Decimal) -> dict[str, str]:
    return {"currency_code": "USD", "value": str(amount.quantize(Decimal("0.01")))}


def approve_url(base: str, setup_token_id: str) -> str:
    return f"{base}{APPROVE_PATH}?{urlencode({'approval_session_id': setup_token_id})}"


def setup_token(token: SetupToken, base: str) -> dict[str, Any]:
    paypal: dict[str, Any] = {
        "usage_type": token.usage_type,
        "customer_type": token.customer_type,
        "permit_multiple_payment_tokens": token.permit_multiple_payment_tokens,
    }
    if token.description is not None:
        paypal["description"] = token.description
    if token.usage_pattern is not None:
        paypal["usage_pattern"] = token.usage_pattern
    self_path = f"/v3/vault/setup-tokens/{token.id}"
    links = [_link(base, self_path, "self")]
    if token.status == "PAYER_ACTION_REQUIRED":
        links.append({"href": approve_url(base, token.id), "rel": "approve", "method": "GET"})
    if token.status == "APPROVED":
        links.append(_link(base, "/v3/vault/payment-tokens", "confirm", "POST"))
    return {
        "id": token.id,
        "customer": _customer(token),
        "status": token.status,
        "payment_source": {"paypal": paypal},
        "links": links,
    }


def _customer(token: SetupToken) -> dict[str, str]:
    customer = {"id": token.customer_id}
    if token.merchant_customer_id is not None:
        customer["merchant_customer_id"] = token.merchant_customer_id
    return customer


def _wallet(buyer: Buyer) -> dict[str, Any]:
    return {
        "email_address": buyer.email,
        "payer_id": buyer.payer_id,
        "name": {"given_name": buyer.given_name, "surname": buyer.surname},
    }


def payment_token(token: PaymentToken, buyer: Buyer, base: str) -> dict[str, Any]:
    setup = token.setup_token
    paypal: dict[str, Any] = {
        **_wallet(buyer),
        "usage_type": setup.usage_type,
        "customer_type": setup.customer_type,
        "permit_multiple_payment_tokens": setup.permit_multiple_payment_tokens,
    }
    if setup.description is not None:
        paypal["description"] = setup.description
    if setup.usage_pattern is not None:
        paypal["usage_pattern"] = setup.usage_pattern
    path = f"/v3/vault/payment-tokens/{token.id}"
    return {
        "id": token.id,
        "customer": _customer(setup),
        "payment_source": {"paypal": paypal},
        "links": [_link(base, path, "self")],
    }


def authorization(auth: Authorization, base: str, now: datetime) -> dict[str, Any]:
    path = f"/v2/payments/authorizations/{auth.id}"
    status = auth.status(now)
    links = [_link(base, path, "self")]
    if status in ("CREATED", "PARTIALLY_CAPTURED"):
        links += [
            _link(base, f"{path}/capture", "capture", "POST"),
            _link(base, f"{path}/void", "void", "POST"),
        ]
    links.append(_link(base, f"/v2/checkout/orders/{auth.order_id}", "up"))
    return {
        "id": auth.id,
        "status": status,
        "amount": money(auth.amount),
        "seller_protection": {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED"]},
        "expiration_time": format_instant(auth.expiration_time),
        "honor_expiration_time": format_instant(auth.created_at + HONOR_PERIOD),
        "supplementary_data": {"related_ids": {"order_id": auth.order_id}},
        "create_time": format_instant(auth.created_at),
        "update_time": format_instant(auth.updated_at),
        "links": links,
    }


def capture(cap: Capture, base: str) -> dict[str, Any]:
    path = f"/v2/payments/captures/{cap.id}"
    up = (
        f"/v2/payments/authorizations/{cap.authorization_id}"
        if cap.authorization_id
        else f"/v2/checkout/orders/{cap.order_id}"
    )
    related: dict[str, str] = {"order_id": cap.order_id}
    if cap.authorization_id:
        related["authorization_id"] = cap.authorization_id
    out: dict[str, Any] = {
        "id": cap.id,
        "status": cap.status,
        "amount": money(cap.amount),
        "final_capture": cap.final_capture,
        "seller_protection": {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED"]},
        "supplementary_data": {"related_ids": related},
        "create_time": format_instant(cap.created_at),
        "update_time": format_instant(cap.created_at),
        "links": [
            _link(base, path, "self"),
            _link(base, f"{path}/refund", "refund", "POST"),
            _link(base, up, "up"),
        ],
    }
    if cap.invoice_id is not None:
        out["invoice_id"] = cap.invoice_id
    return out


def order(
    o: Order,
    base: str,
    now: datetime,
    *,
    buyer: Buyer | None,
    token: PaymentToken | None,
    authorizations: list[Authorization],
    captures: list[Capture],
) -> dict[str, Any]:
    path = f"/v2/checkout/orders/{o.id}"
    unit: dict[str, Any] = {"reference_id": o.reference_id, "amount": money(o.amount)}
    for name in ("description", "custom_id", "invoice_id", "soft_descriptor"):
        value = getattr(o, name)
        if value is not None:
            unit[name] = value
    payments: dict[str, Any] = {}
    if authorizations:
        payments["authorizations"] = [authorization(a, base, now) for a in authorizations]
    if captures:
        payments["captures"] = [capture(c, base) for c in captures]
    if payments:
        unit["payments"] = payments
    out: dict[str, Any] = {"id": o.id, "intent": o.intent, "status": o.status}
    if buyer is not None and token is not None:
        out["payment_source"] = {
            "paypal": {
                "email_address": buyer.email,
                "account_id": buyer.payer_id,
                "account_status": "VERIFIED",
                "name": {"given_name": buyer.given_name, "surname": buyer.surname},
                "attributes": {
                    "vault": {
                        "id": token.id,
                        "status": "VAULTED",
                        "customer": {"id": token.setup_token.customer_id},
                    }
                },
            }
        }
        out["payer"] = {
            "name": {"given_name": buyer.given_name, "surname": buyer.surname},
            "email_address": buyer.email,
            "payer_id": buyer.payer_id,
        }
    out["purchase_units"] = [unit]
    out["create_time"] = format_instant(o.created_at)
    out["update_time"] = format_instant(o.updated_at)
    links = [_link(base, path, "self")]
    if o.status == "CREATED":
        action = "authorize" if o.intent == "AUTHORIZE" else "capture"
        links.append(_link(base, f"{path}/{action}", action, "POST"))
    out["links"] = links
    return out


def minimal(representation: dict[str, Any]) -> dict[str, Any]:
    """`Prefer: return=minimal`: id, status and links only, as PayPal answers by default."""
    return {k: representation[k] for k in ("id", "status", "links") if k in representation}


def buyer(account: Buyer) -> dict[str, Any]:
    """A buyer account as the admin API shows it."""
    return {
        "email": account.email,
        "payer_id": account.payer_id,
        "name": {"given_name": account.given_name, "surname": account.surname},
        "funding_source": account.funding_source,
        "decline": account.decline,
    }
