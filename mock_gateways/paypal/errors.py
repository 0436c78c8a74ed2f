"""PayPal's errors: HTTP status, `name` and the stable `issue`, in PayPal's body shape (name,
message, debug_id, details[], links[]); the shared shell's errors are translated into it."""

from __future__ import annotations

from typing import Any

from mock_gateways.common.errors import GatewayError, TransportFault
from mock_gateways.common.seeded import digest

#: PayPal's fixed message and HTTP status per error name (from its REST reference)
ERROR_NAMES: dict[str, tuple[int, str]] = {
    "INVALID_REQUEST": (
        400,
        "Request is not well-formed, syntactically incorrect, or violates schema.",
    ),
    "AUTHENTICATION_FAILURE": (
        401,
        "Authentication failed due to missing Authorization header, or invalid authentication "
        "credentials.",
    ),
    "NOT_AUTHORIZED": (403, "Authorization failed due to insufficient permissions."),
    "RESOURCE_NOT_FOUND": (404, "The specified resource does not exist."),
    "METHOD_NOT_SUPPORTED": (405, "The server does not implement the requested HTTP method."),
    "CONFLICT": (409, "The request conflicts with the current state of the resource."),
    "PAYLOAD_TOO_LARGE": (413, "The request payload is larger than the server accepts."),
    "UNSUPPORTED_MEDIA_TYPE": (
        415,
        "The server does not support the request payload's media type.",
    ),
    "UNPROCESSABLE_ENTITY": (
        422,
        "The requested action could not be performed, semantically incorrect, or failed business "
        "validation.",
    ),
}


class PayPalError(GatewayError):
    """A refusal in PayPal's terms. `code` (= `issue`) is the stable code clients act on; it is
    `details[0].issue` in the JSON body."""

    def __init__(
        self,
        name: str,
        issue: str,
        description: str,
        *,
        field: str | None = None,
        location: str = "body",
    ) -> None:
        status = ERROR_NAMES[name][0]
        super().__init__(issue, description, status=status)
        self.name = name
        self.issue = issue
        self.description = description
        self.field = field
        self.location = location

    def to_body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {}
        if self.field is not None:
            detail["field"] = self.field
            detail["location"] = self.location
        detail["issue"] = self.issue
        detail["description"] = self.description
        return {
            "name": self.name,
            "message": ERROR_NAMES[self.name][1],
            # deterministic, so answers are byte-identical across runs and transports
            "debug_id": digest("debug", self.name, self.issue, self.field).hex()[:13],
            "details": [detail],
            "links": [
                {
                    "href": "https://developer.paypal.com/api/rest/reference/orders/v2/errors/"
                    f"#{self.issue.lower()}",
                    "rel": "information_link",
                    "method": "GET",
                }
            ],
        }


def invalid(issue: str, description: str, field: str, *, location: str = "body") -> PayPalError:
    return PayPalError("INVALID_REQUEST", issue, description, field=field, location=location)


def unprocessable(issue: str, description: str, *, field: str | None = None) -> PayPalError:
    return PayPalError("UNPROCESSABLE_ENTITY", issue, description, field=field)


def not_found(description: str, *, field: str | None = None, location: str = "path") -> PayPalError:
    return PayPalError(
        "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", description, field=field, location=location
    )


REQUEST_ID = "PayPal-Request-Id"

#: shared-shell error code -> (PayPal name, issue, field, location)
_TRANSLATIONS: dict[str, tuple[str, str, str | None, str]] = {
    "missing_idempotency_key": (
        "INVALID_REQUEST",
        "PAYPAL_REQUEST_ID_REQUIRED",
        REQUEST_ID,
        "header",
    ),
    "invalid_idempotency_key": (
        "INVALID_REQUEST",
        "INVALID_PARAMETER_SYNTAX",
        REQUEST_ID,
        "header",
    ),
    # PayPal answers a reused request id with other parameters with 422, not 409
    "idempotency_key_reused": (
        "UNPROCESSABLE_ENTITY",
        "PAYPAL_REQUEST_ID_PREVIOUSLY_USED",
        REQUEST_ID,
        "header",
    ),
    # the id made a payment whose replay window has passed: refused rather than paid twice
    "idempotency_key_expired": (
        "UNPROCESSABLE_ENTITY",
        "PAYPAL_REQUEST_ID_PREVIOUSLY_USED",
        REQUEST_ID,
        "header",
    ),
    "unknown_idempotency_key": ("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "id", "path"),
    "invalid_json": ("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", None, "body"),
    "invalid_body": ("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", None, "body"),
    "bad_request": ("INVALID_REQUEST", "MALFORMED_REQUEST", None, "body"),
    "invalid_sim_time": ("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", "X-Sim-Time", "header"),
    "not_found": ("RESOURCE_NOT_FOUND", "NOT_FOUND", None, "path"),
    "method_not_allowed": ("METHOD_NOT_SUPPORTED", "METHOD_NOT_SUPPORTED", None, "path"),
    "body_too_large": ("PAYLOAD_TOO_LARGE", "PAYLOAD_TOO_LARGE", None, "body"),
    "unsupported_media_type": ("UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_MEDIA_TYPE", None, "body"),
}


def as_paypal(err: GatewayError) -> GatewayError:
    """The same refusal in PayPal's shape. OAuth's own errors keep OAuth's shape; transport
    faults stay as they are: they stand for a broken connection or a 5xx, the shell answers
    them (hang, close) itself, and clients tell them apart by their shared code."""
    if isinstance(err, PayPalError | TransportFault | OAuthError):
        return err
    name, issue, field, location = _TRANSLATIONS.get(
        err.code, ("INVALID_REQUEST", err.code.upper(), None, "body")
    )
    if ERROR_NAMES[name][0] != err.status and err.code not in _TRANSLATIONS:
        name = next((n for n, (s, _) in ERROR_NAMES.items() if s == err.status), "INVALID_REQUEST")
    if field is None and isinstance(err.details.get("field"), str):
        field = err.details["field"]
    return PayPalError(name, issue, err.message, field=field, location=location)


class OAuthError(GatewayError):
    """OAuth 2.0's own error shape, which PayPal uses on /v1/oauth2/token and for a bad bearer
    token: {"error": code, "error_description": text}."""

    def to_body(self) -> dict[str, Any]:
        return {"error": self.code, "error_description": self.message}
