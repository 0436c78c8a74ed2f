"""`billing-sim serve`: the engine and the three mocks up, every URL printed, one clock, and a
clean stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from simulator.driver.serving import serving


def test_serving_configures_the_engine_with_its_own_mocks() -> None:
    with serving(seed=3) as running:
        assert set(running.gateway_urls) == {"card", "threeds", "paypal"}
        clock = httpx.get(f"{running.engine_url}/v1/test-clock").json()
        assert clock["now"].endswith("T00:00:00Z")
        document = httpx.get(f"{running.engine_url}/openapi.json").json()
        assert "/v1/test-clock/advance" in document["paths"]
        # the engine reaches the mocks it was started with: a card links
        engine = httpx.Client(base_url=running.engine_url)
        engine.post("/v1/accounts", json={"id": "ada", "country": "US"}).raise_for_status()
        card = {"number": "4242424242424242", "exp_month": 1, "exp_year": 2031, "cvv": "123"}
        link = engine.post(
            "/v1/accounts/ada/payment-methods", json={"kind": "card", "card": {**card, "name": "A"}}
        )
        assert link.json()["status"] == "linked"


def test_the_command_prints_every_url_and_stops_on_ctrl_c() -> None:
    billing_sim = Path(sys.executable).with_name("billing-sim")
    process = subprocess.Popen(
        [str(billing_sim), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # as from a terminal: a shell's background job starts with SIGINT ignored, and Python
        # then leaves Ctrl-C ignored too
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        lines = []
        while not (line := process.stdout.readline()).startswith("Ctrl-C"):
            assert line, "serve ended before printing its URLs"
            lines.append(line.strip())
        names = [line.split(":")[0] for line in lines]
        assert names == ["engine", "openapi", "card", "threeds", "paypal"]
        engine_url = lines[0].split(" ", 1)[1]
        assert httpx.get(f"{engine_url}/v1/test-clock").status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
