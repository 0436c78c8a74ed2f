"""Idempotency records: what a key was first used for (operation and normalized parameters) and
the outcome to replay, plus the per-key attempt counter that seeds fault draws."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from mock_gateways.common.errors import GatewayError, bad_request

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Record:
    operation: str
    fingerprint: str
    status: int
    body: dict[str, Any]  # the JSON body answered first (a result or an error object)

    def replay(self) -> dict[str, Any]:
        """The original result, or raise the original error again."""
        if self.status >= 400:
            error = self.body["error"]
            details = {k: v for k, v in error.items() if k not in ("code", "message")}
            raise GatewayError(error["code"], error["message"], status=self.status, details=details)
        return self.body


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


def fingerprint(operation: str, params: dict[str, Any]) -> str:
    """Canonical text of a request, to tell a replay from a reuse with other parameters."""
    return json.dumps([operation, params], sort_keys=True, separators=(",", ":"), default=str)


class IdempotencyStore:
    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._attempts: Counter[tuple[str, str]] = Counter()

    def next_attempt(self, operation: str, key: str) -> int:
        """0 for the first call of `operation` with `key`, then 1, 2, ..."""
        attempt = self._attempts[operation, key]
        self._attempts[operation, key] += 1
        return attempt

    def get(self, key: str) -> Record | None:
        return self._records.get(key)

    def put(self, key: str, record: Record) -> None:
        self._records[key] = record

    def __len__(self) -> int:
        return len(self._records)
