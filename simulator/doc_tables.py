"""The parts of docs/ written from code: the events table of docs/scenarios.md (from
`billing_engine.event_types`), the gateways' bodies in docs/gateways.md and the driver
protocol's in docs/driver.md (from the OpenAPI documents' examples).
`python -m simulator.doc_tables` rewrites them; `--check` only compares."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from billing_engine.event_types import EVENT_TYPES, EventField, FieldType
from mock_gateways.card.openapi import OPENAPI as CARD_OPENAPI
from mock_gateways.paypal.openapi import OPENAPI as PAYPAL_OPENAPI
from mock_gateways.threeds.openapi import OPENAPI as THREEDS_OPENAPI
from simulator.driver.openapi import AMOUNT, INSTANT, MONTH, SCHEMAS, openapi_document

DOCS = Path(__file__).resolve().parent.parent / "docs"
COMMAND = "python -m simulator.doc_tables"

# --- the events table --------------------------------------------------------------------

#: how each field type reads in the table
VALUE_WORDS: dict[FieldType, str] = {
    "amount": "amount",
    "method": "method index",
    "method?": "method index or null",
    "id": "id",
    "reason": "reason code",
    "word": "word",
    "text": "text",
    "time": "time",
    "int": "integer",
    "bool": "boolean",
    "object": "object",
}


def _field_row(field: EventField) -> str:
    when = f" (only for {field.when})" if field.when else ""
    return f"| | `{field.name}` | {VALUE_WORDS[field.type]} | {field.meaning}{when} |"


def events_table() -> str:
    """One row per event type (who writes it, its rules, what happened), then one per field."""
    lines = [
        "| type | field | value | meaning |",
        "|---|---|---|---|",
    ]
    for event in EVENT_TYPES:
        rules = ", ".join(event.rules)
        by = "written by the harness: " if event.source == "harness" else ""
        about = f"{by}{event.meaning}" + (f" ({rules})" if rules else "")
        lines.append(f"| `{event.name}` | | | {about} |")
        lines.extend(_field_row(field) for field in event.fields)
    return "\n".join(lines)


# --- the gateways' bodies ----------------------------------------------------------------

#: the gateways in the order docs/gateways.md names them, with their OpenAPI documents
GATEWAYS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("card", "Card processor", CARD_OPENAPI),
    ("threeds", "3D Secure server", THREEDS_OPENAPI),
    ("paypal", "PayPal", PAYPAL_OPENAPI),
)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
_HEADERS = ("Idempotency-Key", "PayPal-Request-Id", "Prefer")


@dataclass(frozen=True)
class GatewayOperation:
    """One operation of a mock as its OpenAPI document gives it, with its examples."""

    gateway: str
    operation_id: str
    method: str
    path: str
    summary: str
    headers: tuple[str, ...]
    request_type: str | None
    request_example: Any
    status: int
    #: what the document says of the success answer (a redirect's target)
    answer_note: str
    response_type: str | None
    response_example: Any
    bearer: bool

    def missing_examples(self) -> list[str]:
        missing = []
        if self.request_type is not None and self.request_example is None:
            missing.append("no request example")
        if self.response_type == JSON and self.response_example is None:
            missing.append(f"no example of its {self.status} answer")
        return missing


def success(responses: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status = min(int(code) for code in responses if code.isdigit() and int(code) < 400)
    return status, responses[str(status)]


def _media(content: dict[str, Any]) -> tuple[str | None, Any]:
    for media in (JSON, FORM, HTML):
        if media in content:
            return media, content[media].get("example")
    return None, None


def gateway_operations() -> Iterator[GatewayOperation]:
    """Every operation a client of a mock calls (the admin API aside), in document order."""
    for gateway, _, document in GATEWAYS:
        for path, item in document["paths"].items():
            if path.startswith("/__admin"):
                continue
            for method, op in item.items():
                request_type, request_example = _media(op.get("requestBody", {}).get("content", {}))
                status, answer = success(op["responses"])
                response_type, response_example = _media(answer.get("content", {}))
                names = {param["name"] for param in op.get("parameters", [])}
                yield GatewayOperation(
                    gateway=gateway,
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=op["summary"],
                    headers=tuple(h for h in _HEADERS if h in names),
                    request_type=request_type,
                    request_example=request_example,
                    status=status,
                    answer_note=answer.get("description", ""),
                    response_type=response_type,
                    response_example=response_example,
                    bearer={"bearerToken": []} in op.get("security", []),
                )


def _block(media: str | None, example: Any) -> list[str]:
    if media == FORM:
        return ["```text", urlencode(example), "```"]
    return ["```json", json.dumps(example, indent=2, ensure_ascii=False), "```"]


def _operation_text(op: GatewayOperation, shown: dict[str, str]) -> list[str]:
    """The operation's section; `shown` maps each answer already printed to its operation, so
    an answer seen before (a GET of what a POST made) is named rather than printed again."""
    needs = [f"`{h}` header" for h in op.headers]
    if op.bearer:
        needs.insert(0, "`Authorization: Bearer TOKEN`")
    summary = op.summary[:1].upper() + op.summary[1:]
    lines = [f"#### `{op.method} {op.path}` ({op.operation_id})", "", f"{summary}."]
    if needs:
        lines[-1] += f" Takes the {', '.join(needs)}."
    lines.append("")
    if op.request_type is None:
        lines.append("Request: no body.")
    else:
        lines.append(f"Request (`{op.request_type}`):")
        lines += ["", *_block(op.request_type, op.request_example)]
    lines.append("")
    answer = json.dumps(op.response_example, sort_keys=True)
    if op.response_type == JSON and answer in shown:
        lines.append(f"Answer {op.status}: the same body as `{shown[answer]}` answers above.")
    elif op.response_type == JSON:
        shown[answer] = op.operation_id
        lines += [f"Answer {op.status}:", "", *_block(JSON, op.response_example)]
    elif op.response_type == HTML:
        lines.append(f"Answer {op.status}: an HTML page for the customer's browser.")
    elif op.status == 303:
        lines.append(f"Answer 303, a redirect (`Location`): {op.answer_note}")
    else:
        lines.append(f"Answer {op.status}: no body.")
    lines.append("")
    return lines


def gateway_bodies() -> str:
    lines: list[str] = []
    ops = list(gateway_operations())
    for gateway, title, _ in GATEWAYS:
        lines += [f"### {title}", ""]
        shown: dict[str, str] = {}
        for op in ops:
            if op.gateway == gateway:
                lines += _operation_text(op, shown)
    return "\n".join(lines).rstrip()


# --- the driver protocol's bodies --------------------------------------------------------

#: the Error body every refusal answers, listed after the bodies of the calls
ERROR = "Error"
_SCHEMA_REF = "#/components/schemas/"


@dataclass(frozen=True)
class DriverBody:
    """One schema of the driver protocol a call sends or answers, with its example and the
    calls that use it (`POST /v1/accounts (201)`)."""

    name: str
    schema: dict[str, Any]
    example: Any
    sent_by: tuple[str, ...]
    answered_by: tuple[str, ...]


def schema_name(content: dict[str, Any]) -> str | None:
    ref = content.get(JSON, {}).get("schema", {}).get("$ref", "")
    return ref.removeprefix(_SCHEMA_REF) if ref.startswith(_SCHEMA_REF) else None


def driver_bodies(document: dict[str, Any] | None = None) -> list[DriverBody]:
    """Every schema a driver call sends or answers on success, in the order the calls first
    use them, then the Error of every refusal."""
    document = document or openapi_document()
    sent: dict[str, list[str]] = {}
    answered: dict[str, list[str]] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            call = f"{method.upper()} {path}"
            body = schema_name(op.get("requestBody", {}).get("content", {}))
            if body is not None:
                sent.setdefault(body, []).append(f"`{call}`")
                answered.setdefault(body, [])  # keeps the order calls first use each
            status, answer = success(op["responses"])
            name = schema_name(answer.get("content", {}))
            if name is not None:
                shown = f"`{call}`" if status == 200 else f"`{call}` ({status})"
                answered.setdefault(name, []).append(shown)
                sent.setdefault(name, [])
    schemas = document["components"]["schemas"]
    return [
        DriverBody(
            name=name,
            schema=schemas[name],
            example=(schemas[name].get("examples") or [None])[0],
            sent_by=tuple(sent.get(name, ())),
            answered_by=tuple(answered.get(name, ())),
        )
        for name in [*answered, ERROR]
    ]


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    resolved: dict[str, Any] = SCHEMAS[ref.removeprefix(_SCHEMA_REF)]
    return resolved


def _value_words(node: dict[str, Any]) -> str:
    """How one value reads in a fields table: amount, time, `a`, `b` or `c`, text or null."""
    node = _resolved(node)
    if "oneOf" in node:
        return " or ".join(_value_words(each) for each in node["oneOf"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`".replace('`"', "`").replace('"`', "`")
    if "enum" in node:
        names = [f"`{each}`" for each in node["enum"]]
        return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    if node.get("pattern") == AMOUNT["pattern"]:
        return "amount"
    if node.get("format") == "date-time":
        return "time"
    if node.get("pattern") == MONTH["pattern"]:
        return "month `YYYY-MM`"
    kinds: str | list[str] = node.get("type", "object")
    words = {"string": "text", "integer": "integer", "boolean": "boolean", "null": "null"}
    if node.get("format") == "uri":
        words["string"] = "URL"
    if isinstance(kinds, list):
        return " or ".join(words.get(kind, kind) for kind in kinds)
    if kinds == "array":
        return f"list of {_value_words(node.get('items', {}))}"
    if kinds == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"object: {_value_words(node['additionalProperties'])} per key"
    return words.get(kinds, kinds)


def _meaning(node: dict[str, Any], required: bool) -> str:
    """The description of a value, less the shared one of every amount and time."""
    description = str(node.get("description", ""))
    if description in (AMOUNT["description"], INSTANT["description"]):
        description = ""
    notes = [] if required else ["optional"]
    if "default" in node:
        notes.append(f"default `{json.dumps(node['default'])}`")
    if notes and description:
        return f"{description} ({', '.join(notes)})"
    return description or ", ".join(notes)


def _fields(node: dict[str, Any], prefix: str = "") -> dict[str, tuple[str, str]]:
    """Each field of a body as a fields table lists it, nested objects and list items by
    path (`ledger.fees`, `methods[].status`): field -> (value, meaning). A field two
    alternatives share (`kind`) lists both values."""
    node = _resolved(node)
    rows: dict[str, tuple[str, str]] = {}

    def merge(more: dict[str, tuple[str, str]]) -> None:
        for name, (value, meaning) in more.items():
            if name in rows and value not in rows[name][0]:
                rows[name] = (f"{rows[name][0]} or {value}", rows[name][1] or meaning)
            else:
                rows.setdefault(name, (value, meaning))

    for part in node.get("allOf", []) + node.get("oneOf", []):
        if "properties" in _resolved(part) or "allOf" in _resolved(part):
            merge(_fields(part, prefix))
    required = set(node.get("required", ()))
    for name, raw in node.get("properties", {}).items():
        value = _resolved(raw)
        path = f"{prefix}{name}"
        items = _resolved(value.get("items", {}))
        if "properties" in value or "allOf" in value:
            merge({path: ("object", _meaning(value, name in required))})
            merge(_fields(value, f"{path}."))
        elif value.get("type") == "array" and ("properties" in items or "allOf" in items):
            merge({path: ("list", _meaning(value, name in required))})
            merge(_fields(items, f"{path}[]."))
        else:
            merge({path: (_value_words(value), _meaning(value, name in required))})
    return rows


def _driver_body_text(body: DriverBody) -> list[str]:
    lines = [f"#### `{body.name}`", ""]
    uses = [f"Sent by {', '.join(body.sent_by)}"] if body.sent_by else []
    if body.answered_by:
        uses.append(f"answered by {', '.join(body.answered_by)}")
    if body.name == ERROR:
        uses = ["Answered by every refusal (400, 404, 409, 422)"]
    lines += ["; ".join(uses)[:1].upper() + "; ".join(uses)[1:] + ".", ""]
    rows = _fields(body.schema)
    if rows:
        lines += ["| field | value | meaning |", "|---|---|---|"]
        lines += [f"| `{name}` | {value} | {meaning} |" for name, (value, meaning) in rows.items()]
        lines.append("")
    return [*lines, *_block(JSON, body.example), ""]


def driver_body_texts() -> str:
    return "\n".join(line for body in driver_bodies() for line in _driver_body_text(body)).rstrip()


# --- writing them into the docs ----------------------------------------------------------

#: name -> (the file, what goes between its markers)
PARTS: dict[str, tuple[str, Callable[[], str]]] = {
    "events": ("scenarios.md", events_table),
    "gateways": ("gateways.md", gateway_bodies),
    "driver bodies": ("driver.md", driver_body_texts),
}


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- generated: {name}, by `{COMMAND}`; edit the source, not this -->",
        f"<!-- end of generated: {name} -->",
    )


def _rewritten(text: str, name: str, body: str) -> str:
    begin, end = _markers(name)
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"docs/{PARTS[name][0]} lacks the markers of the generated {name}")
    return f"{head}{begin}\n{body}\n{end}{rest.partition(end)[2]}"


def stale(name: str, docs: Path = DOCS) -> str | None:
    """Why docs/FILE's generated part `name` is not what its source gives, or None."""
    file, make = PARTS[name]
    text = (docs / file).read_text(encoding="utf-8")
    if _rewritten(text, name, make()) != text:
        return f"docs/{file}: the generated {name} are stale"
    return None


def write(docs: Path = DOCS) -> list[str]:
    """Rewrite every generated part; the files changed."""
    texts: dict[str, str] = {}
    for name, (file, make) in PARTS.items():  # every part first: a missing marker writes none
        text = texts.get(file) or (docs / file).read_text(encoding="utf-8")
        texts[file] = _rewritten(text, name, make())
    changed = []
    for file, new in texts.items():
        if (docs / file).read_text(encoding="utf-8") != new:
            (docs / file).write_text(new, encoding="utf-8")
            changed.append(f"docs/{file}")
    return changed


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        problems = [why for name in PARTS if (why := stale(name)) is not None]
        for problem in problems:
            print(f"{problem}; regenerate with: {COMMAND}", file=sys.stderr)
        return 1 if problems else 0
    if argv:
        print(f"usage: {COMMAND} [--check]", file=sys.stderr)
        return 2
    for path in write():
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
