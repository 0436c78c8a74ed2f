"""Idempotency records: what a key was first used for (operation and normalized parameters) and
the outcome to replay, for a replay window of simulated time; the logical call each key is."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, NamedTuple, cast

from mock_gateways.common.calls import Call
from mock_gateways.common.errors import GatewayError, bad_request

MAX_KEY_LENGTH = 255


#: canonical request text (sorted keys, Decimals as text), built once rather than per request
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _canonical_text() -> Callable[[Any], str]:
    """`_CANONICAL.encode`. JSONEncoder.encode makes a new C encoder on every call (a third of
    a fingerprint's time); with the C accelerator present, one is made here with the same
    options and kept. Params are plain trees built by the cores: no circular check needed."""
    if c_make_encoder is None:  # pragma: no cover - CPython always has the accelerator
        return _CANONICAL.encode
    encode = c_make_encoder(
        None,
        _CANONICAL.default,
        encode_basestring_ascii,
        None,
        _CANONICAL.key_separator,
        _CANONICAL.item_separator,
        _CANONICAL.sort_keys,
        _CANONICAL.skipkeys,
        _CANONICAL.allow_nan,
    )
    return lambda value: "".join(encode(value, 0))


_canonical = _canonical_text()


class Record(NamedTuple):
    """One committed request. A long run keeps a record per request, so the body is held
    serialized (one bytes object, not a tree of dicts; pickle, as the store never leaves the
    process and it is several times faster than JSON both ways) and the request as a digest of
    its canonical text; a replay unpickles the body: equal to the first answer."""

    operation: str
    fingerprint: bytes
    status: int
    blob: bytes

    @classmethod
    def of(
        cls, operation: str, params: dict[str, Any], status: int, body: dict[str, Any]
    ) -> Record:
        blob = pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(operation, fingerprint(operation, params), status, blob)

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body answered first (a result or an error object), rebuilt afresh."""
        # bytes this store pickled itself, never input
        return cast(dict[str, Any], pickle.loads(self.blob))

    def replay(self) -> dict[str, Any]:
        """The original result, or raise the original error again."""
        return answer(self.status, self.body)


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """`body` as the result of a call, or the error it describes raised again."""
    if status >= 400:
        error = body["error"]
        details = {k: v for k, v in error.items() if k not in ("code", "message")}
        raise GatewayError(error["code"], error["message"], status=status, details=details)
    return body


def check_key(key: object, header: str = "Idempotency-Key") -> str:
    """A usable key: a non-empty printable ASCII string of at most 255 characters."""
    if not isinstance(key, str) or not key:
        raise bad_request("missing_idempotency_key", f"the {header} header is required")
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise bad_request(
            "invalid_idempotency_key",
            f"{header} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
        )
    return key


def fingerprint(operation: str, params: dict[str, Any]) -> bytes:
    """Digest of the request's canonical text, to tell a replay from a reuse with other
    parameters (16 bytes kept per record instead of the text)."""
    text = _canonical([operation, params])
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Committed(NamedTuple):
    """What a money-moving request committed, kept for as long as the payment itself after its
    full record has expired: the look-up answers from it. `ref` is the payment's id for a
    success (its body is rebuilt from the payment as it is now), else the error body pickled."""

    operation: str
    fingerprint: bytes
    status: int
    ref: str | bytes

    @property
    def payment_id(self) -> str | None:
        return self.ref if isinstance(self.ref, str) else None

    @property
    def refusal(self) -> dict[str, Any]:
        """The error body of a stored refusal (a decline), rebuilt afresh."""
        assert isinstance(self.ref, bytes)
        # bytes this store pickled itself, never input
        return cast(dict[str, Any], pickle.loads(self.ref))


class IdempotencyStore:
    """Committed requests by key, for `window` of simulated time after their commit (the replay
    window), plus a small index of the keys of money-moving requests that outlives it, and the
    logical call each (operation, key) is (its coordinates and latest attempt), which expires
    `window` after the key's first use. Each request keeps the subject of its call (the card
    or payer it is about), so a look-up by its key is placed with it.

    Expiry is lazy: each call sweeps what has expired from the front of two queues kept in
    commit order, so the work per call is what expires (usually nothing) and memory is bounded
    by one window's requests. A clock set backwards only delays a sweep; `get` still judges
    each record by its own expiry."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
        #: each Record as a plain tuple of strings, bytes, an int, its expiry and its subject:
        #: the cyclic collector stops tracking such a tuple once it has seen it (not an
        #: instance of a subclass), so the records of a large run are not rescanned by every
        #: full collection
        self._records: dict[str, tuple[str, bytes, int, bytes, datetime, str]] = {}
        self._record_expiry: deque[tuple[datetime, str]] = deque()
        self._attempts: dict[tuple[str, str], tuple[Call, datetime]] = {}
        self._attempt_expiry: deque[tuple[datetime, tuple[str, str]]] = deque()
        self._payments: dict[str, tuple[str, bytes, int, str | bytes, str]] = {}

    def expire(self, now: datetime) -> None:
        """Drop the records and attempt counters whose window has passed."""
        records, queue = self._records, self._record_expiry
        while queue and queue[0][0] <= now:
            until, key = queue.popleft()
            found = records.get(key)
            if found is not None and found[4] == until:  # not replaced since
                del records[key]
        attempts, counters = self._attempts, self._attempt_expiry
        while counters and counters[0][0] <= now:
            until, pair = counters.popleft()
            counted = attempts.get(pair)
            if counted is not None and counted[1] == until:
                del attempts[pair]

    def next_attempt(
        self, operation: str, key: str, now: datetime, begin: Callable[[], Call]
    ) -> Call:
        """The call this request of `operation` with `key` is: `begin()` (a new logical call,
        attempt 1) for the first in a window, then that call again with attempt 2, 3, ..."""
        pair = (operation, key)
        counted = self._attempts.get(pair)
        if counted is None or counted[1] <= now:
            call = begin()
            until = now + self.window
            self._attempts[pair] = (call, until)
            self._attempt_expiry.append((until, pair))
            return call
        call = counted[0]._replace(attempt=counted[0].attempt + 1)
        self._attempts[pair] = (call, counted[1])
        return call

    def get(self, key: str, now: datetime) -> Record | None:
        """The live record under `key`, None if there is none or its window has passed."""
        found = self._records.get(key)
        if found is None or found[4] <= now:
            return None
        return Record._make(found[:4])

    def subject(self, key: str, now: datetime) -> str:
        """The subject of the request committed under `key` ("" if none is known)."""
        found = self._records.get(key)
        if found is not None and found[4] > now:
            return found[5]
        committed = self._payments.get(key)
        return "" if committed is None else committed[4]

    def put(
        self,
        key: str,
        record: Record,
        now: datetime,
        *,
        subject: str = "",
        payment: str | None = None,
    ) -> None:
        """Keep `record` (a request about `subject`) for the window. `payment`: the id of the
        payment a money-moving request made (or "" for a stored refusal); its key is then
        indexed for good."""
        until = now + self.window
        self._records[key] = (*record, until, subject)
        self._record_expiry.append((until, key))
        if payment is not None:
            ref = payment if record.status < 400 else record.blob
            self._payments[key] = (
                record.operation,
                record.fingerprint,
                record.status,
                ref,
                subject,
            )

    def committed(self, key: str) -> Committed | None:
        """The money-moving request committed under `key`, whether or not its record is live."""
        found = self._payments.get(key)
        return None if found is None else Committed._make(found[:4])

    def counts(self) -> dict[str, int]:
        """How many records, indexed payment keys and attempt counters are held now."""
        return {
            "records": len(self._records),
            "payment_keys": len(self._payments),
            "attempt_counters": len(self._attempts),
        }

    def __len__(self) -> int:
        return len(self._records)
