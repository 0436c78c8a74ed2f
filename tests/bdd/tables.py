"""A step's data table read by its column names, each cell by its column's format: a wrong
column name or a cell in the wrong format is an authoring error naming the column and what it
accepts, never a bare KeyError or a rule failure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .customer_words import AuthoringError


@dataclass(frozen=True)
class Column:
    """How a column's cells read: `read` turns a cell into a value (raising ValueError or
    KeyError when it cannot), `accepts` says in words what a cell may be."""

    read: Callable[[str], Any]
    accepts: str


def read_table(
    step: str, datatable: list[list[str]], columns: Mapping[str, Column]
) -> list[tuple[Any, ...]]:
    """The rows of `datatable` (its first row names the columns, exactly those of `columns` in
    that order), each cell read by its column."""
    if not datatable:
        raise AuthoringError(f"{step}: the step needs a table with the columns {_names(columns)}")
    header, *rows = datatable
    if [name.strip() for name in header] != list(columns):
        raise AuthoringError(
            f"{step}: the table's columns are {_names(header)}; they must be {_names(columns)}"
        )
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise AuthoringError(f"{step}: row {number} has {len(row)} cells, not {len(header)}")
    return [
        tuple(
            _cell(step, number, name, cell, columns[name])
            for name, cell in zip(header, row, strict=True)
        )
        for number, row in enumerate(rows, start=1)
    ]


def _cell(step: str, row: int, name: str, cell: str, column: Column) -> Any:
    try:
        return column.read(cell.strip())
    except (ValueError, KeyError):
        raise AuthoringError(
            f"{step}: row {row}, column {name!r} reads {cell.strip()!r}; "
            f"it accepts {column.accepts}"
        ) from None


def _names(names: Any) -> str:
    return ", ".join(repr(name.strip()) for name in names)
