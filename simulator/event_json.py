"""The engine's events as JSON, the one serialization of the event log: stable key order,
amounts as two-place strings, times as ISO 8601 UTC."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from billing_engine.events import Event
from billing_engine.money import Cents, cents, format_amount, format_cents


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
    if isinstance(value, Cents | Fraction | Decimal):
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


def _fraction_text(value: Fraction) -> str:
    return f'"{format_cents(cents(value))}"'


def _cents_text(value: Cents) -> str:
    return f'"{format_cents(value.count)}"'


#: the JSON text of a value of exactly these types (most fields), without a call of our own
_SCALAR_TEXT: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    type(None): lambda _value: "null",
    bool: lambda value: "true" if value else "false",
    Fraction: _fraction_text,
    Cents: _cents_text,
}


def _json_value(value: Any) -> str:
    """The JSON text of one field, as `_ENCODER.encode(_plain(value))` gives it; the common
    types are written directly (a run writes several fields per event, a million events)."""
    scalar = _SCALAR_TEXT.get(type(value))
    if scalar is not None:
        return scalar(value)
    if type(value) is dict and all(type(key) is str for key in value):
        return f"{{{_members(value, _key_order(value))[1:]}}}"
    return _ENCODER.encode(_plain(value))


#: field name -> its JSON text and colon; events use a few dozen names, a million times
_KEYS: dict[str, str] = {}


def _json_key(name: str) -> str:
    text = _KEYS.get(name)
    if text is None:
        text = _KEYS[name] = f"{encode_basestring(name)}:"
    return text


#: the names of a dict's keys in their given order -> those names sorted, each with the JSON
#: text that starts its member (`,"name":`). An event type builds its fields in one order, so
#: a run has a few dozen orders and sorts each once. Bounded: keys that keep changing (none
#: do today) are sorted every time past it.
_ORDERS: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
_MAX_ORDERS = 4096


def _key_order(mapping: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    names = tuple(mapping)
    order = _ORDERS.get(names)
    if order is None:
        order = tuple((name, f",{_json_key(name)}") for name in sorted(names))
        if len(_ORDERS) < _MAX_ORDERS:
            _ORDERS[names] = order
    return order


def _members(mapping: dict[str, Any], order: tuple[tuple[str, str], ...]) -> str:
    """`,"name":value` for each member in `order`."""
    return "".join([f"{start}{_json_value(mapping[name])}" for name, start in order])


def to_json(event: Event, seq: int) -> str:
    """The event's line: `to_record` as compact JSON, written field by field."""
    fields = event.fields
    if not _RESERVED.isdisjoint(fields):
        return _ENCODER.encode(to_record(event, seq))
    return (
        f'{{"seq":{seq},"at":"{format_time(event.at)}","type":{_json_value(event.type)},'
        f'"account":{_json_value(event.account)}{_members(fields, _key_order(fields))}}}'
    )
