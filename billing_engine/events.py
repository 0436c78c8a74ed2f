"""Domain events and their one JSON serialization: stable key order, amounts as two-place
strings, times as ISO 8601 UTC."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from billing_engine.money import format_amount


@dataclass(frozen=True)
class Event:
    at: datetime
    type: str  # e.g. "deduction.initiated"
    account: str | None
    fields: dict[str, Any] = field(default_factory=dict)


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction | Decimal):
        return format_amount(value)
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_record(event: Event, seq: int) -> dict[str, Any]:
    """seq, at, type, account first; the type's own fields after, sorted by name."""
    record: dict[str, Any] = {
        "seq": seq,
        "at": format_time(event.at),
        "type": event.type,
        "account": event.account,
    }
    for key, value in sorted(event.fields.items()):
        record[key] = _plain(value)
    return record


def to_json(event: Event, seq: int) -> str:
    return json.dumps(to_record(event, seq), separators=(",", ":"), ensure_ascii=False)
