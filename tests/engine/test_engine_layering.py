"""The engine's shape: domain modules never import the service layer, the engine never imports
SimPy, Flask, the simulator or the mocks, reads time only from its Clock (H-1) and has no
randomness (H-2)."""

from __future__ import annotations

import ast
from pathlib import Path

import billing_engine

PACKAGE = Path(billing_engine.__file__).parent
DOMAIN = {
    "account", "accrual", "card_validation", "deduction", "ledger", "link_registry", "months",
    "outcomes", "payment_methods", "plan", "preauth", "repayment", "unknown_payment",
}  # fmt: skip
SERVICE = {
    "bootstrap", "challenges", "charging", "collection", "context", "lifecycle", "linking",
    "payments",
    "plan_orders", "reconciliation", "service", "verification",
}  # fmt: skip
FOREIGN = ("simpy", "flask", "simulator", "mock_gateways", "random", "httpx")
WALL_CLOCK = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "monotonic"),
}  # fmt: skip


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_engine_module_is_classified() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    shared = {"errors", "events", "money", "policy", "ports"}
    assert modules == DOMAIN | SERVICE | shared


def test_domain_never_imports_the_service_layer() -> None:
    for module in DOMAIN:
        service_imports = {name for name in imports_of(module) if name.split(".")[-1] in SERVICE}
        assert not service_imports, f"{module} imports {service_imports}"


def wall_clock_reads(module: str) -> list[str]:
    """Calls such as datetime.now(), date.today() or time.time() in a module."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in WALL_CLOCK:
                found.append(f"{owner.id}.{node.func.attr}()")
    return found


def test_h1_h2_engine_reads_time_from_its_clock_and_has_no_randomness() -> None:
    """H-1: time only from the Clock port; H-2: nothing random; and no foreign layers."""
    for path in PACKAGE.glob("*.py"):
        assert wall_clock_reads(path.stem) == [], path.name
        for name in imports_of(path.stem):
            assert not name.startswith(FOREIGN), f"{path.name} imports {name}"
