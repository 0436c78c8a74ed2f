"""Shared fixtures for the mock gateway tests: cores on one simulated clock, their Flask apps,
live waitress servers, and engine adapters over each transport (direct, wsgi, http)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from billing_engine.adapters.card import CardAdapter, HttpCardGateway
from billing_engine.adapters.http_client import InProcessTransport
from billing_engine.adapters.threeds import HttpThreeDSGateway, ThreeDSAdapter
from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.card.inprocess import card_handler
from mock_gateways.common.clock import SimClock
from mock_gateways.common.server import RunningServer
from mock_gateways.threeds.app import create_app as create_threeds_app
from mock_gateways.threeds.core import ThreeDSServer
from mock_gateways.threeds.customer import BrowserCustomer, DirectCustomer
from mock_gateways.threeds.inprocess import threeds_handler

#: a Monday, 09:00 UTC
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SEED = 11
TRANSPORTS = ("direct", "wsgi", "http")


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


@pytest.fixture
def card_core(clock: SimClock) -> CardProcessor:
    return CardProcessor(clock=clock, seed=SEED)


@pytest.fixture
def threeds_core(clock: SimClock, card_core: CardProcessor) -> ThreeDSServer:
    return ThreeDSServer(clock=clock, seed=SEED, cards=card_core)


@pytest.fixture
def card_app(card_core: CardProcessor):
    return create_card_app(card_core)


@pytest.fixture
def threeds_app(threeds_core: ThreeDSServer):
    return create_threeds_app(threeds_core)


@pytest.fixture
def card_client(card_app):
    return card_app.test_client()


@pytest.fixture
def threeds_client(threeds_app):
    return threeds_app.test_client()


@pytest.fixture(params=("wsgi", "http"))
def card_http(request, card_app) -> Iterator[httpx.Client]:
    """A raw httpx client for the card app: through WSGITransport, or over a real socket."""
    if request.param == "wsgi":
        with httpx.Client(
            transport=httpx.WSGITransport(app=card_app), base_url="http://card.sim"
        ) as client:
            yield client
        return
    with RunningServer(card_app) as server, httpx.Client(base_url=server.url) as client:
        yield client


@dataclass
class World:
    """The engine's view of card + 3DS over one transport, and the gateways behind it."""

    transport: str
    engine_clock: SimClock  # what the engine reads; gateways follow it (same object or header)
    card: CardAdapter
    threeds: ThreeDSAdapter
    card_core: CardProcessor
    threeds_core: ThreeDSServer
    customer: Any  # DirectCustomer | BrowserCustomer: .act(acs_url, action)


def build_world(transport: str, *, hang_on_timeout: float = 0.0, timeout: float = 5.0):
    """A World plus the servers/clients to close. In process the cores read the engine's clock;
    over wsgi/http they have their own clock, set by X-Sim-Time on every request."""
    engine_clock = SimClock(START)
    gateway_clock = engine_clock if transport == "direct" else SimClock(START)
    card_core = CardProcessor(clock=gateway_clock, seed=SEED)
    threeds_core = ThreeDSServer(clock=gateway_clock, seed=SEED, cards=card_core)
    closers: list[Any] = []
    if transport == "direct":
        card = CardAdapter(InProcessTransport(card_handler(card_core)))
        threeds = ThreeDSAdapter(InProcessTransport(threeds_handler(threeds_core)))
        customer: Any = DirectCustomer(threeds_core)
    else:
        card_app = create_card_app(card_core, hang_on_timeout=hang_on_timeout)
        threeds_app = create_threeds_app(threeds_core, hang_on_timeout=hang_on_timeout)
        if transport == "wsgi":
            card = HttpCardGateway.over_wsgi(card_app, clock=engine_clock)
            threeds = HttpThreeDSGateway.over_wsgi(threeds_app, clock=engine_clock)
            browser = httpx.Client(transport=httpx.WSGITransport(app=threeds_app))
        else:
            for app in (card_app, threeds_app):
                app.config["ABORT_ON_RESET"] = True  # as `serve` does: resets drop the socket
            card_server, threeds_server = RunningServer(card_app), RunningServer(threeds_app)
            threeds_core.public_url = threeds_server.url
            closers += [card_server, threeds_server]
            card = HttpCardGateway.over_url(card_server.url, clock=engine_clock, timeout=timeout)
            threeds = HttpThreeDSGateway.over_url(
                threeds_server.url, clock=engine_clock, timeout=timeout
            )
            browser = httpx.Client()
        closers += [card.transport, threeds.transport, browser]
        customer = BrowserCustomer(browser)
    world = World(transport, engine_clock, card, threeds, card_core, threeds_core, customer)
    return world, closers


def close_all(closers: list[Any]) -> None:
    for item in closers:
        if isinstance(item, RunningServer):
            item.stop()
        else:
            item.close()


@pytest.fixture(params=TRANSPORTS)
def world(request) -> Iterator[World]:
    built, closers = build_world(request.param)
    try:
        yield built
    finally:
        close_all(closers)


@pytest.fixture
def make_world() -> Iterator[Any]:
    """`make_world(transport, hang_on_timeout=..., timeout=...)`: Worlds closed after the test."""
    closers: list[Any] = []

    def make(transport: str, **options: Any) -> World:
        built, more = build_world(transport, **options)
        closers.extend(more)
        return built

    yield make
    close_all(closers)


@pytest.fixture
def start() -> datetime:
    return START


# The PayPal tests keep their fixtures in paypal_fixtures.py; load them here when present
# (test directories are not packages: import mode is importlib).
_PAYPAL_FIXTURES = Path(__file__).with_name("paypal_fixtures.py")
if _PAYPAL_FIXTURES.exists():
    _spec = importlib.util.spec_from_file_location("gateway_paypal_fixtures", _PAYPAL_FIXTURES)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = _module  # dataclasses look their module up there
    _spec.loader.exec_module(_module)
    globals().update({k: v for k, v in vars(_module).items() if not k.startswith("_")})
