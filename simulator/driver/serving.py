"""`billing-sim serve`: the reference engine behind the driver protocol and the three mock
gateways on ports of their own, on one clock (the engine's test clock: every gateway call
carries its time in X-Sim-Time). Configured at start to use those mocks; a harness may
configure it again with mocks of its own."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from mock_gateways.common.server import RunningServer
from mock_gateways.serve import start_gateways
from simulator.driver.reference import Configuration, ReferenceEngine
from simulator.driver.server import create_app, served_state


@dataclass(frozen=True)
class Serving:
    engine_url: str
    gateway_urls: dict[str, str]

    def lines(self) -> list[str]:
        return [
            f"engine: {self.engine_url}",
            f"openapi: {self.engine_url}/openapi.json",
            *(f"{name}: {url}" for name, url in self.gateway_urls.items()),
        ]


def first_instant() -> datetime:
    """The test clock's first reading until a harness configures it: today, midnight UTC."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@contextmanager
def serving(*, host: str = "127.0.0.1", port: int = 0, seed: int = 0) -> Iterator[Serving]:
    """The engine and the mocks running; everything stopped on the way out, errors included."""
    with start_gateways(host=host, seed=seed) as gateways:
        app = create_app()
        config = Configuration(start=first_instant(), gateways=gateways.urls, seed=seed)
        served_state(app).current = ReferenceEngine(config)
        with RunningServer(app, host=host, port=port) as server:
            yield Serving(server.url, dict(gateways.urls))


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 0,
    out: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve, print every URL, block until Ctrl-C (or `stop` is set), stop cleanly."""
    # flushed: a script reading the pipe needs the URLs before the server stops
    out = out or (lambda line: print(line, flush=True))
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        # a service manager (or `kill`) stops it as cleanly as Ctrl-C does
        signal.signal(signal.SIGTERM, lambda _signal, _frame: stop.set())
    with serving(host=host, port=port, seed=seed) as running:
        for line in running.lines():
            out(line)
        out("Ctrl-C stops the engine and the gateways.")
        try:
            stop.wait()
        except KeyboardInterrupt:
            out("stopping")
