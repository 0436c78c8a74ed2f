"""A Scenario back to plain data and to YAML that `load_scenario` reads as the same scenario
(amounts as decimal strings, times as UTC `Z` strings): for shrunk and fault-scaled scenarios."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.scenario import Scenario, ScenarioError


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the YAML file's data, defaults left out."""
    return _plain(scenario.model_dump(by_alias=True, exclude_defaults=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)  # a decimal string: read back exactly (never a float)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def scenario_from_data(data: dict[str, Any]) -> Scenario | None:
    """The scenario `data` describes, or None when it is not a valid one."""
    try:
        return Scenario.model_validate(data)
    except (ValidationError, ScenarioError, ValueError):
        return None


def scenario_yaml(scenario: Scenario, header: str = "") -> str:
    """YAML text of the scenario, after `header` lines turned into comments."""
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.safe_dump(scenario_data(scenario), sort_keys=False, allow_unicode=True, width=100)
    return comments + body
