"""Serving the mocks as real servers: waitress on 127.0.0.1 with a free port, one shared clock
(H-1), public links pointing at the real server, clean stop; and the benchmark's figures."""

from __future__ import annotations

import threading

import httpx
import pytest

from mock_gateways.bench import run as run_bench
from mock_gateways.card.app import create_app as create_card_app
from mock_gateways.common.server import RunningServer
from mock_gateways.serve import accepted_clients, parse_client, serve, start_gateways


def test_running_server_picks_a_free_port_and_stops_cleanly():
    server = RunningServer(create_card_app())
    assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}"
    assert httpx.get(server.url + "/openapi.json").status_code == 200
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/openapi.json", timeout=1)
    # the port is free again
    again = RunningServer(create_card_app(), port=server.port)
    again.stop()


def test_h1_three_gateways_share_one_clock_and_link_to_themselves():
    """H-1: setting the time on one gateway moves all three; acsURL is the real server's."""
    with start_gateways(seed=4) as gateways:
        urls = gateways.urls
        assert set(urls) == {"card", "threeds", "paypal"}
        httpx.post(urls["card"] + "/__admin/clock", json={"now": "2026-07-01T10:00:00Z"})
        for url in urls.values():
            assert httpx.get(url + "/__admin/clock").json()["now"] == "2026-07-01T10:00:00Z"
        card = {
            "number": "4242424242424242",
            "exp_month": 1,
            "exp_year": 2030,
            "cvv": "123",
            "name": "A",
        }
        token = httpx.post(
            urls["card"] + "/v1/tokens", json=card, headers={"Idempotency-Key": "t"}
        ).json()["id"]
        body = {
            "cardToken": token,
            "purchaseAmount": "1.00",
            "challengeMandated": True,
            "notificationURL": "https://billing.example/return",
        }
        started = httpx.post(
            urls["threeds"] + "/v1/authentications", json=body, headers={"Idempotency-Key": "a"}
        ).json()
        assert started["acsURL"].startswith(urls["threeds"] + "/acs/challenge/")
        assert httpx.get(started["acsURL"]).status_code == 200


def test_serve_prints_base_urls_and_stops_when_told():
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=lambda: serve(out=lines.append, stop=stop))
    thread.start()
    try:
        for _ in range(200):
            if len(lines) >= 5:
                break
            threading.Event().wait(0.01)
        urls = dict(line.split(": ", 1) for line in lines[:3])
        assert set(urls) == {"card", "threeds", "paypal"}
        assert all(httpx.get(u + "/openapi.json").status_code == 200 for u in urls.values())
        assert "any client id and secret" in lines[3]
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def login(url: str, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials"}
    return httpx.post(url + "/v1/oauth2/token", data=form, auth=(client_id, secret)).status_code


def test_served_paypal_takes_any_client_or_only_the_one_given():
    with start_gateways() as open_gateways:
        assert login(open_gateways.urls["paypal"], "whoever", "whatever") == 200
    with start_gateways(paypal_client=parse_client("shop:s3:cret")) as strict:
        assert login(strict.urls["paypal"], "shop", "s3:cret") == 200
        assert login(strict.urls["paypal"], "shop", "s3") == 401
    assert "only client id 'shop'" in accepted_clients(("shop", "s3:cret"))
    assert "s3:cret" not in accepted_clients(("shop", "s3:cret"))


@pytest.mark.parametrize("text", ["shop", ":secret", "shop:", ""])
def test_a_paypal_client_needs_an_id_and_a_secret(text):
    with pytest.raises(ValueError, match="ID:SECRET"):
        parse_client(text)


def test_the_cli_refuses_a_malformed_paypal_client():
    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["gateways", "serve", "--paypal-client", "nosecret"])
    assert result.exit_code == 2
    assert "ID:SECRET" in result.output


def test_bench_reports_charges_per_second_for_each_transport():
    rates = run_bench(count=20)
    assert len(rates) == 3 and all(rate > 0 for rate in rates.values())
