"""Bundled scenarios mutated by hypothesis (keys dropped or repeated, types swapped, extreme
numbers, odd strings, shifted times) end `validate` and a short `run` in exit 0, 1 or 2: never a
traceback, never a hang. Runs are clipped to three days, a few accounts, `transport direct`."""

from __future__ import annotations

import copy
import os
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.scenario import read_yaml

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = {path.stem: read_yaml(path.read_text()) for path in sorted(SCENARIOS.glob("*.yaml"))}
#: a clipped run lasts this long and keeps at most this many generated accounts
RUN_DAYS = 3
POPULATION_CLIP = 20
#: CI replays the same examples every time; locally hypothesis explores
IN_CI = bool(os.environ.get("CI"))

TYPE_SWAPS: list[Any] = [None, True, "text", 0, -1, [], {}, [1, 2], {"a": 1}, Decimal("1.5")]
EXTREME_NUMBERS: list[Any] = [
    0, -1, 1, 10**9, 10**9 + 1, 10**30, 2**63, -(2**63), Decimal("0.000001"),
    Decimal("1e-7"), Decimal("1e999999"), Decimal("-1e999999"), Decimal("NaN"),
    Decimal("Infinity"), Decimal("999999999.999999"), Decimal("0.1"),
]  # fmt: skip
ODD_STRINGS = [
    "", " ", "\t", "x" * 1000, "☃", "\x00", "../..", "4242 4242 4242 4242", "NO", "2026-02-30",
    "all", "default", "US", "\x1b[31m", "1e999999999", "１５０", "pass",
]  # fmt: skip


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as YAML floats with their exact text, as a person would type them."""


_Dumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)


def leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the tree (the root excluded), parents before children."""
    found: list[tuple[Any, ...]] = [path] if path else []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        found += leaf_paths(child, (*path, key))
    return found


def parent_of(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        tree = tree[key]
    return tree


def clip(tree: Any) -> Any:
    """The scenario cut to RUN_DAYS and POPULATION_CLIP accounts; what happened later is dropped
    (a payment method linked later too, which may leave an INDEX dangling: then exit 2)."""
    tree = copy.deepcopy(tree)
    if isinstance(tree.get("duration"), dict):
        tree["duration"] = {"days": RUN_DAYS}
    population = tree.get("population")
    if isinstance(population, dict) and isinstance(population.get("count"), int):
        population["count"] = min(population["count"], POPULATION_CLIP)
    start = tree.get("start")
    if not isinstance(start, datetime):
        return tree
    end = start + timedelta(days=RUN_DAYS)

    def before_end(entry: Any, key: str) -> bool:
        at = entry.get(key) if isinstance(entry, dict) else None
        return not (isinstance(at, datetime) and at >= end)

    if isinstance(tree.get("faults"), list):
        tree["faults"] = [fault for fault in tree["faults"] if before_end(fault, "from")]
    accounts = tree.get("accounts")
    for account in accounts if isinstance(accounts, list) else []:
        if not isinstance(account, dict):
            continue
        for name, key in (("payment_methods", "at"), ("actions", "at"), ("usage", "from")):
            if isinstance(account.get(name), list):
                account[name] = [entry for entry in account[name] if before_end(entry, key)]
    return tree


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> tuple[str, str]:
    """(YAML text as mutated, the same clipped to a short run)."""
    tree = copy.deepcopy(BUNDLED[draw(st.sampled_from(sorted(BUNDLED)))])
    suffix = ""
    for _ in range(draw(st.integers(1, 2))):
        paths = leaf_paths(tree)
        kind = draw(st.sampled_from(["drop", "repeat", "swap", "number", "string", "time"]))
        times = [path for path in paths if isinstance(parent_of(tree, path)[path[-1]], datetime)]
        path = draw(st.sampled_from(times if kind == "time" and times else paths))
        parent, key = parent_of(tree, path), path[-1]
        value = parent[key]
        if kind == "drop":
            del parent[key]
        elif kind == "repeat":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(value))
            else:  # a key written twice: only the text can say that
                suffix += f"{draw(st.sampled_from(sorted(tree)))}: ~\n"
        elif kind == "swap":
            parent[key] = draw(st.sampled_from(TYPE_SWAPS))
        elif kind == "number":
            parent[key] = draw(st.sampled_from(EXTREME_NUMBERS))
        elif kind == "string":
            parent[key] = draw(st.sampled_from(ODD_STRINGS))
        elif isinstance(value, datetime):
            # mostly near (part hours included: the run bills them pro rata), sometimes far
            seconds = draw(
                st.one_of(st.integers(-3 * 86400, 3 * 86400), st.integers(-(4 * 10**8), 4 * 10**8))
            )
            parent[key] = value + timedelta(seconds=seconds)
        else:
            parent[key] = draw(st.sampled_from([datetime(1969, 12, 31), datetime(9999, 12, 31)]))
    return (
        yaml.dump(tree, Dumper=_Dumper, allow_unicode=True) + suffix,
        yaml.dump(clip(tree), Dumper=_Dumper, allow_unicode=True) + suffix,
    )


def assert_ended_cleanly(result: Result, allowed: set[int]) -> None:
    assert result.exit_code in allowed, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@settings(
    max_examples=int(os.environ.get("MUTATION_EXAMPLES", "100")),
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(texts=mutated_scenarios())
def test_a_mutated_scenario_validates_and_runs_to_an_exit_status(
    texts: tuple[str, str], tmp_path_factory: Any
):
    whole, clipped = texts
    folder = tmp_path_factory.mktemp("mutant")
    (folder / "whole.yaml").write_text(whole, encoding="utf-8")
    (folder / "clipped.yaml").write_text(clipped, encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(cli.app, ["validate", str(folder / "whole.yaml")])
    assert_ended_cleanly(validated, {0, 2})
    run = ["run", str(folder / "clipped.yaml"), "--transport", "direct", "--quiet",
           "--workers", "1", "--out", str(folder / "out")]  # fmt: skip
    ran = runner.invoke(cli.app, run)
    assert_ended_cleanly(ran, {0, 1, 2})
    event(f"validate exit {validated.exit_code}, run exit {ran.exit_code}")
