"""The simulated clock a gateway core reads, and ISO 8601 parsing/formatting of instants."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

MIN_YEAR, MAX_YEAR = 1970, 9000
#: where a fresh SimClock starts when nobody has set the time yet
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current simulated time, timezone-aware UTC."""
        ...


class SimClock:
    """A clock that only moves when told to: by `set` in process, by the `X-Sim-Time` request
    header or by `POST /__admin/clock` over HTTP. Any instant may be set (the admin owns time)."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = _require_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = _require_utc(when)


def _require_utc(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{when!r} is a naive datetime; simulated time is timezone-aware UTC")
    return when.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset or `Z`, as UTC. Raises ValueError naming the problem."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"{text!r} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset (add Z)")
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    # Holds and challenges add days to now: keep far from datetime's limits.
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"{text!r} is outside the years {MIN_YEAR} to {MAX_YEAR}")
    return parsed


@lru_cache(maxsize=4096)
def format_instant(when: datetime) -> str:
    """UTC, seconds precision kept as given, `Z` suffix: the one way gateways write times.
    Cached: one response writes the same few instants several times (created, updated, now),
    and equal instants always give the same text."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
