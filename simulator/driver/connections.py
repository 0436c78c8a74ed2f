"""httpx clients for the driver's plain-HTTP connections that share one TLS context. httpx
builds a default context for every client it makes, reading the CA bundle each time (some 25 ms),
and a run over the protocol makes several clients per scenario: the harness's adapter, and the
served engine's three gateway adapters at each configuration."""

from __future__ import annotations

import socket
import ssl
import threading
from functools import cache
from typing import Any

import httpx

from billing_engine.adapters.card import HttpCardGateway
from billing_engine.adapters.http_client import HttpTransport
from billing_engine.adapters.paypal import HttpPayPalGateway
from billing_engine.adapters.threeds import HttpThreeDSGateway
from billing_engine.ports import Clock

#: how long a gateway call may take, as the adapters' own `over_url` allows
GATEWAY_TIMEOUT = 5.0
#: how long the probe of an engine waits for its name to resolve, for a connection and then
#: for an answer: a dead engine is told in seconds, not at a run's first call
PROBE_TIMEOUT = 3.0


class EngineUnreachable(Exception):
    """Nothing answers HTTP at the engine's URL; the message names the URL and what failed."""

    def __init__(self, url: str, failure: str) -> None:
        super().__init__(url, failure)
        self.url = url
        self.failure = failure

    def __str__(self) -> str:
        return f"cannot reach the engine at {self.url}: {self.failure}"


@cache
def shared_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def client(base_url: str, *, timeout: float, **options: Any) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=timeout, verify=shared_tls(), **options)


def gateway_adapters(
    urls: dict[str, str], *, clock: Clock
) -> tuple[HttpCardGateway, HttpThreeDSGateway, HttpPayPalGateway]:
    """The card, 3D Secure and PayPal adapters to the gateways at `urls`, as the adapters'
    `over_url` builds them (X-Sim-Time from `clock`), on clients sharing the TLS context."""

    def transport(name: str) -> HttpTransport:
        return HttpTransport(client(urls[name], timeout=GATEWAY_TIMEOUT), clock=clock)

    paypal = client(urls["paypal"], timeout=GATEWAY_TIMEOUT)
    return (
        HttpCardGateway(transport("card")),
        HttpThreeDSGateway(transport("threeds")),
        HttpPayPalGateway.over_client(paypal, clock=clock),
    )


def probe(url: str, *, timeout: float = PROBE_TIMEOUT) -> None:
    """Raise EngineUnreachable unless something answers HTTP at `url` (GET /v1/test-clock)
    within `timeout` seconds a step. Any answer will do: whether the engine keeps the protocol
    is for the run to find out."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise EngineUnreachable(url, f"not a URL ({exc})") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise EngineUnreachable(url, "not an http:// or https:// URL with a host")
    _resolve(url, target.host, timeout)
    try:
        with client(url, timeout=timeout) as http:
            http.get("/v1/test-clock")
    except httpx.TimeoutException:
        raise EngineUnreachable(url, f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise EngineUnreachable(url, _failure(exc)) from None


def _resolve(url: str, host: str, timeout: float) -> None:
    """Look the host's name up within `timeout`: a resolver that does not answer would hold
    the connection past any timeout httpx sets (the look-up is not bounded by it)."""
    failed: list[OSError] = []

    def look_up() -> None:
        try:
            socket.getaddrinfo(host, None)
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=look_up, name="engine-probe-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise EngineUnreachable(url, f"its host name {host} did not resolve within {timeout:g} s")
    if failed:
        raise EngineUnreachable(url, _os_failure(failed[0], host))


def _failure(exc: httpx.HTTPError) -> str:
    """What failed, in a few words, from the OS error under httpx's."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError):
            return _os_failure(cause, "")
        cause = cause.__cause__ or cause.__context__
    return str(exc) or type(exc).__name__


def _os_failure(error: OSError, host: str) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        named = f" {host}" if host else ""
        return f"its host name{named} does not resolve ({error.strerror})"
    return error.strerror or str(error)
