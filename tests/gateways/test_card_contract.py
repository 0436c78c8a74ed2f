"""The card processor's HTTP contract over real HTTP on 127.0.0.1 (waitress) and over
httpx.WSGITransport: idempotent replay, 409 on reuse, look-up by key, X-Sim-Time, OpenAPI, and
no card number or CVV in any response or log line (H-4)."""

from __future__ import annotations

import logging
import re

import pytest

PAN, CVV = "4000000000000341", "987"
CARD = {"number": PAN, "exp_month": 12, "exp_year": 2030, "cvv": CVV, "name": "Ada Lovelace"}


def post(client, path: str, body: dict, key: str | None, **headers: str):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(path, json=body, headers=headers)


def test_replay_returns_the_original_response(card_http):
    """DESIGN: a replay with the same key and parameters returns the original response."""
    token = post(card_http, "/v1/tokens", CARD, "tok-1")
    assert token.status_code == 201
    again = post(card_http, "/v1/tokens", CARD, "tok-1")
    assert (again.status_code, again.content) == (201, token.content)
    body = {"token": token.json()["id"], "amount": "1.00", "descriptor": "ALIBABACLOUD.COM"}
    first = post(card_http, "/v1/authorizations", body, "auth-1")
    replay = post(card_http, "/v1/authorizations", body, "auth-1")
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    state = card_http.get("/__admin/state").json()
    assert len(state["authorizations"]) == 1 and len(state["tokens"]) == 1


def test_declines_are_replayed_too(card_http):
    """A decline is an outcome: its replay is the same 402, not a second attempt."""
    token = post(card_http, "/v1/tokens", CARD, "tok").json()["id"]
    body = {"token": token, "amount": "20.00"}
    first = post(card_http, "/v1/charges", body, "ch-1")
    assert first.status_code == 402
    assert first.json()["error"]["code"] == "declined"
    assert post(card_http, "/v1/charges", body, "ch-1").content == first.content
    assert len(card_http.get("/__admin/state").json()["declines"]) == 1


def test_key_reused_with_other_parameters_is_409(card_http):
    """DESIGN: a replay with other parameters (or another operation) is a 409."""
    token = post(card_http, "/v1/tokens", CARD, "tok").json()["id"]
    assert post(card_http, "/v1/authorizations", {"token": token, "amount": "1.00"}, "k").is_success
    other_amount = post(card_http, "/v1/authorizations", {"token": token, "amount": "2.00"}, "k")
    other_operation = post(card_http, "/v1/charges", {"token": token, "amount": "1.00"}, "k")
    for response in (other_amount, other_operation):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_lookup_by_idempotency_key(card_http):
    """The look-up answers the original status and body; an unused key is 404."""
    token = post(card_http, "/v1/tokens", CARD, "tok").json()["id"]
    charged = post(
        card_http, "/v1/charges", {"token": token, "amount": "5.00"}, "key/with?odd#chars"
    )
    found = card_http.get("/v1/idempotency/key%2Fwith%3Fodd%23chars")
    assert found.status_code == 200
    assert found.json()["body"] == charged.json()
    assert found.json()["status"] == 402
    missing = card_http.get("/v1/idempotency/never-used")
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "unknown_idempotency_key",
    )


def test_mutating_calls_need_an_idempotency_key(card_http):
    response = post(card_http, "/v1/tokens", CARD, None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_idempotency_key"


def test_h1_sim_time_header_sets_the_gateway_clock(card_http):
    """H-1: X-Sim-Time sets the gateway's clock; every response reports it."""
    response = card_http.get("/__admin/clock", headers={"X-Sim-Time": "2026-05-01T12:00:00Z"})
    assert response.json()["now"] == "2026-05-01T12:00:00Z"
    assert response.headers["X-Sim-Time"] == "2026-05-01T12:00:00Z"
    bad = card_http.get("/__admin/clock", headers={"X-Sim-Time": "yesterday"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_sim_time")
    moved = card_http.post("/__admin/clock", json={"now": "2026-06-01T00:00:00+02:00"})
    assert moved.json()["now"] == "2026-05-31T22:00:00Z"


def test_admin_reset_forgets_state_and_faults(card_http):
    post(card_http, "/v1/tokens", CARD, "tok")
    card_http.post("/__admin/faults", json={"faults": [{"kind": "server_error"}]})
    assert card_http.post("/__admin/reset", json={"seed": 99}).json() == {"reset": True, "seed": 99}
    state = card_http.get("/__admin/state").json()
    assert (state["tokens"], state["seed"], state["idempotency_records"]) == ([], 99, 0)
    assert card_http.get("/__admin/faults").json()["faults"] == []


def test_openapi_documents_every_route(card_http, card_app):
    """Each app serves OpenAPI 3 at /openapi.json, covering every route it has."""
    doc = card_http.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in doc["paths"]}
    for rule in card_app.url_map.iter_rules():
        if rule.endpoint != "static" and rule.rule != "/openapi.json":
            assert re.sub(r"<[^>]+>", "{}", rule.rule) in documented, rule.rule
    assert "Error" in doc["components"]["schemas"]


def json_leaves(node) -> list:
    """Every (key, value) pair at any depth of a JSON document."""
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in [(k, v), *json_leaves(v)]]
    if isinstance(node, list):
        return [leaf for item in node for leaf in json_leaves(item)]
    return []


def test_h4_no_card_number_or_cvv_in_any_response_or_log_line(card_http, caplog):
    """H-4: full flows, refusals and admin views never show the number or CVV."""
    caplog.set_level(logging.DEBUG)
    responses = [post(card_http, "/v1/tokens", CARD, "tok")]
    token = responses[0].json()["id"]
    responses += [
        post(card_http, "/v1/tokens", {**CARD, "number": PAN[:-1] + "0"}, "bad-luhn"),
        post(card_http, "/v1/tokens", {**CARD, "cvv": "98"}, "bad-cvv"),
        post(card_http, "/v1/tokens", {**CARD, "name": 7}, "bad-name"),
        post(card_http, "/v1/tokens", CARD, "tok", **{"X-Sim-Time": "2026-02-01T00:00:00Z"}),
        post(card_http, "/v1/authorizations", {"token": token, "amount": "1.00"}, "a"),
        post(card_http, "/v1/charges", {"token": token, "amount": "9.00"}, "c"),
        card_http.get("/__admin/state"),
        card_http.get("/v1/idempotency/tok"),
        card_http.get(f"/v1/tokens/{token}"),
    ]
    assert responses[0].json()["last4"] == PAN[-4:]
    for response in responses:
        assert PAN not in response.text and PAN[:-1] not in response.text
        leaves = json_leaves(response.json())
        assert CVV not in [value for _, value in leaves]
        assert not [key for key, _ in leaves if key in ("cvv", "number")]
    lines = [record.getMessage() for record in caplog.records]
    assert any("/v1/tokens" in line for line in lines)  # request lines are logged...
    assert not [line for line in lines if PAN in line or PAN[:-1] in line]  # ...without it


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"token": "tok_missing", "amount": "1.00"}, "unknown_token"),
        ({"token": "x", "amount": 1.0}, "invalid_field"),
        ({"token": "x", "amount": "1.001"}, "invalid_amount"),
        ({"token": "x", "amount": "-1"}, "invalid_amount"),
        ({"amount": "1.00"}, "missing_field"),
        ({"token": "x", "amount": "1.00", "currency": "dollars"}, "invalid_currency"),
    ],
)
def test_bad_requests_are_4xx_with_a_stable_code(card_http, body, code):
    response = post(card_http, "/v1/charges", body, "k")
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "instant", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2026-02-30T00:00:00Z"]
)
def test_sim_time_out_of_range_is_a_400(card_http, instant):
    response = card_http.get("/__admin/state", headers={"X-Sim-Time": instant})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_sim_time")


def test_a_payment_is_looked_up_by_key_after_the_replay_window(card_http):
    """The engine looks a lost answer up by key, maybe days later: a charge's key answers for
    good, with the charge as it is now; a late replay is refused (409), never a second charge;
    a key that made no payment is forgotten after 24 h, as public card APIs do."""
    card = {**CARD, "number": "4242424242424242"}
    at = {"X-Sim-Time": "2026-03-02T09:00:00Z"}
    token = post(card_http, "/v1/tokens", card, "tok-w", **at).json()["id"]
    charge = {"token": token, "amount": "5.00"}
    charged = post(card_http, "/v1/charges", charge, "ch-w", **at).json()

    day_later = {"X-Sim-Time": "2026-03-03T09:00:00Z"}
    found = card_http.get("/v1/idempotency/ch-w", headers=day_later)
    assert found.status_code == 200
    assert found.json() == {
        "idempotency_key": "ch-w",
        "operation": "charge",
        "status": 200,
        "body": charged,
    }
    replayed = post(card_http, "/v1/charges", charge, "ch-w", **day_later)
    assert (replayed.status_code, replayed.json()["error"]["code"]) == (
        409,
        "idempotency_key_expired",
    )
    week_later = {"X-Sim-Time": "2026-03-09T09:00:00Z"}
    assert card_http.get("/v1/idempotency/ch-w", headers=week_later).json()["body"] == charged
    forgotten = card_http.get("/v1/idempotency/tok-w", headers=week_later)
    assert (forgotten.status_code, forgotten.json()["error"]["code"]) == (
        404,
        "unknown_idempotency_key",
    )
    state = card_http.get("/__admin/state").json()
    assert len(state["charges"]) == 1
    assert state["idempotency"]["payment_keys"] == 1
