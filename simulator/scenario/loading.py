"""Reading scenario YAML: a SafeLoader that keeps numbers exact and refuses duplicate keys, and
`load_scenario` / `parse_scenario`, which turn a file or text into a Scenario or a ScenarioError."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.scenario.errors import ScenarioError, problem_lines
from simulator.scenario.schema import Scenario


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers exact, reads only true/false as booleans (so country NO
    stays Norway) and refuses duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    lowered = text.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        return Decimal("NaN") if "nan" in lowered else Decimal(lowered.replace(".inf", "Infinity"))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read {text!r} as an exact number", node.start_mark
        ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_ScenarioLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(text: str, *, source: str = "<string>") -> Any:
    """Parse YAML the scenario way (exact numbers). Syntax errors become ScenarioError naming
    line and column; the offending line is not echoed (it might hold a card number)."""
    try:
        return yaml.load(text, Loader=_ScenarioLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ScenarioError([f"{where}: YAML: {exc.problem or exc.context}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{source}: YAML: {exc}"]) from None


def parse_scenario(
    text: str, *, source: str = "<string>", default_name: str | None = None
) -> Scenario:
    """Validate scenario YAML text; `source` names it in error messages."""
    data = read_yaml(text, source=source)
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: expected a mapping of scenario fields at the top level"])
    if default_name is not None and "name" not in data:
        data["name"] = default_name
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(list(problem_lines(exc, source, Scenario))) from None
    # a file without accounts runs nothing (a Scenario built in code may start empty: the BDD
    # steps add accounts to the world as they go)
    if not scenario.accounts and scenario.population is None:
        raise ScenarioError([f"{source}: accounts: no accounts: give accounts: or population:"])
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; `name` defaults to the file's stem. Raises
    ScenarioError (one line per problem) for a missing or unreadable file too."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, expected a scenario YAML file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read: {exc}"]) from None
    return parse_scenario(text, source=str(path), default_name=path.stem)
