"""The `direct` transport: calls a mock gateway core in process, mapping its results, errors and
injected faults to the same outcomes the httpx transport reports for the same request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from billing_engine.adapters.http_client import Call, Outcome, Transport, classify
from mock_gateways.common.errors import GatewayError

Handler = Callable[[Call], dict[str, Any]]


class DirectTransport(Transport):
    """`handlers` maps each Call.operation to a function that runs it on the core, e.g.
    `{"charge": lambda c: core.charge(c.body, c.idempotency_key)}`."""

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        self._handlers = dict(handlers)

    def send(self, call: Call) -> Outcome:
        try:
            handler = self._handlers[call.operation]
        except KeyError:
            raise ValueError(f"no direct handler for operation {call.operation!r}") from None
        try:
            return classify(200, handler(call))
        except GatewayError as err:  # includes injected transport faults
            return classify(err.status, err.to_body())
