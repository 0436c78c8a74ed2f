"""Run the card, 3D Secure and PayPal mocks as real waitress servers (port 0 picks a free port),
sharing one simulated clock; `python -m mock_gateways.serve` prints their URLs until Ctrl-C."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from flask import Flask

from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.common.app import core_of
from mock_gateways.common.clock import Clock, SimClock
from mock_gateways.common.server import RunningServer
from mock_gateways.paypal.app import create_app as create_paypal_app
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.app import create_app as create_threeds_app


@dataclass
class Gateways:
    """The three running servers. `urls` maps card/threeds/paypal to base URLs."""

    card: RunningServer
    threeds: RunningServer
    paypal: RunningServer
    apps: dict[str, Flask]

    @property
    def urls(self) -> dict[str, str]:
        return {"card": self.card.url, "threeds": self.threeds.url, "paypal": self.paypal.url}

    def stop(self) -> None:
        for server in (self.card, self.threeds, self.paypal):
            server.stop()

    def __enter__(self) -> Gateways:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_gateways(
    *,
    host: str = "127.0.0.1",
    card_port: int = 0,
    threeds_port: int = 0,
    paypal_port: int = 0,
    seed: int = 0,
    clock: Clock | None = None,
    hang_on_timeout: float = 0.0,
    paypal_client: tuple[str, str] | None = None,
) -> Gateways:
    """Start the three servers on one clock (a SimClock unless given: X-Sim-Time or
    /__admin/clock on any of them moves all three). Each core's public_url is set to its real
    base URL, so acsURL and approve links work from a browser. PayPal takes any client id and
    secret, or only `paypal_client` (id, secret) when given."""
    clock = clock if clock is not None else SimClock()
    clients = None if paypal_client is None else {paypal_client[0]: paypal_client[1]}
    card_core = CardProcessor(clock=clock, seed=seed)
    apps = {
        "card": create_card_app(card_core, hang_on_timeout=hang_on_timeout),
        "threeds": create_threeds_app(
            seed=seed, clock=clock, cards=card_core, hang_on_timeout=hang_on_timeout
        ),
        "paypal": create_paypal_app(
            PayPalCore(clock=clock, seed=seed, clients=clients),
            hang_on_timeout=hang_on_timeout,
        ),
    }
    ports = {"card": card_port, "threeds": threeds_port, "paypal": paypal_port}
    servers: dict[str, RunningServer] = {}
    try:
        for name, app in apps.items():
            app.config["ABORT_ON_RESET"] = True  # a real socket can really be dropped
            servers[name] = RunningServer(app, host=host, port=ports[name])
            core_of(app).public_url = servers[name].url
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return Gateways(servers["card"], servers["threeds"], servers["paypal"], apps)


def serve(
    *,
    host: str = "127.0.0.1",
    card_port: int = 0,
    threeds_port: int = 0,
    paypal_port: int = 0,
    seed: int = 0,
    paypal_client: tuple[str, str] | None = None,
    out: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Start the gateways, print their URLs and the PayPal credentials they take, block until
    Ctrl-C (or `stop` is set), stop."""
    gateways = start_gateways(
        host=host,
        card_port=card_port,
        threeds_port=threeds_port,
        paypal_port=paypal_port,
        seed=seed,
        paypal_client=paypal_client,
    )
    try:
        for name, url in gateways.urls.items():
            out(f"{name}: {url}")
        out(f"paypal OAuth (HTTP Basic on /v1/oauth2/token): {accepted_clients(paypal_client)}")
        out("Ctrl-C stops the gateways.")
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        out("stopping")
    finally:
        gateways.stop()


def parse_client(text: str) -> tuple[str, str]:
    """`ID:SECRET` as (id, secret); ValueError naming the problem (the secret may hold ':')."""
    client_id, colon, secret = text.partition(":")
    if not colon or not client_id or not secret:
        raise ValueError(f"expected ID:SECRET, got {text[:40]!r}")
    return client_id, secret


def accepted_clients(paypal_client: tuple[str, str] | None) -> str:
    """What the mock PayPal takes as client credentials, in words (the secret is not shown)."""
    if paypal_client is None:
        return "any client id and secret (--paypal-client ID:SECRET for one pair only)"
    return f"only client id {paypal_client[0]!r} with its secret"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--card-port", type=int, default=0)
    parser.add_argument("--threeds-port", type=int, default=0)
    parser.add_argument("--paypal-port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--paypal-client",
        type=parse_client,
        metavar="ID:SECRET",
        help="accept only this PayPal client (default: any client id and secret)",
    )
    args = parser.parse_args(argv)
    serve(
        host=args.host,
        card_port=args.card_port,
        threeds_port=args.threeds_port,
        paypal_port=args.paypal_port,
        seed=args.seed,
        paypal_client=args.paypal_client,
    )


if __name__ == "__main__":
    main()
