"""The coordinates of a call that every conforming engine shares, never its keys or ids: fault
draws, an issuer's timing and gateway-made ids are drawn from them (see docs/scenarios.md)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class Call(NamedTuple):
    """One request as the gateway places it. A logical call is one idempotency key (a request
    without a key is a logical call of its own); its replays share all but `attempt`."""

    gateway: str
    operation: str
    #: what the call is about: the card's fingerprint or the PayPal payer's id, else what the
    #: body names the customer by, else "" (the engine's own keys and ids never count)
    subject: str
    #: the simulated instant the logical call was first made, as `str(datetime)` gives it
    instant: str
    #: how many logical calls of this operation about this subject came before it at that
    #: instant in this gateway, from 0
    ordinal: int
    #: 1 for the first request of the logical call, 2 for its first replay, ...
    attempt: int

    @property
    def logical(self) -> tuple[str, str, str, str, int]:
        """The coordinates less the attempt: what a resource the call makes is named from."""
        return self.gateway, self.operation, self.subject, self.instant, self.ordinal


class Ordinals:
    """The ordinal of each new logical call, counted per (operation, subject) at the current
    instant. Only the current instant's counts are kept: the simulated clock moves forward, so
    memory stays as small as one instant's calls (a clock set back counts from 0 again; ids made
    from the coordinates are checked for clashes, so they stay unique)."""

    def __init__(self) -> None:
        self._at: datetime | None = None
        #: the current instant as text, made once per instant (str() of a datetime is slow)
        self._at_text = ""
        self._counts: dict[tuple[str, str], int] = {}

    def next(self, operation: str, subject: str, now: datetime) -> tuple[str, int]:
        """The instant `now` as text and the ordinal of a new call of `operation` about
        `subject` made then."""
        if now != self._at:
            self._at, self._at_text, self._counts = now, str(now), {}
        pair = (operation, subject)
        ordinal = self._counts.get(pair, 0)
        self._counts[pair] = ordinal + 1
        return self._at_text, ordinal
