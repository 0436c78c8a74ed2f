"""Requests per second for a card charge: the core in process, the Flask app over
httpx.WSGITransport, and a real waitress server over HTTP (`python -m mock_gateways.bench`)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import httpx

from mock_gateways.card.app import create_app
from mock_gateways.card.core import CardProcessor
from mock_gateways.common.server import RunningServer

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "B"}


def _rate(count: int, charge: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for i in range(count):
        charge(i)
    return count / (time.perf_counter() - started)


def _http_charges(client: httpx.Client, token: str) -> Callable[[int], None]:
    def charge(i: int) -> None:
        response = client.post(
            "/v1/charges",
            json={"token": token, "amount": "10.00"},
            headers={"Idempotency-Key": f"bench-{i}"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"charge answered {response.status_code}: {response.text}")

    return charge


def run(count: int = 2000) -> dict[str, float]:
    """Charges per second on each path, each with fresh state and a distinct key per charge."""
    results: dict[str, float] = {}

    core = CardProcessor()
    token = core.tokenize(CARD, "bench-token")["id"]
    results["direct (core in process)"] = _rate(
        count, lambda i: core.charge({"token": token, "amount": "10.00"}, f"bench-{i}")
    )

    app = create_app()
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://card.sim") as c:
        token = c.post("/v1/tokens", json=CARD, headers={"Idempotency-Key": "t"}).json()["id"]
        results["wsgi (httpx.WSGITransport)"] = _rate(count, _http_charges(c, token))

    app = create_app()
    with RunningServer(app) as server, httpx.Client(base_url=server.url) as c:
        token = c.post("/v1/tokens", json=CARD, headers={"Idempotency-Key": "t"}).json()["id"]
        results["http (waitress on 127.0.0.1)"] = _rate(count, _http_charges(c, token))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000, help="charges per transport")
    args = parser.parse_args(argv)
    for name, rate in run(args.count).items():
        print(f"{name:32} {rate:10,.0f} charges/s")


if __name__ == "__main__":
    main()
