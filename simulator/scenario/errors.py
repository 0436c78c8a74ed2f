"""Scenario problems as text: one line per problem naming file, field path and what was
expected, with anything shaped like a card number masked."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.card_text import masked_digit_runs
from simulator.scenario.limits import MAX_PROBLEMS, MAX_SHOWN_CHARS


class ScenarioError(Exception):
    """A scenario that cannot be used. `problems` holds one line per problem, each naming the
    file, the field path and what was expected; str() joins them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class FieldProblems(ValueError):
    """Cross-field problems, each with its own field path; load_scenario lists them one a line."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in problems))
        self.problems = problems


_SENSITIVE = {"number", "cvv"}


class _ShortRepr(reprlib.Repr):
    """repr() with every part cut short; numbers and times as written in YAML."""

    def __init__(self) -> None:
        super().__init__()  # keyword arguments only from Python 3.12
        self.maxlevel, self.maxstring, self.maxother = 2, MAX_SHOWN_CHARS, MAX_SHOWN_CHARS
        self.maxlist = self.maxtuple = self.maxset = self.maxdict = 4
        self.maxlong = MAX_SHOWN_CHARS

    def repr_Decimal(self, value: Decimal, level: int) -> str:  # reprlib's method naming
        return self.repr_str(str(value), level).strip("'")

    def repr_datetime(self, value: datetime, level: int) -> str:
        return value.isoformat().replace("+00:00", "Z")

    def repr_date(self, value: date, level: int) -> str:
        return value.isoformat()


_SHORT = _ShortRepr()


_LONG_NUMBER = re.compile(r"[+-]?\d{20,}")


def shown(value: object) -> str:
    """repr() of `value` cut to about MAX_SHOWN_CHARS: a message never quotes a huge value (an
    expanded alias, a megabyte string) back in full. A number too long for a card is counted,
    not shown (redact() would show pieces of it as cards)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**19:
        return "a number of more than 19 digits"
    if isinstance(value, str) and _LONG_NUMBER.fullmatch(value):
        return f"a number of {len(value.lstrip('+-'))} digits"
    return _SHORT.repr(value)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


def format_path(loc: tuple[int | str, ...]) -> str:
    """("accounts", 0, "payment_methods", 1, "paypal") -> accounts[0].payment_methods[1].paypal;
    a key that is not a plain name (too long, odd characters) is shown quoted and cut."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        name = part if _PLAIN_KEY.fullmatch(part) else shown(part)
        text += f".{name}" if text else name
    return text or "(top level)"


def capped(lines: Iterable[str], source: str) -> list[str]:
    """At most MAX_PROBLEMS lines, then one that counts the rest."""
    kept: list[str] = []
    more = 0
    for line in lines:
        if len(kept) < MAX_PROBLEMS:
            kept.append(line)
        else:
            more += 1
    if more:
        kept.append(f"{source}: ... and {more} more problem(s) not listed")
    return kept


def _fields_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str] | None:
    """The field names the model at `loc` under `root` accepts (for "unknown field" messages)."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        model = _model_in(field.annotation)
        if model is None:
            return None
    return [f.alias or n for n, f in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def redact(text: str) -> str:
    """Anything shaped like a card number becomes its last four digits (H-4): a value may land
    in an unexpected field and be quoted back."""
    return masked_digit_runs(text)


def problem_lines(exc: ValidationError, source: str, root: type[BaseModel]) -> Iterator[str]:
    """One line per problem of validating `root` from the file `source`."""
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, FieldProblems):
            prefix = format_path(loc)
            for path, msg in error.problems:
                full = path if prefix == "(top level)" else f"{prefix}.{path}"
                yield redact(f"{source}: {full}: {msg}")
            continue
        yield redact(f"{source}: {format_path(loc)}: {_describe(err, loc, root)}")


def _describe(err: Any, loc: tuple[int | str, ...], root: type[BaseModel]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        known = _fields_at(root, loc)
        return "expected a mapping" + (f" with fields {', '.join(known)}" if known else "")
    if kind == "extra_forbidden":
        known = _fields_at(root, loc[:-1])
        return "unknown field" + (f"; expected one of: {', '.join(known)}" if known else "")
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error" or _SENSITIVE & {p for p in loc if isinstance(p, str)}:
        return message
    if "input" not in err:
        return message
    return f"{message}, got {shown(err['input'])}"
