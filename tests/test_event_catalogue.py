"""The catalogue of event types (billing_engine/event_types.py) stays true: every bundled scenario's
events are of declared types with declared fields of the declared kinds, every declared type is
written by some run or some emit call, and docs/scenarios.md shows the catalogue as it is."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from billing_engine.event_types import BY_NAME, EVENT_TYPES, FieldType
from simulator import doc_tables
from simulator.cli import SCENARIOS_DIR
from simulator.rules import rule_registry
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
#: the scale scenario teaches nothing the others do not, at 10,000 accounts
TOO_BIG = {"population-10k-year"}
BUNDLED = sorted(p for p in SCENARIOS_DIR.glob("*.yaml") if p.stem not in TOO_BIG)

AMOUNT = re.compile(r"-?\d+\.\d{2}")
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


#: whether a value in events.jsonl is of the declared field type
KIND_OF: dict[FieldType, Any] = {
    "amount": lambda v: isinstance(v, str) and AMOUNT.fullmatch(v) is not None,
    "method": _is_int,
    "method?": lambda v: v is None or _is_int(v),
    "id": lambda v: isinstance(v, str) and v != "",
    "reason": lambda v: isinstance(v, str) and SNAKE.fullmatch(v) is not None,
    "word": lambda v: isinstance(v, str) and v != "",
    "text": lambda v: isinstance(v, str),
    "time": lambda v: isinstance(v, str) and TIME.fullmatch(v) is not None,
    "int": _is_int,
    "bool": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
}
RESERVED = ("seq", "at", "type", "account")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every line every bundled scenario writes (the fastest transport: the same events)."""
    out = tmp_path_factory.mktemp("bundled")
    lines: list[dict[str, Any]] = []
    for path in BUNDLED:
        result = run_scenario(load_scenario(path), transport="direct", out=out / path.stem)
        assert result.events_path is not None
        with result.events_path.open(encoding="utf-8") as log:
            lines.extend(json.loads(line) for line in log)
    return lines


def test_every_event_written_is_declared_with_its_fields(records: list[dict[str, Any]]):
    problems: set[str] = set()
    for record in records:
        declared = BY_NAME.get(record["type"])
        if declared is None:
            problems.add(f"{record['type']}: not in billing_engine/event_types.py")
            continue
        for name, value in record.items():
            if name in RESERVED:
                continue
            field = declared.field(name)
            if field is None:
                problems.add(f"{declared.name}.{name}: not declared")
            elif not KIND_OF[field.type](value):
                problems.add(f"{declared.name}.{name}: {value!r} is not a {field.type}")
        for field in declared.fields:
            if field.when is None and field.name not in record:
                problems.add(f"{declared.name}.{field.name}: declared always there, missing")
    assert not problems, "\n".join(sorted(problems))


def _source_literals(package: str) -> str:
    """The text of a package's modules, the catalogue and its docs generator aside."""
    skip = {"event_types.py", "doc_tables.py"}
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name not in skip
    )


def test_every_declared_type_is_written_by_a_run_or_an_emit_call(
    records: list[dict[str, Any]],
):
    """A type no bundled run shows must at least be named where its writer emits it (the
    engine's use cases; the harness for its own), or the catalogue declares a ghost."""
    seen = {record["type"] for record in records}
    sources = {
        "engine": _source_literals("billing_engine"),
        "harness": _source_literals("simulator"),
    }
    ghosts = [
        event.name
        for event in EVENT_TYPES
        if event.name not in seen and f'"{event.name}"' not in sources[event.source]
    ]
    assert not ghosts, f"declared but written nowhere: {ghosts}"


def test_each_type_is_declared_once_and_names_known_rules():
    names = [event.name for event in EVENT_TYPES]
    assert len(names) == len(set(names))
    known = set(rule_registry())
    unknown = {
        event.name: rule for event in EVENT_TYPES for rule in event.rules if rule not in known
    }
    assert not unknown, unknown
    for event in EVENT_TYPES:
        fields = [field.name for field in event.fields]
        assert len(fields) == len(set(fields)), event.name
        assert not set(fields) & set(RESERVED), event.name


def test_the_fields_the_runs_show_are_the_catalogues_in_every_case(
    records: list[dict[str, Any]],
):
    """Each optional field is there in some event and absent from another (else its `when`
    is wrong), among the types the bundled runs show both ways."""
    shown: dict[str, list[set[str]]] = defaultdict(list)
    for record in records:
        shown[record["type"]].append(set(record) - set(RESERVED))
    always_there = [
        f"{name}.{field.name}"
        for name, field_sets in shown.items()
        for field in BY_NAME[name].fields
        if field.when is not None
        and len(field_sets) > 1
        and all(field.name in fields for fields in field_sets)
    ]
    assert not always_there, f"declared optional, yet in every event: {always_there}"


def test_the_docs_show_the_catalogue():
    stale = doc_tables.stale("events")
    assert not stale, f"{stale}; regenerate with: {doc_tables.COMMAND}"
