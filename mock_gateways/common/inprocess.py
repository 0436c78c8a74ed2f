"""The mocks in process, as httpx's MockTransport serves a handler: a caller hands a request to
a function that answers (HTTP status, JSON body), exactly what the Flask app would answer, with
no HTTP and no server. Each gateway's `inprocess.py` maps its operations to its core; errors and
injected faults become the status and error body the app would send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mock_gateways.common.errors import GatewayError


class Request(Protocol):
    """What an in-process caller sends: the operation's name (e.g. "charge"), the ids in its
    path, its JSON body and its idempotency key."""

    @property
    def operation(self) -> str: ...

    @property
    def path_params(self) -> dict[str, str]: ...

    @property
    def body(self) -> Any: ...  # the JSON body, None when there is none

    @property
    def idempotency_key(self) -> str | None: ...


Operation = Callable[[Request], dict[str, Any]]
#: a request in, (HTTP status, JSON body) out
Handler = Callable[[Request], tuple[int, dict[str, Any]]]


def handler(operations: Mapping[str, Operation]) -> Handler:
    """A handler that runs each request's operation: 200 and its result, or the status and body
    of the GatewayError it raised (injected transport faults included)."""
    table = dict(operations)

    def handle(request: Request) -> tuple[int, dict[str, Any]]:
        try:
            operation = table[request.operation]
        except KeyError:
            raise ValueError(f"no in-process handler for operation {request.operation!r}") from None
        try:
            return 200, operation(request)
        except GatewayError as err:  # includes injected transport faults
            return err.status, err.to_body()

    return handle
