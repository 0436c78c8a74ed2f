"""The engine's shape: the domain (`domain/`) never imports the use cases (`use_cases/`), the
facade, the composition root or the adapters; the engine never imports SimPy, Flask, the
simulator or the mocks, reads time only from its Clock (H-1) and has no randomness (H-2).
Subfolders included. import-linter checks the same layers in `make lint`."""

from __future__ import annotations

import ast
from pathlib import Path

import billing_engine

PACKAGE = Path(billing_engine.__file__).parent
#: the top level: the facade, the composition root, the ports and the vocabulary callers import
TOP = {"__init__", "bootstrap", "errors", "events", "event_types", "money", "policy", "ports",
       "service"}  # fmt: skip
FOLDERS = {"domain", "use_cases", "adapters"}
ABOVE_DOMAIN = (
    "billing_engine.use_cases", "billing_engine.service", "billing_engine.bootstrap",
    "billing_engine.adapters",
)  # fmt: skip
FOREIGN = ("simpy", "flask", "simulator", "mock_gateways", "random", "httpx")
WALL_CLOCK = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "monotonic"),
}  # fmt: skip


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    return ".".join(("billing_engine", *path.relative_to(PACKAGE).with_suffix("").parts))


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, absolute (`from billing_engine.domain import months` gives
    billing_engine.domain.months)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_engine_module_has_its_place() -> None:
    for path in modules():
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:
            assert path.stem in TOP, f"{path.name} is neither a known top-level module nor filed"
        else:
            assert parts[0] in FOLDERS and len(parts) == 2, path


def test_domain_never_imports_the_layers_above_it() -> None:
    for path in (PACKAGE / "domain").rglob("*.py"):
        above = {name for name in imports_of(path) if name.startswith(ABOVE_DOMAIN)}
        assert not above, f"{name_of(path)} imports {above}"


def wall_clock_reads(path: Path) -> list[str]:
    """Calls such as datetime.now(), date.today() or time.time() in a module."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in WALL_CLOCK:
                found.append(f"{owner.id}.{node.func.attr}()")
    return found


def test_h1_h2_engine_reads_time_from_its_clock_and_has_no_randomness() -> None:
    """H-1: time only from the Clock port; H-2: nothing random; and no foreign layers. The
    httpx adapters may use httpx; nothing else may."""
    for path in modules():
        assert wall_clock_reads(path) == [], name_of(path)
        foreign = FOREIGN[:-1] if path.parent.name == "adapters" else FOREIGN
        for name in imports_of(path):
            assert not name.startswith(foreign), f"{name_of(path)} imports {name}"
