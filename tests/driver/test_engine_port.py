"""The `Engine` port is exactly what the harness asks of the engine: every method the simulator
and the step definitions call on an engine is in it, and the reference engine has all of it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from billing_engine.service import BillingEngine
from simulator.engine_port import Engine

ROOT = Path(__file__).resolve().parents[2]
#: `engine.NAME(` or `engine.NAME.` on a name that holds an engine (not `billing_engine.x`)
CALL = re.compile(r"(?<![\w.])(?:world\.engine|self\.engine|billing\.engine|engine)\.(\w+)")


def port_methods() -> set[str]:
    return {name for name in vars(Engine) if not name.startswith("_")}


def test_the_harness_calls_only_the_port() -> None:
    called: dict[str, set[str]] = {}
    for folder in ("simulator", "tests/bdd"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(ROOT / "simulator" / "driver"):
                continue  # the driver's server holds the reference engine itself
            for name in CALL.findall(path.read_text(encoding="utf-8")):
                called.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    outside = {name: files for name, files in called.items() if name not in port_methods()}
    # the meters feed the in-process engine through metering.MeteredEngine, not the port
    outside.pop("record_hours", None)
    outside.pop("hours_until_threshold", None)
    assert not outside, f"called on the engine but not in the Engine port: {outside}"


def test_the_reference_engine_has_every_port_method_with_its_parameters() -> None:
    for name in port_methods():
        port = inspect.signature(getattr(Engine, name))
        reference = inspect.signature(getattr(BillingEngine, name))
        assert list(port.parameters) == list(reference.parameters), name
