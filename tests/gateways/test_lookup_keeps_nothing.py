"""Looking up keys no request ever used keeps nothing: 40,000 such look-ups over most of a
replay window leave the card gateway's memory and idempotency store as they were (PayPal's and
3-D Secure's, which share its look-up, are held to the same with fewer, to save time)."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mock_gateways.card.core import CardProcessor
from mock_gateways.common.clock import SimClock
from mock_gateways.common.errors import GatewayError
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.threeds.core import ThreeDSServer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: apart in simulated time, so 40,000 look-ups span 22 of the card's 24 hours of window (and
#: each is at an instant of its own, as a run's are)
APART = timedelta(seconds=2)
#: what may grow meanwhile (interned strings, a dict resized): counters kept per key for a
#: window cost 21 MiB here
ALLOWED_BYTES = 64 * 1024


def card(clock: SimClock) -> tuple[Any, Callable[[str], Any]]:
    core = CardProcessor(clock=clock, seed=5)
    return core, core.lookup


def paypal(clock: SimClock) -> tuple[Any, Callable[[str], Any]]:
    core = PayPalCore(clock=clock, seed=5)
    return core, core.lookup_request


def threeds(clock: SimClock) -> tuple[Any, Callable[[str], Any]]:
    core = ThreeDSServer(clock=clock, seed=5, cards=CardProcessor(clock=clock, seed=5))
    return core, core.lookup


@pytest.mark.parametrize(("gateway", "lookups"), [(card, 40_000), (paypal, 8000), (threeds, 8000)])
def test_lookups_of_never_used_keys_keep_nothing(gateway, lookups):
    clock = SimClock(START)
    core, lookup = gateway(clock)

    def look_up(prefix: str, count: int) -> None:
        for n in range(count):
            clock.set(START + n * APART)
            try:
                lookup(f"{prefix}-{n}")
            except GatewayError as unknown:  # not pytest.raises: a fifth of the test's time
                assert unknown.status == 404
            else:
                pytest.fail(f"{prefix}-{n} was found")

    look_up("warm", 100)  # first-call caches (fault plan, error classes) before measuring
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        look_up("never-used", lookups)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < ALLOWED_BYTES, f"{lookups} look-ups kept {grown} bytes"
    assert core.idempotency_counts() == {"records": 0, "payment_keys": 0, "attempt_counters": 0}
