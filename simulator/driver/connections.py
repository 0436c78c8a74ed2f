"""httpx clients for the driver's plain-HTTP connections that share one TLS context. httpx
builds a default context for every client it makes, reading the CA bundle each time (some 25 ms),
and a run over the protocol makes several clients per scenario: the harness's adapter, and the
served engine's three gateway adapters at each configuration."""

from __future__ import annotations

import ssl
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
