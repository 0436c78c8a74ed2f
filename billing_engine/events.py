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
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    if at.year < 1000:  # strftime leaves such years unpadded; keep its exact text
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # An f-string: several times faster than strftime, and every event has a time.
    return f"{at.year}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z"


#: the types that serialize as they are (checked by exact type first: most fields are these)
_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
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
    fields = event.fields
    for key in sorted(fields):
        record[key] = _plain(fields[key])
    return record


#: one encoder for every line (json.dumps would build a new one per call with these options)
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


def to_json(event: Event, seq: int) -> str:
    return _ENCODER.encode(to_record(event, seq))
