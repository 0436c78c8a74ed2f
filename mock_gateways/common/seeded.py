"""Deterministic draws and ids from the gateway seed and stable inputs (never call order, never
the global `random`), so the same request gets the same answer on every transport."""

from __future__ import annotations

import hashlib
from fractions import Fraction

_SEP = "\x1f"


def digest(*parts: object) -> bytes:
    """16 bytes that depend only on `parts` (e.g. seed, purpose, idempotency key)."""
    return hashlib.blake2b(_SEP.join(map(str, parts)).encode(), digest_size=16).digest()


def unit(*parts: object) -> Fraction:
    """An exact draw in [0, 1) from `parts`; compare it with a rate without float rounding."""
    return Fraction(int.from_bytes(digest(*parts), "big"), 2**128)


def pick(n: int, *parts: object) -> int:
    """An integer in [0, n) from `parts`."""
    return int.from_bytes(digest(*parts), "big") % n


def make_id(prefix: str, *parts: object) -> str:
    """A resource id such as `ch_3f2a...`: 20 hex digits from `parts`."""
    return f"{prefix}_{digest(*parts).hex()[:20]}"
