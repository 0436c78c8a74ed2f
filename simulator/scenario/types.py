"""The scenario file's field types: exact amounts, shares, UTC times, indices and country codes,
each an Annotated type whose parser says what was expected."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator

from simulator.card_text import masked
from simulator.scenario.countries import HINTS, ISO_3166_ALPHA2
from simulator.scenario.errors import shown
from simulator.scenario.limits import (
    AMOUNT_PLACES,
    EARLIEST,
    LATEST,
    MAX_AMOUNT,
    MAX_EXPONENT,
    MAX_NAME_CHARS,
    MAX_NUMBER_CHARS,
    MAX_SEED,
)

_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?", re.ASCII)


def exact_decimal(text: str) -> Decimal:
    """The Decimal a number written in ASCII digits stands for, its exponent bounded first:
    Decimal() refuses one past about 10**18, and arithmetic on 1e999999999 runs out of memory
    (ValueError for anything else, saying what was expected)."""
    found = _DECIMAL_TEXT.fullmatch(text)
    if not found:
        raise ValueError(f'expected a decimal amount such as "12.50", got {shown(text)}')
    exponent = found.group(1)
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise ValueError(_exponent_expected(shown(text)))
    return Decimal(text)


def parse_amount(value: object) -> Decimal:
    """A Decimal from a decimal string, int or Decimal, within +-MAX_AMOUNT and AMOUNT_PLACES
    decimal places (checked before any arithmetic); floats are refused because they have
    already lost the value written (the loader never produces them)."""
    if isinstance(value, bool | float):
        raise ValueError(f'expected a decimal amount such as "12.50", got {shown(value)}')
    if isinstance(value, Decimal):
        if value.is_finite() and abs(value.adjusted()) > MAX_EXPONENT:
            raise ValueError(_exponent_expected(shown(value)))
        parsed = value
    elif isinstance(value, int):
        parsed = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"expected an amount of at most {MAX_NUMBER_CHARS} characters")
        # ASCII digits only: Decimal() would also read "１５０" and "NaN"
        parsed = exact_decimal(text)
    else:
        raise ValueError(f"expected a decimal amount, got {type(value).__name__}")
    if not parsed.is_finite():
        raise ValueError(f"expected a finite amount, got {shown(value)}")
    if parsed.copy_abs() > MAX_AMOUNT:  # abs() would round in the context, and overflow
        raise ValueError(f"expected an amount of at most {MAX_AMOUNT:,}, got {shown(value)}")
    if parsed != parsed.quantize(_FINEST):
        raise ValueError(f"expected at most {AMOUNT_PLACES} decimal places, got {shown(value)}")
    return parsed


_FINEST = Decimal(1).scaleb(-AMOUNT_PLACES)


def _exponent_expected(text: str) -> str:
    return f"expected an amount with an exponent from -{MAX_EXPONENT} to {MAX_EXPONENT}, got {text}"


def _non_negative(value: object) -> Decimal:
    parsed = parse_amount(value)
    if parsed < 0:
        raise ValueError(f"expected an amount >= 0, got {parsed}")
    return parsed


def _positive(value: object) -> Decimal:
    parsed = parse_amount(value)
    if parsed <= 0:
        raise ValueError(f"expected an amount > 0, got {parsed}")
    return parsed


def _share(value: object) -> Decimal:
    expected = f"expected a share between 0 and 1, e.g. 0.10 for 10%, got {shown(value)}"
    try:
        parsed = parse_amount(value)
    except ValueError:  # "10%", or an amount's "12.50" would mislead
        raise ValueError(expected) from None
    if not 0 <= parsed <= 1:
        raise ValueError(expected)
    return parsed


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXAMPLE_TIME = "2026-01-01T00:00:00Z"


def _utc_time(value: object) -> datetime:
    """Aware datetimes are converted to UTC; a bare date is 00:00 UTC; naive times refused; the
    time must be a real calendar date in [EARLIEST, LATEST)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NAME_CHARS:
            raise ValueError(f"expected an ISO 8601 UTC time such as {_EXAMPLE_TIME}")
        try:
            value = (
                date.fromisoformat(text) if _DATE_ONLY.match(text) else datetime.fromisoformat(text)
            )
        except ValueError as exc:
            # "day is out of range for month" says more than the format does
            why = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
            raise ValueError(
                f"expected an ISO 8601 UTC time such as {_EXAMPLE_TIME}, got {shown(text)}{why}"
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"time {value.isoformat()} has no time zone: add Z for UTC (e.g. {_EXAMPLE_TIME})"
            )
        # converting a time near year 1 or 9999 to UTC can overflow: check the year first
        if not EARLIEST.year <= value.year < LATEST.year:
            raise _out_of_range(shown(value))
        value = value.astimezone(UTC)
    elif isinstance(value, date):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        raise ValueError(f"expected a UTC time such as {_EXAMPLE_TIME}, got {shown(value)}")
    if not EARLIEST <= value < LATEST:
        raise _out_of_range(format_time(value))
    return value


def _out_of_range(text: str) -> ValueError:
    return ValueError(
        f"expected a time from {format_time(EARLIEST)} until before {format_time(LATEST)}, "
        f"got {text}"
    )


def _index(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a payment-method INDEX (0, 1, ...), got {shown(value)}")
    return value


def _index_or_default(value: object) -> int | Literal["default"]:
    if value == "default":
        return "default"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"expected `default` or a payment-method INDEX (0, 1, ...), got {shown(value)}"
        )
    return value


def _amount_or_all(value: object) -> Decimal | Literal["all"]:
    # the sign is the engine's business (PAY-2): a scenario may show a refused repayment
    return "all" if value == "all" else parse_amount(value)


def _boolean(value: object) -> bool:
    # YAML reads only true and false as booleans here: "no", "off" or 1 would be coerced
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {shown(value)}")
    return value


def whole_number(low: int, high: int) -> Any:
    """An int type for `low <= value <= high` (YAML gives ints; a longer number arrives as text
    and is refused here)."""

    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high:,}, got {shown(value)}")
        return value

    return Annotated[int, PlainValidator(parse)]


def parse_country(value: object) -> str:
    code = value.upper() if isinstance(value, str) else None
    if code not in ISO_3166_ALPHA2:
        hint = f" ({code} is written {HINTS[code]})" if code in HINTS else ""
        raise ValueError(
            f"expected an ISO 3166 alpha-2 country code such as US, got {shown(value)}{hint}"
        )
    return code


Amount = Annotated[Decimal, PlainValidator(parse_amount)]
NonNegativeAmount = Annotated[Decimal, PlainValidator(_non_negative)]
PositiveAmount = Annotated[Decimal, PlainValidator(_positive)]
Share = Annotated[Decimal, PlainValidator(_share)]
UtcTime = Annotated[datetime, PlainValidator(_utc_time)]
MethodIndex = Annotated[int, PlainValidator(_index)]
MethodChoice = Annotated[int | Literal["default"], PlainValidator(_index_or_default)]
CountryCode = Annotated[str, PlainValidator(parse_country)]
Boolean = Annotated[bool, PlainValidator(_boolean)]
#: a seed numpy takes (it refuses negative ones)
Seed = whole_number(0, MAX_SEED)
#: free text as the run shows it: a card number typed into it is masked here, where it is
#: read, so that no output ever needs to look for one (H-4)
FreeText = AfterValidator(masked)


def _not_blank(value: str) -> str:
    if not value.strip():  # the engine refuses a blank product name mid-run
        raise ValueError(f"expected a name with more than spaces, got {shown(value)}")
    return value


#: a product, plan or card holder's name
Name = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_CHARS), AfterValidator(_not_blank), FreeText
]
#: a name that also becomes part of a file name or an account id
Identifier = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=MAX_NAME_CHARS), FreeText
]


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
