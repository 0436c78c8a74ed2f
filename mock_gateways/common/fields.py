"""Reading fields of a JSON request body with typed 400 errors that name the field: the one
validation path used by the Flask apps and by in-process callers alike."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from mock_gateways.common.errors import GatewayError, bad_request

MAX_AMOUNT = Decimal("1000000.00")
#: an amount's text: ASCII digits, an optional sign and fraction, nothing around them (Python's
#: Decimal would also take full-width digits, "1_000", spaces, exponents, "NaN")
AMOUNT_TEXT = re.compile(r"-?[0-9]{1,16}(\.[0-9]{1,16})?")
_MISSING = object()


def require_object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("invalid_body", "the request body must be a JSON object")
    return body


def _get(body: dict[str, Any], name: str, required: bool) -> Any:
    value = body.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise bad_request("missing_field", f"{name} is required")
        return _MISSING
    return value


def _invalid(name: str, expected: str, value: object) -> GatewayError:
    return bad_request("invalid_field", f"{name}: expected {expected}, got {type(value).__name__}")


def get_str(
    body: dict[str, Any], name: str, *, required: bool = True, max_length: int = 200
) -> str | None:
    value = _get(body, name, required)
    if value is _MISSING:
        return None
    if not isinstance(value, str):
        raise _invalid(name, "a string", value)
    if not value.strip() or len(value) > max_length or not value.isprintable():
        raise bad_request(
            "invalid_field", f"{name}: expected 1 to {max_length} printable characters"
        )
    return value


def get_int(body: dict[str, Any], name: str, *, low: int, high: int) -> int:
    value = _get(body, name, True)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(name, "an integer", value)
    if not low <= value <= high:
        raise bad_request("invalid_field", f"{name}: expected {low} to {high}, got {value}")
    return value


def get_bool(body: dict[str, Any], name: str, *, default: bool) -> bool:
    value = _get(body, name, False)
    if value is _MISSING:
        return default
    if not isinstance(value, bool):
        raise _invalid(name, "true or false", value)
    return value


def get_amount(
    body: dict[str, Any], name: str = "amount", *, required: bool = True
) -> Decimal | None:
    """A positive amount as a decimal string with at most two places, e.g. "1000.00", returned
    as a two-place Decimal. Numbers are refused: JSON floats have already lost cents."""
    value = _get(body, name, required)
    if value is _MISSING:
        return None
    if not isinstance(value, str):
        raise _invalid(name, 'a decimal string such as "10.00"', value)
    if not AMOUNT_TEXT.fullmatch(value):
        raise bad_request(
            "invalid_amount",
            f'{name}: {value[:40]!r} is not a decimal string of ASCII digits such as "10.00"',
        )
    amount = Decimal(value)
    if amount <= 0 or amount > MAX_AMOUNT:
        raise bad_request("invalid_amount", f"{name}: expected > 0 and <= {MAX_AMOUNT}")
    if amount != amount.quantize(Decimal("0.01")):
        raise bad_request("invalid_amount", f"{name}: at most two decimal places")
    return amount.quantize(Decimal("0.01"))


def get_currency(body: dict[str, Any], name: str = "currency", *, default: str = "USD") -> str:
    value = _get(body, name, False)
    if value is _MISSING:
        return default
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isalpha():
        raise bad_request("invalid_currency", f"{name}: expected an ISO 4217 code such as USD")
    return value.upper()


def get_country(body: dict[str, Any], name: str, *, default: str) -> str:
    value = _get(body, name, False)
    if value is _MISSING:
        return default
    if not isinstance(value, str) or len(value) != 2 or not value.isascii() or not value.isalpha():
        raise bad_request("invalid_country", f"{name}: expected an ISO 3166 alpha-2 code")
    return value.upper()


def get_url(body: dict[str, Any], name: str) -> str:
    value = get_str(body, name, max_length=2000)
    try:
        parts = urlsplit(value or "")
    except ValueError:
        raise bad_request("invalid_field", f"{name}: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad_request("invalid_field", f"{name}: expected an absolute http(s) URL")
    return value or ""


def format_amount(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))
