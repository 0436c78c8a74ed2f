"""The 3D Secure server (3DS-1, 3DS-2, CARD-3): frictionless statuses by issuer, challenges
demanded by the merchant, and the challenge page's outcomes on every transport."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from billing_engine.ports import CardDetails
from mock_gateways.common.errors import GatewayError

RETURN = "https://billing.example/return?account=acme"
CARD = {"exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "Ada"}


def authenticate(threeds_core, card_core, number: str, *, mandated: bool = False, key="k"):
    token = card_core.tokenize({"number": number, **CARD}, "tok-" + number)["id"]
    body = {
        "cardToken": token,
        "purchaseAmount": "1.00",
        "challengeMandated": mandated,
        "notificationURL": RETURN,
    }
    return threeds_core.authenticate(body, key)


@pytest.mark.parametrize(
    ("number", "mandated", "status", "reason"),
    [
        ("4242424242424242", False, "Y", None),
        ("4242424242424242", True, "C", None),  # CARD-3: the merchant demands a challenge
        ("4000002760003184", False, "C", None),  # the issuer always challenges
        ("4000000000001034", True, "U", "not_enrolled"),  # CARD-3: 3DS not supported
        ("4000000000001067", False, "N", "risk"),
        ("4000000000001075", False, "A", None),
        ("4000000000001083", False, "R", "risk"),
    ],
)
def test_3ds1_frictionless_or_challenge(threeds_core, card_core, number, mandated, status, reason):
    """3DS-1: the issuer's decision per card and merchant request, in EMV transStatus."""
    result = authenticate(threeds_core, card_core, number, mandated=mandated)
    assert (result["transStatus"], result["reason"]) == (status, reason)
    assert result["last4"] == number[-4:]
    assert ("acsURL" in result) == (status == "C")
    if reason == "not_enrolled":
        assert result["transStatusReason"] == "13"


@pytest.mark.parametrize(
    ("action", "status", "reason"),
    [("pass", "Y", None), ("fail", "N", "wrong_code"), ("cancel", "U", "cancelled")],
)
def test_3ds2_challenge_outcomes_on_every_transport(world, action, status, reason):
    """3DS-2: the customer completes the page (right code Y, wrong code N, cancel U); the
    browser is sent back to the merchant's URL with the transaction id; the result is
    fetchable by id."""
    token = world.card.tokenize(
        CardDetails("4000002760003184", 12, 2030, "123", "Ada"), idempotency_key="t"
    ).card
    started = world.threeds.authenticate(
        token.token,
        Decimal("1.00"),
        challenge_mandated=False,
        return_url=RETURN,
        idempotency_key="a",
    )
    assert started.trans_status == "C" and started.acs_url
    assert world.threeds.result(started.transaction_id).trans_status == "C"
    back = world.customer.act(started.acs_url, action)
    query = parse_qs(urlsplit(back).query)
    assert back.startswith("https://billing.example/return?")
    assert query == {"account": ["acme"], "transactionId": [started.transaction_id]}
    final = world.threeds.result(started.transaction_id)
    assert (final.trans_status, final.reason) == (status, reason)


def test_3ds2_abandoned_challenge_times_out_after_10_simulated_minutes(world):
    """3DS-2: no answer for 10 simulated minutes: U timed_out; a late answer changes nothing."""
    token = world.card.tokenize(
        CardDetails("4242424242424242", 12, 2030, "123", "Ada"), idempotency_key="t"
    ).card
    started = world.threeds.authenticate(
        token.token,
        Decimal("1.00"),
        challenge_mandated=True,
        return_url=RETURN,
        idempotency_key="a",
    )
    assert world.customer.act(started.acs_url, "abandon") is None
    begun = world.engine_clock.now()
    world.engine_clock.set(begun + timedelta(minutes=10) - timedelta(seconds=1))
    assert world.threeds.result(started.transaction_id).trans_status == "C"
    world.engine_clock.set(begun + timedelta(minutes=10))
    timed_out = world.threeds.result(started.transaction_id)
    assert (timed_out.trans_status, timed_out.reason) == ("U", "timed_out")
    world.customer.act(started.acs_url, "pass")
    assert world.threeds.result(started.transaction_id).reason == "timed_out"


def test_challenge_page_is_a_real_html_form(threeds_client, threeds_core, card_core):
    """A real browser can complete it: an HTML form posting otp, with a Cancel button."""
    started = authenticate(threeds_core, card_core, "4000002760003184")
    path = urlsplit(started["acsURL"]).path
    page = threeds_client.get(path)
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    assert f'<form method="post" action="{path}">' in html
    assert 'name="otp"' in html and 'value="cancel"' in html and "123456" in html
    assert "3184" in html and "4000002760003184" not in html
    done = threeds_client.post(path, data={"otp": "123456", "action": "submit"})
    assert done.status_code == 303
    assert "finished" in threeds_client.get(path).get_data(as_text=True)


def test_challenge_form_refuses_what_a_browser_would_not_send(
    threeds_client, threeds_core, card_core
):
    started = authenticate(threeds_core, card_core, "4000002760003184")
    path = urlsplit(started["acsURL"]).path
    as_json = threeds_client.post(path, json={"otp": "123456"})
    assert (as_json.status_code, as_json.json["error"]["code"]) == (415, "unsupported_media_type")
    for response in (
        threeds_client.post(path, data={"action": "submit"}),
        threeds_client.post(path, data={"action": "dance", "otp": "1"}),
    ):
        assert (response.status_code, response.json["error"]["code"]) == (400, "invalid_field")
    assert threeds_core.result(started["threeDSServerTransID"])["transStatus"] == "C"


def test_no_challenge_for_frictionless_and_unknown_ids(threeds_client, threeds_core, card_core):
    frictionless = authenticate(threeds_core, card_core, "4242424242424242")
    tid = frictionless["threeDSServerTransID"]
    assert threeds_client.get(f"/acs/challenge/{tid}").json["error"]["code"] == "no_challenge"
    missing = threeds_client.get("/v1/authentications/nope")
    assert (missing.status_code, missing.json["error"]["code"]) == (404, "unknown_transaction")
    body = {"cardToken": "tok_nope", "purchaseAmount": "1.00", "notificationURL": RETURN}
    unknown = threeds_client.post(
        "/v1/authentications", json=body, headers={"Idempotency-Key": "u"}
    )
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "unknown_card_token")


def test_authenticate_is_idempotent(threeds_core, card_core):
    """A replay returns the original answer (even after the challenge was completed)."""
    first = authenticate(threeds_core, card_core, "4000002760003184", key="same")
    threeds_core.complete_challenge(first["threeDSServerTransID"], "123456")
    assert authenticate(threeds_core, card_core, "4000002760003184", key="same") == first
    with pytest.raises(GatewayError) as reused:
        authenticate(threeds_core, card_core, "4000002760003184", mandated=True, key="same")
    assert reused.value.status == 409


def test_h4_pan_reference_is_never_stored_or_returned(threeds_client, threeds_core):
    """H-4: an acctNumber (PAN) request answers and stores brand and last four only."""
    pan = "4000000000001034"
    body = {"acctNumber": pan, "purchaseAmount": "1.00", "notificationURL": RETURN}
    response = threeds_client.post(
        "/v1/authentications", json=body, headers={"Idempotency-Key": "p"}
    )
    assert response.json["transStatus"] == "U" and response.json["last4"] == "1034"
    assert pan not in response.get_data(as_text=True)
    assert pan not in threeds_client.get("/__admin/state").get_data(as_text=True)
    assert pan not in repr(threeds_core._store.get("p", threeds_core.now()))


def test_injected_decline_is_a_frictionless_n(threeds_core, card_core):
    """A `decline` fault on authenticate is the issuer refusing: N (risk), replayed as such."""
    threeds_core.faults.replace([{"kind": "decline", "endpoint": "authenticate"}])
    refused = authenticate(threeds_core, card_core, "4000002760003184", key="d")
    assert (refused["transStatus"], refused["reason"]) == ("N", "risk")
    threeds_core.faults.replace([])
    assert authenticate(threeds_core, card_core, "4000002760003184", key="d") == refused
