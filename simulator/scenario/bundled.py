"""The bundled scenarios (`scenarios/*.yaml` at the top of the repository) and how a name given
on the command line (`quickstart`) finds one. The commands that take scenarios (run, validate,
baseline, sweep) share it, so none of them imports another."""

from __future__ import annotations

from pathlib import Path

#: the bundled scenarios live at the top of the repository, beside the packages
SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def resolve_scenario_path(given: Path) -> Path:
    """A path as given, or the name of a bundled scenario (`quickstart`)."""
    if given.exists() or given.suffix or len(given.parts) > 1:
        return given
    bundled = SCENARIOS_DIR / f"{given}.yaml"
    return bundled if bundled.exists() else given
