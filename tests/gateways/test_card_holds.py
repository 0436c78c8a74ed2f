"""Verification holds (CARD-5): released by the issuer after 1 to 5 business days of the issuer's
country, deterministic per hold from the seed, derived lazily from the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from billing_engine.ports import CardDetails
from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock, parse_instant
from mock_gateways.common.errors import GatewayError

CARD = {"exp_month": 12, "exp_year": 2030, "cvv": "123", "name": "Ada"}


def holds_placed_at(when: datetime, number: str, count: int = 40, seed: int = 3) -> list[dict]:
    core = CardProcessor(clock=SimClock(when), seed=seed)
    token = core.tokenize({"number": number, **CARD}, "tok")["id"]
    body = {"token": token, "amount": "1.00", "descriptor": "ALIBABACLOUD.COM"}
    return [core.authorize(body, f"hold-{i}") for i in range(count)]


def release_dates(holds: list[dict]) -> set[date]:
    return {parse_instant(h["release_at"]).date() for h in holds}


def test_card5_hold_placed_on_a_friday_skips_the_weekend():
    """CARD-5: a Friday hold releases Monday to Friday of the next week, never at the weekend,
    at the time of day it was placed; every one of the 1-5 business days occurs."""
    friday = datetime(2026, 1, 9, 15, 30, tzinfo=UTC)
    holds = holds_placed_at(friday, "4242424242424242")
    assert release_dates(holds) == {date(2026, 1, 12) + timedelta(days=d) for d in range(5)}
    assert {parse_instant(h["release_at"]).time() for h in holds} == {friday.time()}


def test_card5_us_public_holiday_is_not_a_business_day():
    """CARD-5: Thanksgiving (Thu 2026-11-26) is skipped for a US issuer."""
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    dates = release_dates(holds_placed_at(wednesday, "4242424242424242"))
    assert date(2026, 11, 26) not in dates
    assert dates == {date(2026, 11, 27), *(date(2026, 11, 30) + timedelta(d) for d in range(4))}


def test_card5_holidays_are_the_issuer_countrys():
    """CARD-5: Malaysia's National Day (Mon 2026-08-31) delays an MY card, not a US one."""
    friday = datetime(2026, 8, 28, 8, 0, tzinfo=UTC)
    malaysian = release_dates(holds_placed_at(friday, "4000000000001091"))
    american = release_dates(holds_placed_at(friday, "4242424242424242"))
    assert date(2026, 8, 31) not in malaysian
    assert date(2026, 8, 31) in american
    assert min(malaysian) == date(2026, 9, 1)


def test_card5_release_is_deterministic_per_seed_and_hold():
    """H-2: the same seed and key give the same release; another seed may not."""
    when = datetime(2026, 3, 2, 10, tzinfo=UTC)
    first = holds_placed_at(when, "4242424242424242", count=10, seed=5)
    again = holds_placed_at(when, "4242424242424242", count=10, seed=5)
    other = holds_placed_at(when, "4242424242424242", count=10, seed=6)
    assert [h["release_at"] for h in first] == [h["release_at"] for h in again]
    assert [h["release_at"] for h in first] != [h["release_at"] for h in other]


def test_card5_hold_status_is_derived_lazily_from_the_clock(card_core, clock):
    """CARD-5: held until release_at, then released (released_at = release_at); a released
    hold cannot be voided or captured."""
    token = card_core.tokenize({"number": "4242424242424242", **CARD}, "t")["id"]
    auth = card_core.authorize(
        {"token": token, "amount": "1.00", "descriptor": "ALIBABACLOUD.COM"}, "a"
    )
    release_at = parse_instant(auth["release_at"])
    assert auth["descriptor"] == "ALIBABACLOUD.COM"
    clock.set(release_at - timedelta(seconds=1))
    assert card_core.hold(auth["id"])["status"] == "held"
    clock.set(release_at)
    status = card_core.hold(auth["id"])
    assert (status["status"], status["released_at"]) == ("released", auth["release_at"])
    for attempt in (
        lambda: card_core.void(auth["id"], "v"),
        lambda: card_core.capture(auth["id"], {}, "c"),
    ):
        with pytest.raises(GatewayError) as refused:
            attempt()
        assert (refused.value.status, refused.value.code) == (409, "authorization_not_held")


def test_card5_hold_through_the_adapter(world):
    """CARD-5 through the engine's port on every transport: release_at on the result, then
    HoldStatus held -> released; a void before release marks it voided."""
    card = CardDetails("4242424242424242", 12, 2030, "123", "Ada")
    token = world.card.tokenize(card, idempotency_key="t").card
    assert token is not None and token.last4 == "4242"
    auth = world.card.authorize(
        token.token, Decimal("1.00"), descriptor="ALIBABACLOUD.COM", idempotency_key="a1"
    )
    assert auth.ok and auth.release_at is not None and auth.release_at > world.engine_clock.now()
    assert world.card.hold(auth.id).status == "held"
    world.engine_clock.set(auth.release_at)
    released = world.card.hold(auth.id)
    assert (released.status, released.released_at) == ("released", auth.release_at)
    other = world.card.authorize(
        token.token, Decimal("1.00"), descriptor="ALIBABACLOUD.COM", idempotency_key="a2"
    )
    assert world.card.void(other.id, idempotency_key="v").ok
    assert world.card.hold(other.id).status == "voided"
    assert world.card.void(other.id, idempotency_key="v2").reason == "authorization_not_held"


def test_card5_friday_and_holiday_release_over_the_http_contract(card_http):
    """CARD-5 over real HTTP and WSGI: holds placed on the Friday before Malaysia's National Day
    (Mon 2026-08-31) by an MY card release Tue 1 Sep to Mon 7 Sep; the hold's status follows
    the clock set by X-Sim-Time."""
    friday = {"X-Sim-Time": "2026-08-28T08:00:00Z"}
    card = {"number": "4000000000001091", **CARD}
    token = card_http.post("/v1/tokens", json=card, headers={"Idempotency-Key": "t", **friday})
    holds = [
        card_http.post(
            "/v1/authorizations",
            json={"token": token.json()["id"], "amount": "1.00", "descriptor": "ALIBABACLOUD.COM"},
            headers={"Idempotency-Key": f"h{i}", **friday},
        ).json()
        for i in range(30)
    ]
    expected = {date(2026, 9, 1) + timedelta(days=d) for d in (0, 1, 2, 3, 6)}
    assert release_dates(holds) == expected
    first = holds[0]
    before = {"X-Sim-Time": (parse_instant(first["release_at"]) - timedelta(minutes=1)).isoformat()}
    at = {"X-Sim-Time": first["release_at"]}
    assert (
        card_http.get(f"/v1/authorizations/{first['id']}", headers=before).json()["status"]
        == "held"
    )
    released = card_http.get(f"/v1/authorizations/{first['id']}", headers=at).json()
    assert (released["status"], released["released_at"]) == ("released", first["release_at"])
