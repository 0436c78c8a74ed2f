"""Gateway-call plumbing: Call, transport outcomes, the httpx transport and retries that keep the
idempotency key and look a payment up after a lost response, so it is never charged twice."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Final, Self
from urllib.parse import quote

import httpx

from billing_engine.money import CENT
from billing_engine.ports import Clock, GatewayUnavailable, OutcomeUnknown

DEFAULT_ATTEMPTS = 4


@dataclass(frozen=True)
class Call:
    """One gateway request. `operation` names it for in-process handlers and messages."""

    operation: str
    method: str
    path: str
    #: never in the repr: a tokenize body holds the card number (H-4)
    body: dict[str, Any] | None = field(default=None, repr=False)
    idempotency_key: str | None = None
    path_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A usable answer: HTTP status and JSON body (a result, or {"error": {"code", ...}})."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        error = self.body.get("error")
        return error.get("code") if isinstance(error, dict) else None


def path_segment(value: str) -> str:
    """An id or key as one URL path segment (slashes, `?` and `#` percent-encoded)."""
    return quote(value, safe="")


def wire_amount(amount: Decimal) -> str:
    """A whole-cent Decimal as the gateways' decimal string, e.g. "1000.00"."""
    if amount != amount.quantize(CENT):
        raise ValueError(f"gateway amounts are whole cents, got {amount}")
    return str(amount.quantize(CENT))


def idempotency_lookup(key: str, prefix: str = "/v1/idempotency") -> Call:
    """The look-up of a mock gateway's committed request by idempotency key
    (`GatewayCore.lookup`): 200 {"status", "body"} of the original, 404 if none."""
    return Call("lookup", "GET", f"{prefix}/{path_segment(key)}", path_params={"key": key})


class _Signal:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: the request was not processed (connect error, 503 server_error): resend as is
RETRY: Final = _Signal("RETRY")
#: the request was sent and may have been processed (timeout, reset, lost response)
UNKNOWN: Final = _Signal("UNKNOWN")

Outcome = Answer | _Signal


def classify(status: int, body: dict[str, Any]) -> Outcome:
    """The one mapping from an HTTP-level answer to an outcome, for every transport."""
    if status < 500:
        return Answer(status, body)
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    # Only an explicit "nothing was done" is safe to resend without a look-up.
    return RETRY if code == "server_error" else UNKNOWN


class Transport(ABC):
    """Sends a Call and reports an Outcome; never raises for transport trouble."""

    @abstractmethod
    def send(self, call: Call) -> Outcome:
        """Answer, RETRY or UNKNOWN for one attempt of `call`."""

    def close(self) -> None:  # noqa: B027 - only transports holding connections override it
        """Release connections (nothing to release by default)."""


#: an in-process gateway: a Call in, (HTTP status, JSON body) out
Handler = Callable[[Call], tuple[int, dict[str, Any]]]


class InProcessTransport(Transport):
    """Hands each Call to a handler in the same process that answers (status, body), as httpx's
    MockTransport hands a request to its handler: the transport knows no server, and the
    answer goes through the same `classify` as one over HTTP. The `direct` transport."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def send(self, call: Call) -> Outcome:
        status, body = self._handler(call)
        return classify(status, body)


class HttpTransport(Transport):
    """Over httpx: a real server (`over_url`) or a WSGI app in process (`over_wsgi`). With a
    `clock`, every request carries `X-Sim-Time` so the gateway reads the engine's time."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        clock: Clock | None = None,
        idempotency_header: str = "Idempotency-Key",
    ) -> None:
        self.client = client
        self.clock = clock
        self.idempotency_header = idempotency_header

    @classmethod
    def over_url(
        cls,
        base_url: str,
        *,
        clock: Clock | None = None,
        timeout: float = 5.0,
        idempotency_header: str = "Idempotency-Key",
    ) -> HttpTransport:
        client = httpx.Client(base_url=base_url, timeout=timeout)
        return cls(client, clock=clock, idempotency_header=idempotency_header)

    @classmethod
    def over_wsgi(
        cls,
        app: Callable[..., Any],
        *,
        clock: Clock | None = None,
        base_url: str = "http://gateway.sim",
        idempotency_header: str = "Idempotency-Key",
    ) -> HttpTransport:
        client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=base_url)
        return cls(client, clock=clock, idempotency_header=idempotency_header)

    def send(self, call: Call) -> Outcome:
        headers = {}
        if call.idempotency_key is not None:
            headers[self.idempotency_header] = call.idempotency_key
        if self.clock is not None:
            headers["X-Sim-Time"] = self.clock.now().isoformat()
        try:
            response = self.client.request(call.method, call.path, json=call.body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            return RETRY  # never reached the gateway
        except httpx.TransportError:
            return UNKNOWN  # read/write timeout, reset, protocol error: maybe processed
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        return classify(response.status_code, body)

    def close(self) -> None:
        self.client.close()


class OverHttp:
    """The two ways to build an adapter (a class taking a Transport first) over httpx:
    `over_wsgi(app, clock=c)` in process, or `over_url("http://127.0.0.1:PORT", clock=c)` to a
    real server. With a clock, each request carries X-Sim-Time."""

    #: the base URL requests carry in process (WSGI needs one, any host will do)
    wsgi_base_url: ClassVar[str] = "http://gateway.sim"

    @classmethod
    def over_wsgi(
        cls, app: Callable[..., Any], *, clock: Clock | None = None, **options: Any
    ) -> Self:
        transport = HttpTransport.over_wsgi(app, clock=clock, base_url=cls.wsgi_base_url)
        return cls(transport, **options)  # type: ignore[call-arg]

    @classmethod
    def over_url(
        cls, base_url: str, *, clock: Clock | None = None, timeout: float = 5.0, **options: Any
    ) -> Self:
        transport = HttpTransport.over_url(base_url, clock=clock, timeout=timeout)
        return cls(transport, **options)  # type: ignore[call-arg]


def call_idempotent(
    transport: Transport,
    call: Call,
    *,
    lookup: Call | Callable[[], Call] | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
) -> Answer:
    """Send a mutating call until it gets an answer, keeping its idempotency key.

    After UNKNOWN, `lookup` (a GET answering {"status", "body"} of the original request, or 404
    when nothing was committed) is asked first; without it, or when the look-up itself fails,
    the call is resent with the same key, which the gateway answers as a replay. After
    `attempts` sends without an answer it raises OutcomeUnknown when an attempt may have been
    carried out, else GatewayUnavailable. `lookup` may be a function making the look-up: it is
    then built only when an answer was lost (rarely)."""
    maybe_done = False
    for _ in range(attempts):
        outcome = transport.send(call)
        if isinstance(outcome, Answer):
            return outcome
        if outcome is UNKNOWN:
            maybe_done = True
            if lookup is not None:
                found = transport.send(lookup() if callable(lookup) else lookup)
                if isinstance(found, Answer) and found.ok:
                    return Answer(int(found.body["status"]), found.body["body"])
                if isinstance(found, Answer) and found.status == 404:
                    maybe_done = False  # the gateway says nothing was carried out
    failure = OutcomeUnknown if maybe_done else GatewayUnavailable
    raise failure(f"{call.operation}: no usable answer after {attempts} attempts")


def find_committed(
    transport: Transport, lookup: Call, *, attempts: int = DEFAULT_ATTEMPTS
) -> Answer | None:
    """What the request behind an idempotency look-up answered, None when the gateway says it
    carried out no request with that key; GatewayUnavailable when it cannot say."""
    found = call_read(transport, lookup, attempts=attempts)
    if found.status == 404:
        return None
    if not found.ok:
        raise GatewayUnavailable(f"{lookup.operation}: answered {found.status}")
    return Answer(int(found.body["status"]), found.body["body"])


def call_read(transport: Transport, call: Call, *, attempts: int = DEFAULT_ATTEMPTS) -> Answer:
    """Send a read until it gets an answer; reads are safe to repeat."""
    for _ in range(attempts):
        outcome = transport.send(call)
        if isinstance(outcome, Answer):
            return outcome
    raise GatewayUnavailable(f"{call.operation}: no usable answer after {attempts} attempts")
