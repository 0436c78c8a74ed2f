"""Reading PayPal request bodies into normalized parameters, or a PayPalError naming the field
by JSON pointer with PayPal's issue names; the Flask app and in-process callers share it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from mock_gateways.paypal.errors import PayPalError, invalid, unprocessable

CURRENCY = "USD"
#: PayPal's pattern for `amount.value`, matched whole (fullmatch: `$` alone lets "1.00\n" by)
VALUE_PATTERN = re.compile(r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$")
MAX_VALUE = Decimal("9999999.99")
ID_PATTERN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
CODE_PATTERN = re.compile(r"^[0-9A-Z_]{1,255}$")
_MISSING = object()


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(
            "INVALID_PARAMETER_SYNTAX", f"{path or '/'} must be a JSON object.", path or "/"
        )
    return value


def _child(parent: dict[str, Any], name: str, path: str, *, required: bool) -> Any:
    value = parent.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise invalid(
                "MISSING_REQUIRED_PARAMETER", f"{path}/{name} is required.", f"{path}/{name}"
            )
        return _MISSING
    return value


def _string(
    parent: dict[str, Any], name: str, path: str, *, required: bool = False, max_length: int = 127
) -> str | None:
    value = _child(parent, name, path, required=required)
    if value is _MISSING:
        return None
    where = f"{path}/{name}"
    if not isinstance(value, str):
        raise invalid("INVALID_PARAMETER_SYNTAX", f"{where} must be a string.", where)
    if not value or len(value) > max_length or not value.isprintable():
        raise invalid(
            "INVALID_STRING_LENGTH",
            f"{where} must be 1 to {max_length} printable characters.",
            where,
        )
    return value


def _bool(parent: dict[str, Any], name: str, path: str, *, default: bool) -> bool:
    value = _child(parent, name, path, required=False)
    if value is _MISSING:
        return default
    if not isinstance(value, bool):
        where = f"{path}/{name}"
        raise invalid("INVALID_PARAMETER_SYNTAX", f"{where} must be true or false.", where)
    return value


def _enum(
    parent: dict[str, Any], name: str, path: str, choices: tuple[str, ...], *, default: str | None
) -> str | None:
    value = _string(parent, name, path, required=default is None, max_length=255)
    if value is None:
        return default
    if value not in choices:
        where = f"{path}/{name}"
        raise invalid(
            "INVALID_PARAMETER_VALUE", f"{where} must be one of {', '.join(choices)}.", where
        )
    return value


def _code(parent: dict[str, Any], name: str, path: str) -> str | None:
    value = _string(parent, name, path, max_length=255)
    if value is not None and not CODE_PATTERN.match(value):
        where = f"{path}/{name}"
        raise invalid("INVALID_PARAMETER_SYNTAX", f"{where} must match ^[0-9A-Z_]+$.", where)
    return value


def _identifier(parent: dict[str, Any], name: str, path: str, *, required: bool) -> str | None:
    value = _string(parent, name, path, required=required, max_length=64)
    if value is not None and not ID_PATTERN.match(value):
        where = f"{path}/{name}"
        raise invalid("INVALID_PARAMETER_SYNTAX", f"{where} must match ^[0-9A-Za-z_-]+$.", where)
    return value


def _url(parent: dict[str, Any], name: str, path: str, *, required: bool) -> str | None:
    value = _string(parent, name, path, required=required, max_length=4000)
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        where = f"{path}/{name}"
        raise invalid(
            "INVALID_PARAMETER_SYNTAX", f"{where} must be an absolute http(s) URL.", where
        )
    return value


def money(raw: object, path: str) -> Decimal:
    """A PayPal `Money` object in USD as a two-place Decimal."""
    amount = _object(raw, path)
    currency = _string(amount, "currency_code", path, required=True, max_length=3)
    value = _child(amount, "value", path, required=True)
    where = f"{path}/value"
    if not isinstance(value, str) or len(value) > 32 or not VALUE_PATTERN.fullmatch(value):
        # a JSON number is refused too: PayPal takes amounts as strings, floats lose cents
        raise invalid(
            "INVALID_PARAMETER_SYNTAX", f'{where} must be a decimal string such as "10.00".', where
        )
    if currency != CURRENCY:
        raise unprocessable(
            "CURRENCY_NOT_SUPPORTED",
            f"Currency code {currency} is not supported; this merchant takes USD only.",
            field=f"{path}/currency_code",
        )
    try:
        parsed = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        raise invalid("INVALID_PARAMETER_SYNTAX", f"{where} is not a number.", where) from None
    if parsed != parsed.quantize(Decimal("0.01")):
        raise unprocessable(
            "DECIMAL_PRECISION", "USD amounts take at most two decimal places.", field=where
        )
    if parsed <= 0:
        raise unprocessable(
            "CANNOT_BE_ZERO_OR_NEGATIVE", "The amount must be greater than zero.", field=where
        )
    if parsed > MAX_VALUE:
        raise unprocessable(
            "TRANSACTION_LIMIT_EXCEEDED", f"The amount exceeds {MAX_VALUE} USD.", field=where
        )
    return parsed.quantize(Decimal("0.01"))


def setup_token_request(body: object) -> dict[str, Any]:
    """POST /v3/vault/setup-tokens: a PayPal wallet to save for merchant-initiated payments."""
    body = _object(body, "")
    source = _object(_child(body, "payment_source", "", required=True), "/payment_source")
    if "paypal" not in source:
        raise unprocessable(
            "PAYMENT_SOURCE_NOT_SUPPORTED",
            "This mock vaults PayPal wallets only: send payment_source.paypal.",
            field="/payment_source",
        )
    path = "/payment_source/paypal"
    paypal = _object(source["paypal"], path)
    context = _object(
        _child(paypal, "experience_context", path, required=True), f"{path}/experience_context"
    )
    ctx = f"{path}/experience_context"
    customer_raw = _child(body, "customer", "", required=False)
    customer = {} if customer_raw is _MISSING else _object(customer_raw, "/customer")
    return {
        "return_url": _url(context, "return_url", ctx, required=True),
        "cancel_url": _url(context, "cancel_url", ctx, required=False),
        "brand_name": _string(context, "brand_name", ctx),
        "description": _string(paypal, "description", path, max_length=128),
        "usage_type": _enum(
            paypal, "usage_type", path, ("MERCHANT", "PLATFORM"), default="MERCHANT"
        ),
        "usage_pattern": _code(paypal, "usage_pattern", path),
        "customer_type": _enum(
            paypal, "customer_type", path, ("CONSUMER", "BUSINESS"), default="CONSUMER"
        ),
        "permit_multiple_payment_tokens": _bool(
            paypal, "permit_multiple_payment_tokens", path, default=False
        ),
        "customer_id": _identifier(customer, "id", "/customer", required=False),
        "merchant_customer_id": _string(customer, "merchant_customer_id", "/customer"),
    }


def payment_token_request(body: object) -> dict[str, Any]:
    """POST /v3/vault/payment-tokens from an approved setup token."""
    body = _object(body, "")
    source = _object(_child(body, "payment_source", "", required=True), "/payment_source")
    token = _object(
        _child(source, "token", "/payment_source", required=True), "/payment_source/token"
    )
    path = "/payment_source/token"
    setup_token_id = _identifier(token, "id", path, required=True)
    _enum(token, "type", path, ("SETUP_TOKEN",), default=None)
    return {"setup_token_id": setup_token_id}


def _vaulted_source(body: dict[str, Any]) -> str | None:
    """The payment token named by `payment_source.paypal.vault_id` or by
    `payment_source.token {id, type: BILLING_AGREEMENT}`, if any."""
    raw = _child(body, "payment_source", "", required=False)
    if raw is _MISSING:
        return None
    source = _object(raw, "/payment_source")
    if "paypal" in source:
        paypal = _object(source["paypal"], "/payment_source/paypal")
        return _identifier(paypal, "vault_id", "/payment_source/paypal", required=True)
    if "token" in source:
        path = "/payment_source/token"
        token = _object(source["token"], path)
        token_id = _identifier(token, "id", path, required=True)
        _enum(token, "type", path, ("BILLING_AGREEMENT",), default=None)
        return token_id
    raise unprocessable(
        "PAYMENT_SOURCE_NOT_SUPPORTED",
        "This mock pays with a vaulted PayPal wallet only: send payment_source.paypal.vault_id.",
        field="/payment_source",
    )


def order_request(body: object) -> dict[str, Any]:
    """POST /v2/checkout/orders with one purchase unit in USD."""
    body = _object(body, "")
    intent = _enum(body, "intent", "", ("CAPTURE", "AUTHORIZE"), default=None)
    units = _child(body, "purchase_units", "", required=True)
    if not isinstance(units, list) or not units:
        raise invalid(
            "INVALID_PARAMETER_SYNTAX",
            "/purchase_units must be a non-empty array.",
            "/purchase_units",
        )
    if len(units) > 1:
        raise unprocessable(
            "MULTIPLE_PURCHASE_UNITS_NOT_SUPPORTED",
            "This mock takes exactly one purchase unit per order.",
            field="/purchase_units",
        )
    path = "/purchase_units/0"
    unit = _object(units[0], path)
    return {
        "intent": intent,
        "amount": money(_child(unit, "amount", path, required=True), f"{path}/amount"),
        "reference_id": _string(unit, "reference_id", path, max_length=256) or "default",
        "description": _string(unit, "description", path),
        "custom_id": _string(unit, "custom_id", path),
        "invoice_id": _string(unit, "invoice_id", path),
        "soft_descriptor": _string(unit, "soft_descriptor", path, max_length=22),
        "payment_token_id": _vaulted_source(body),
    }


def order_action_request(body: object) -> dict[str, Any]:
    """POST /v2/checkout/orders/{id}/authorize or /capture: an optional vaulted payment source."""
    return {"payment_token_id": _vaulted_source(_object(body, ""))}


def capture_request(body: object) -> dict[str, Any]:
    """POST /v2/payments/authorizations/{id}/capture: all of it, or `amount`."""
    body = _object(body, "")
    raw_amount = _child(body, "amount", "", required=False)
    return {
        "amount": None if raw_amount is _MISSING else money(raw_amount, "/amount"),
        "final_capture": _bool(body, "final_capture", "", default=True),
        "invoice_id": _string(body, "invoice_id", ""),
        "note_to_payer": _string(body, "note_to_payer", "", max_length=255),
        "soft_descriptor": _string(body, "soft_descriptor", "", max_length=22),
    }


def void_request(body: object) -> dict[str, Any]:
    """POST /v2/payments/authorizations/{id}/void takes no fields (an empty object or body)."""
    _object(body, "")
    return {}


def path_id(value: str, what: str) -> str:
    """A resource id from the URL path; a malformed one cannot exist."""
    if not ID_PATTERN.match(value):
        raise PayPalError(
            "RESOURCE_NOT_FOUND",
            "INVALID_RESOURCE_ID",
            f"{what} {value[:64]!r} does not exist.",
            location="path",
        )
    return value
