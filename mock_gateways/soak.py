"""A sustained load against the served mocks on 127.0.0.1 and the server process's memory as it
goes (`python -m mock_gateways.soak --days 30`): docs/performance.md's figures; prints only."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from mock_gateways.common.clock import format_instant

START = datetime(2026, 1, 5, tzinfo=UTC)
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "S"}
#: the pair every version of the mock PayPal accepts (older ones took only this one)
PAYPAL_CLIENT = ("billing-sim", "billing-sim-secret")


def rss_mib(pid: int) -> float:
    """The resident memory of process `pid` (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _serve() -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`python -m mock_gateways.serve` on free ports of 127.0.0.1, and its printed URLs."""
    server = subprocess.Popen(
        [sys.executable, "-m", "mock_gateways.serve", "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    urls: dict[str, str] = {}
    for line in server.stdout:
        if line.startswith("Ctrl-C"):
            return server, urls
        name, _, url = line.strip().partition(": ")
        if url.startswith("http://"):
            urls[name] = url
    raise RuntimeError("the gateways did not start")


def run(
    days: int = 30, per_hour: int = 20, *, payments: bool = True, out: Callable[[str], None] = print
) -> None:
    """Every simulated hour, `per_hour` times: a charge under a fresh key (or, without
    `payments`, a refused one) and its look-up by key, a read of an unknown hold and a charge
    refused for its amount; and one PayPal login. Prints the server's memory each 5 days."""
    server, urls = _serve()
    try:
        with httpx.Client(base_url=urls["card"]) as card, httpx.Client() as paypal:
            at = {"X-Sim-Time": format_instant(START)}
            made = card.post("/v1/tokens", json=CARD, headers={"Idempotency-Key": "t", **at})
            token = made.json()["id"]
            out(f"start: {rss_mib(server.pid):.1f} MiB")
            sent = 0
            for hour in range(days * 24):
                at = {"X-Sim-Time": format_instant(START + timedelta(hours=hour))}
                for n in range(per_hour):
                    key = f"ch-{hour}-{n}"
                    amount = "1.00" if payments else "0.00"
                    body = {"token": token, "amount": amount}
                    card.post("/v1/charges", json=body, headers={"Idempotency-Key": key, **at})
                    card.get(f"/v1/idempotency/{key}", headers=at)
                    card.get(f"/v1/authorizations/auth-{hour}-{n}", headers=at)
                    bad = {"token": token, "amount": "-1.00"}
                    card.post("/v1/charges", json=bad, headers={"Idempotency-Key": f"x{key}", **at})
                    sent += 4
                paypal.post(
                    urls["paypal"] + "/v1/oauth2/token",
                    auth=PAYPAL_CLIENT,
                    data={"grant_type": "client_credentials"},
                    headers=at,
                )
                sent += 1
                if (hour + 1) % (5 * 24) == 0:
                    out(f"day {(hour + 1) // 24}: {sent} requests, {rss_mib(server.pid):.1f} MiB")
            state = card.get("/__admin/state").json()
            counts = state.get("idempotency", {"records": state["idempotency_records"]})
            out(f"card store at the end: {counts}, charges {len(state['charges'])}")
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30, help="simulated days of load")
    parser.add_argument("--per-hour", type=int, default=20, help="rounds per simulated hour")
    parser.add_argument(
        "--no-payments", action="store_true", help="refused charges only: no payment is kept"
    )
    args = parser.parse_args(argv)
    run(args.days, args.per_hour, payments=not args.no_payments)


if __name__ == "__main__":
    main()
