"""How values travel in the driver protocol, one way for server and client: money as decimal
strings (never a float; an exact accrued figure that no decimal can hold, e.g. a third of a
cent, as "n/d"), instants as ISO 8601 UTC, months as YYYY-MM."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from billing_engine.events import Event
from billing_engine.money import Cents
from simulator.event_json import format_time

#: an amount as the event schema writes it (two places): read back as money
_AMOUNT = re.compile(r"-?\d+\.\d\d")
_RECORD_KEYS = ("seq", "at", "type", "account")


def amount_text(value: Cents | Fraction | Decimal | int) -> str:
    """The exact amount as a decimal string, or "n/d" when no finite decimal is exact."""
    fraction = value.fraction if isinstance(value, Cents) else Fraction(value)
    denominator = fraction.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator != 1:
        return f"{fraction.numerator}/{fraction.denominator}"
    with localcontext() as context:
        context.prec = 100  # enough for any terminating fraction of money
        exact = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    return format(exact, "f")


def parse_money(text: object) -> Fraction:
    """A wire amount: a decimal string (or "n/d"); ints are whole units; floats refused."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(f"an amount must be a decimal string, not {text!r}")
    return Fraction(text)


def time_text(at: datetime) -> str:
    return format_time(at)


def parse_time(text: str) -> datetime:
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"{text!r}: an instant needs its time zone (Z)")
    return at.astimezone(UTC)


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def parse_month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def event_from_record(record: dict[str, Any]) -> Event:
    """An event of the log's schema (docs/scenarios.md) as the harness logs it: amounts back to
    money, so the log writes them and tallies them as it does the reference engine's."""
    fields = {
        key: Fraction(value) if isinstance(value, str) and _AMOUNT.fullmatch(value) else value
        for key, value in record.items()
        if key not in _RECORD_KEYS
    }
    return Event(parse_time(record["at"]), record["type"], record["account"], fields)
