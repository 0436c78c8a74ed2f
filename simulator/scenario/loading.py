"""Reading scenario YAML within bounds (size, depth, aliases), exactly (no float rounding), and
`load_scenario` / `parse_scenario`, which turn a file or text into a Scenario or a ScenarioError."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import ValidationError
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor

from simulator.scenario.errors import ScenarioError, capped, problem_lines, shown
from simulator.scenario.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    MAX_SHOWN_CHARS,
)
from simulator.scenario.schema import Scenario

#: tags a scenario has no use for; without a constructor they are refused
_UNUSED_TAGS = ("binary", "set", "omap", "pairs")


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers exact, reads only true/false as booleans (so country NO
    stays Norway), refuses duplicate keys, and refuses deep nesting and alias expansion beyond
    the limits while composing, before any Python object is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        #: nodes composed so far, every alias counted as the nodes it stands for
        self._nodes = 0
        #: nodes under each anchor, known once the anchored node is complete
        self._anchor_sizes: dict[str, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _refused(f"more than {MAX_ALIASES} aliases (*name) in one file", event)
            node = super().compose_node(parent, index)  # refuses an undefined alias
            size = self._anchor_sizes.get(cast(str, event.anchor))  # an alias names one
            if size is None:
                raise _refused(f"alias *{event.anchor} is inside the node it names", event)
            self._count(size, event)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _refused(f"nested more than {MAX_DEPTH} levels deep", event)
        before = self._nodes
        self._count(1, event)
        node = super().compose_node(parent, index)
        self._depth -= 1
        if event.anchor is not None:
            self._anchor_sizes[event.anchor] = self._nodes - before
        return node

    def _count(self, nodes: int, event: yaml.Event) -> None:
        self._nodes += nodes
        if self._nodes > MAX_NODES:
            raise _refused(
                f"more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?)", event
            )


def _refused(problem: str, event: yaml.Event) -> ComposerError:
    return ComposerError(None, None, problem, cast("yaml.error.Mark | None", event.start_mark))


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | str:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    if len(text) > MAX_NUMBER_CHARS:
        return text  # the field refuses it and names itself
    lowered = text.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        return Decimal("NaN") if "nan" in lowered else Decimal(lowered.replace(".inf", "Infinity"))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ConstructorError(
            None, None, f"cannot read {shown(text)} as an exact number", node.start_mark
        ) from None


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int | str:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    if len(text) > MAX_NUMBER_CHARS or ":" in text:
        # int() of thousands of digits is slow or refused by Python, and YAML 1.1 reads 1:30
        # as 90 (base 60), which no one means by a seed or a count: the field refuses the text
        return text  # type: ignore[return-value]
    return SafeConstructor.construct_yaml_int(loader, node)  # type: ignore[arg-type]


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except (ValueError, OverflowError, AttributeError):
        # 2026-02-30 or an explicit !!timestamp of junk: the field says what is wrong with it
        return loader.construct_scalar(node)  # type: ignore[arg-type]


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = key in result
        except TypeError:  # a list or mapping as a key (`? [a, b]`)
            raise ConstructorError(
                None, None, "a key must be a name, not a list or mapping", key_node.start_mark
            ) from None
        if seen:
            raise ConstructorError(None, None, f"duplicate key {shown(key)}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_ScenarioLoader.yaml_constructors = {
    tag: constructor
    for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
    if tag not in {f"tag:yaml.org,2002:{name}" for name in _UNUSED_TAGS}
}
_ScenarioLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(text: str, *, source: str = "<string>") -> Any:
    """Parse YAML the scenario way (exact numbers, bounded). Syntax errors become ScenarioError
    naming line and column; the offending line is not echoed (it might hold a card number)."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(source)])
    try:
        return yaml.load(text, Loader=_ScenarioLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ScenarioError([f"{where}: YAML: {_cut(exc.problem or exc.context)}"]) from None
    except yaml.reader.ReaderError as exc:  # a control character: the message spans lines
        problem = f"character {exc.position + 1}: YAML: {_cut(str(exc).splitlines()[0])}"
        raise ScenarioError([f"{source}: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{source}: YAML: {_cut(str(exc))}"]) from None


def _cut(text: str | None) -> str:
    """A YAML message may quote a tag or anchor of any length: keep the start."""
    text = text or "cannot be read"
    limit = 3 * MAX_SHOWN_CHARS
    return text if len(text) <= limit else text[:limit] + "..."


def _too_large(source: str) -> str:
    return (
        f"{source}: larger than {MAX_FILE_BYTES // 1024} KiB, the most a scenario file may be "
        "(use population: for many accounts)"
    )


def parse_scenario(
    text: str, *, source: str = "<string>", default_name: str | None = None
) -> Scenario:
    """Validate scenario YAML text; `source` names it in error messages."""
    data = read_yaml(text, source=source)
    if data is None:
        raise ScenarioError([f"{source}: empty: expected scenario fields (name, start, ...)"])
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: expected a mapping of scenario fields at the top level"])
    if default_name is not None and "name" not in data:
        data["name"] = default_name
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(capped(problem_lines(exc, source, Scenario), source)) from None
    # a file without accounts runs nothing (a Scenario built in code may start empty: the BDD
    # steps add accounts to the world as they go)
    if not scenario.accounts and scenario.population is None:
        raise ScenarioError([f"{source}: accounts: no accounts: give accounts: or population:"])
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; `name` defaults to the file's stem. Raises
    ScenarioError (one line per problem) for a missing, unreadable, too large or non-UTF-8
    file too."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            # a FIFO or a device (/dev/zero) could block or never end
            raise ScenarioError([f"{path}: not a regular file, expected a scenario YAML file"])
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, expected a scenario YAML file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(str(path))])
    try:
        text = data.decode("utf-8-sig")  # a leading byte-order mark is harmless
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"]
        ) from None
    return parse_scenario(text, source=str(path), default_name=path.stem)
