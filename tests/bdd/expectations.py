"""How a Then step fails: saying what it looked at, what the feature expected and what the
simulated world shows, in the feature's words (amounts as `USD 1,000.00`)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any


def in_words(value: Any) -> str:
    """A value as QA reads it: amounts in USD, rows one a line."""
    if isinstance(value, Decimal):
        return f"USD {value:,.2f}"
    if isinstance(value, tuple):
        return "(" + ", ".join(in_words(v) for v in value) + ")"
    if isinstance(value, list):
        if not value:
            return "none"
        return "".join(f"\n    {in_words(v)}" for v in value)
    if isinstance(value, set | frozenset):
        return in_words(sorted(value, key=str))
    return str(value)


def expect(
    what: str,
    actual: Any,
    expected: Any,
    *,
    holds: Callable[[Any, Any], bool] | None = None,
    wanted: str | None = None,
) -> None:
    """Fail unless `actual` equals `expected` (or `holds(actual, expected)`), naming both.
    `wanted` words the expectation when it is not a value ("at least one charge")."""
    ok = holds(actual, expected) if holds is not None else actual == expected
    if not ok:
        raise AssertionError(
            f"{what}\n  expected: {wanted or in_words(expected)}\n  actual:   {in_words(actual)}"
        )
