"""The scenario file's field types: exact amounts, shares, UTC times, indices and country codes,
each an Annotated type whose parser says what was expected."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainValidator


def _exact_decimal(value: object) -> Decimal:
    """A finite Decimal from a decimal string, int or Decimal; floats are refused because they
    have already lost the value written (the loader never produces them)."""
    if isinstance(value, bool | float):
        raise ValueError(f'expected a decimal amount such as "12.50", got {value!r}')
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, int):
        parsed = Decimal(value)
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(f'expected a decimal amount such as "12.50", got {value!r}') from None
    else:
        raise ValueError(f"expected a decimal amount, got {type(value).__name__}")
    if not parsed.is_finite():
        raise ValueError(f"expected a finite amount, got {value!r}")
    return parsed


def _non_negative(value: object) -> Decimal:
    parsed = _exact_decimal(value)
    if parsed < 0:
        raise ValueError(f"expected an amount >= 0, got {parsed}")
    return parsed


def _share(value: object) -> Decimal:
    parsed = _exact_decimal(value)
    if not 0 <= parsed <= 1:
        raise ValueError(f"expected a share between 0 and 1 (e.g. 0.15), got {parsed}")
    return parsed


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _utc_time(value: object) -> datetime:
    """Aware datetimes are converted to UTC; a bare date is 00:00 UTC; naive times refused."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                date.fromisoformat(text) if _DATE_ONLY.match(text) else datetime.fromisoformat(text)
            )
        except ValueError:
            raise ValueError(
                f"expected an ISO 8601 UTC time such as 2026-01-01T00:00:00Z, got {text!r}"
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"time {value.isoformat()} has no time zone: add Z for UTC "
                "(e.g. 2026-01-01T00:00:00Z)"
            )
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"expected a UTC time such as 2026-01-01T00:00:00Z, got {value!r}")


def _index(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a payment-method INDEX (0, 1, ...), got {value!r}")
    return value


def _index_or_default(value: object) -> int | Literal["default"]:
    if value == "default":
        return "default"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected `default` or a payment-method INDEX (0, 1, ...), got {value!r}")
    return value


def _amount_or_all(value: object) -> Decimal | Literal["all"]:
    # the sign is the engine's business (PAY-2): a scenario may show a refused repayment
    return "all" if value == "all" else _exact_decimal(value)


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a whole number > 0, got {value!r}")
    return value


Amount = Annotated[Decimal, PlainValidator(_exact_decimal)]
NonNegativeAmount = Annotated[Decimal, PlainValidator(_non_negative)]
Share = Annotated[Decimal, PlainValidator(_share)]
UtcTime = Annotated[datetime, PlainValidator(_utc_time)]
MethodIndex = Annotated[int, PlainValidator(_index)]
MethodChoice = Annotated[int | Literal["default"], PlainValidator(_index_or_default)]
PositiveInt = Annotated[int, PlainValidator(_positive_int)]


def _country(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueError(f"expected an ISO 3166 alpha-2 country code such as US, got {value!r}")
    return value.upper()


CountryCode = Annotated[str, PlainValidator(_country)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def exactly_one(model: BaseModel, names: tuple[str, ...]) -> str:
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        choices = ", ".join(f"{n}:" for n in names)
        found = ", ".join(f"{n}:" for n in given) or "none"
        raise ValueError(f"expected exactly one of {choices} (found {found})")
    return given[0]


ThreeDSBehaviour = Literal["pass", "fail", "abandon"]
AmountOrAll = Annotated[Decimal | Literal["all"], PlainValidator(_amount_or_all)]


def format_time(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")
