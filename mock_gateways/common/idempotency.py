"""Idempotency records: what a key was first used for (operation and normalized parameters) and
the outcome to replay, plus the per-key attempt counter that seeds fault draws."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import Counter
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, NamedTuple

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
        return pickle.loads(self.blob)  # bytes this store pickled itself, never input

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


class IdempotencyStore:
    def __init__(self) -> None:
        #: each Record as a plain tuple of strings, bytes and an int: the cyclic collector
        #: stops tracking such a tuple once it has seen it (not an instance of a subclass), so
        #: the ~270,000 records of a large run are not rescanned by every full collection
        self._records: dict[str, tuple[str, bytes, int, bytes]] = {}
        self._attempts: Counter[tuple[str, str]] = Counter()

    def next_attempt(self, operation: str, key: str) -> int:
        """0 for the first call of `operation` with `key`, then 1, 2, ..."""
        attempt = self._attempts[operation, key]
        self._attempts[operation, key] += 1
        return attempt

    def get(self, key: str) -> Record | None:
        found = self._records.get(key)
        return None if found is None else Record._make(found)

    def put(self, key: str, record: Record) -> None:
        self._records[key] = tuple(record)  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self._records)
