"""Gateway errors: each has a stable snake_case `code`, a message and an HTTP status; the JSON
shape is {"error": {"code", "message", ...}}. Transport faults are errors the fault plan injects."""

from __future__ import annotations

from typing import Any


class GatewayError(Exception):
    """A refused or invalid request. `status` is the HTTP status the Flask layer answers with;
    `details` are extra JSON-safe fields put in the error object (never card data)."""

    def __init__(
        self, code: str, message: str, *, status: int = 400, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = dict(details or {})

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.details}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, status={self.status})"


def bad_request(code: str, message: str) -> GatewayError:
    return GatewayError(code, message, status=400)


def not_found(code: str, message: str) -> GatewayError:
    return GatewayError(code, message, status=404)


def conflict(code: str, message: str) -> GatewayError:
    return GatewayError(code, message, status=409)


class TransportFault(GatewayError):
    """An injected fault that is about the transport, not the payment. `committed` says whether
    the gateway had already done the work (so a retry must find it by idempotency key)."""

    committed: bool = False


class ServerFault(TransportFault):
    """5xx before the gateway did anything: safe to retry with the same key."""

    committed = False

    def __init__(self, operation: str) -> None:
        super().__init__(
            "server_error", f"injected server error on {operation}; nothing was done", status=503
        )


class ResponseLost(TransportFault):
    """The gateway committed, then the response was lost (a client timeout). Over HTTP the app
    answers 504 `response_lost`, optionally after hanging long enough for a client timeout."""

    committed = True

    def __init__(self, operation: str) -> None:
        super().__init__(
            "response_lost", f"injected timeout on {operation} after the work was done", status=504
        )


class ConnectionReset(TransportFault):
    """The connection dropped after the request was sent and before the gateway acted; the client
    cannot know that, so it must look the key up before retrying."""

    committed = False

    def __init__(self, operation: str) -> None:
        super().__init__(
            "connection_reset", f"injected connection reset on {operation}", status=502
        )
