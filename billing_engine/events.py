"""Domain events and their one JSON serialization: stable key order, amounts as two-place
strings, times as ISO 8601 UTC."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from billing_engine.money import cents, format_amount, format_cents


@dataclass(frozen=True)
class Event:
    at: datetime
    type: str  # e.g. "deduction.initiated"
    account: str | None
    fields: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=256)
def format_time(at: datetime) -> str:
    """ISO 8601 UTC to the second. Cached: events come in time order, many at one instant
    (a month end closes every account at 00:00), and equal instants give the same text."""
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


#: one encoder for nested values (json.dumps would build a new one per call with these options)
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_RESERVED = frozenset({"seq", "at", "type", "account"})


def _json_value(value: Any) -> str:
    """The JSON text of one field, as `_ENCODER.encode(_plain(value))` gives it; the common
    scalars are written directly (a run writes several fields per event, a million events)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is Fraction:
        return f'"{format_cents(cents(value))}"'
    if kind is dict and all(type(key) is str for key in value):
        members = ",".join(f"{_json_key(k)}{_json_value(value[k])}" for k in sorted(value))
        return f"{{{members}}}"
    return _ENCODER.encode(_plain(value))


#: field name -> its JSON text and colon; events use a few dozen names, a million times
_KEYS: dict[str, str] = {}


def _json_key(name: str) -> str:
    text = _KEYS.get(name)
    if text is None:
        text = _KEYS[name] = f"{encode_basestring(name)}:"
    return text


def to_json(event: Event, seq: int) -> str:
    """The event's line: `to_record` as compact JSON, written field by field."""
    fields = event.fields
    if not _RESERVED.isdisjoint(fields):
        return _ENCODER.encode(to_record(event, seq))
    parts = [
        f'{{"seq":{seq},"at":"{format_time(event.at)}","type":{_json_value(event.type)},'
        f'"account":{_json_value(event.account)}'
    ]
    for key in sorted(fields):
        parts.append(f",{_json_key(key)}{_json_value(fields[key])}")
    parts.append("}")
    return "".join(parts)
