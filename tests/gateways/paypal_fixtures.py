"""Fixtures for the mock PayPal tests, loaded into conftest.py (so names start with paypal_/PayPal):
core, app, a raw REST client, and the adapter with a buyer over direct, wsgi and http."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from billing_engine.adapters.http_client import InProcessTransport
from billing_engine.adapters.paypal import HttpPayPalGateway, PayPalAdapter
from billing_engine.ports import PayPalVaultResult
from mock_gateways.common.clock import SimClock
from mock_gateways.common.server import RunningServer
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.customer import Action, BrowserBuyer, DirectBuyer
from mock_gateways.paypal.examples import RETURN_URL, payment_token_request, setup_token_request
from mock_gateways.paypal.inprocess import paypal_handler

PAYPAL_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PAYPAL_SEED = 23
PAYPAL_CREDENTIALS = ("billing-sim", "billing-sim-secret")


class PayPalApi:
    """A raw PayPal REST client (what a third-party integration would use) and the core."""

    def __init__(self, client: httpx.Client, core: PayPalCore) -> None:
        self.client = client
        self.core = core
        self.token = ""
        self._serial = 0

    def login(self) -> str:
        answer = self.client.post(
            "/v1/oauth2/token", auth=PAYPAL_CREDENTIALS, data={"grant_type": "client_credentials"}
        )
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]
        return self.token

    def headers(self, request_id: str | None = None, **extra: str) -> dict[str, str]:
        if request_id is None:
            self._serial += 1
            request_id = f"req-{self._serial}"
        return {"Authorization": f"Bearer {self.token}", "PayPal-Request-Id": request_id, **extra}

    def post(self, path: str, body: Any, request_id: str | None = None, **extra: str):
        return self.client.post(path, json=body, headers=self.headers(request_id, **extra))

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.token}"})

    def approve_link(self, setup: dict[str, Any]) -> str:
        return next(link["href"] for link in setup["links"] if link["rel"] == "approve")

    def vaulted(self, email: str) -> str:
        """A payment token for `email` through the whole flow (setup, page, vault)."""
        setup = self.post("/v3/vault/setup-tokens", setup_token_request()).json()
        answer = self.client.post(
            "/agreements/approve",
            data={"approval_session_id": setup["id"], "email": email, "action": "approve"},
        )
        assert answer.status_code == 303, answer.text
        vaulted = self.post("/v3/vault/payment-tokens", payment_token_request(setup["id"]))
        assert vaulted.status_code == 201, vaulted.text
        return vaulted.json()["id"]


@pytest.fixture
def paypal_core() -> PayPalCore:
    return PayPalCore(clock=SimClock(PAYPAL_START), seed=PAYPAL_SEED)


@pytest.fixture
def paypal_app(paypal_core: PayPalCore):
    return create_paypal_app(paypal_core)


@pytest.fixture(params=("wsgi", "http"))
def paypal_api(request, paypal_app, paypal_core: PayPalCore) -> Iterator[PayPalApi]:
    """A logged-in raw client over WSGITransport or over a real socket (waitress, port 0)."""
    if request.param == "wsgi":
        transport = httpx.WSGITransport(app=paypal_app)
        with httpx.Client(transport=transport, base_url=paypal_core.public_url) as client:
            api = PayPalApi(client, paypal_core)
            api.login()
            yield api
        return
    paypal_app.config["ABORT_ON_RESET"] = True  # as `serve` does
    with RunningServer(paypal_app) as server, httpx.Client(base_url=server.url) as client:
        paypal_core.public_url = server.url
        api = PayPalApi(client, paypal_core)
        api.login()
        yield api


class PayPalWorld:
    """The engine's PayPal adapter over one transport, the core behind it and a buyer."""

    # a plain class: conftest loads this file without registering it as a module, which
    # dataclasses need
    def __init__(
        self,
        transport: str,
        engine_clock: SimClock,
        gateway: PayPalAdapter,
        core: PayPalCore,
        buyer: DirectBuyer | BrowserBuyer,
    ) -> None:
        self.transport = transport
        self.engine_clock = engine_clock
        self.gateway = gateway
        self.core = core
        self.buyer = buyer
        self._serial = 0

    def rid(self, what: str) -> str:
        self._serial += 1
        return f"{what}-{self._serial}"

    def link(self, email: str, action: Action = "approve") -> PayPalVaultResult:
        """PAYPAL-1's flow as the engine drives it: setup token, the buyer at the page, vault."""
        setup = self.gateway.create_setup_token(return_url=RETURN_URL, request_id=self.rid("setup"))
        self.buyer.act(setup.approve_url, email, action)
        return self.gateway.create_payment_token(setup.setup_token_id, request_id=self.rid("vault"))

    def authorize(self, token: str, amount: str = "1.00"):
        return self.gateway.authorize(token, Decimal(amount), request_id=self.rid("auth"))


def build_paypal_world(
    transport: str, *, seed: int = PAYPAL_SEED, hang_on_timeout: float = 0.0, timeout: float = 5.0
) -> tuple[PayPalWorld, list[Any]]:
    """In process the core reads the engine's clock; over wsgi/http it has its own, set by the
    X-Sim-Time header on every request."""
    engine_clock = SimClock(PAYPAL_START)
    gateway_clock = engine_clock if transport == "direct" else SimClock(PAYPAL_START)
    core = PayPalCore(clock=gateway_clock, seed=seed)
    closers: list[Any] = []
    if transport == "direct":
        world = PayPalWorld(
            transport,
            engine_clock,
            PayPalAdapter(InProcessTransport(paypal_handler(core))),
            core,
            DirectBuyer(core),
        )
        return world, closers
    app = create_paypal_app(core, hang_on_timeout=hang_on_timeout)
    if transport == "wsgi":
        gateway = HttpPayPalGateway.over_wsgi(app, clock=engine_clock)
        browser = httpx.Client(transport=httpx.WSGITransport(app=app))
    else:
        app.config["ABORT_ON_RESET"] = True  # as `serve` does: an injected reset drops the socket
        server = RunningServer(app)
        core.public_url = server.url
        closers.append(server)
        gateway = HttpPayPalGateway.over_url(server.url, clock=engine_clock, timeout=timeout)
        browser = httpx.Client()
    closers += [gateway, browser]
    return PayPalWorld(
        transport, engine_clock, gateway, core, BrowserBuyer(browser, clock=engine_clock)
    ), closers


def close_paypal(closers: list[Any]) -> None:
    for item in closers:
        if isinstance(item, RunningServer):
            item.stop()
        else:
            item.close()


@pytest.fixture(params=("direct", "wsgi", "http"))
def paypal_world(request) -> Iterator[PayPalWorld]:
    world, closers = build_paypal_world(request.param)
    try:
        yield world
    finally:
        close_paypal(closers)


@pytest.fixture
def make_paypal_world() -> Iterator[Any]:
    """`make_paypal_world(transport, seed=..., hang_on_timeout=..., timeout=...)`."""
    closers: list[Any] = []

    def make(transport: str, **options: Any) -> PayPalWorld:
        world, more = build_paypal_world(transport, **options)
        closers.extend(more)
        return world

    yield make
    close_paypal(closers)
