"""Recording a baseline (run the scenario, keep its figures) and checking one (run again, compare),
over the `direct` transport: the fastest, its event log byte-identical to the others' (H-2); or
against a remote engine that speaks the driver protocol (its mocks then on real sockets)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from simulator.baselines.drift import Drift, compare
from simulator.baselines.figures import events_digest, run_figures
from simulator.baselines.store import Baseline, BaselineError, read
from simulator.report.inputs import load_run
from simulator.scenario import Scenario, ScenarioError, load_scenario

TRANSPORT = "direct"


def _source_name(path: Path) -> str:
    """The scenario file as a baseline names it: relative to the working directory if below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _run(scenario: Scenario, seed: int, engine_url: str | None) -> tuple[Baseline, bool]:
    """(the run's baseline, its invariants held); on the engine at `engine_url` if given."""
    from simulator import runner  # the world imports simpy, flask, httpx: only when running

    with tempfile.TemporaryDirectory(prefix="billing-sim-baseline-") as scratch:
        out = Path(scratch) / "run"
        result = runner.run_scenario(
            scenario, seed=seed, transport=TRANSPORT, out=out, engine_url=engine_url
        )
        outputs = load_run(out)
        baseline = Baseline(
            scenario=scenario.name,
            source="",
            seed=seed,
            events_sha256=events_digest(outputs.events_path),
            figures=run_figures(outputs),
        )
    return baseline, result.ok


def record(
    path: Path, seed: int | None = None, *, engine_url: str | None = None
) -> tuple[Baseline, bool]:
    """Run the scenario at `path` (its own seed unless given): (its baseline, invariants held).
    Raises ScenarioError for an invalid scenario."""
    scenario = load_scenario(path)
    baseline, ok = _run(scenario, scenario.seed if seed is None else seed, engine_url)
    return replace(baseline, source=_source_name(path)), ok


def _scenario_file(source: str, baseline_path: Path) -> Path:
    """The named file, from the working directory or else from beside the baseline directory
    (baselines/ sits at the top of the repository, beside scenarios/)."""
    given = Path(source)
    for candidate in (given, baseline_path.parent.parent / given):
        if candidate.is_file():
            return candidate
    raise BaselineError(f"{baseline_path}: its scenario {source} does not exist")


def check(baseline_path: Path, *, engine_url: str | None = None) -> tuple[Baseline, Drift]:
    """Run the baseline's scenario again (on the engine at `engine_url` if given) and compare.
    Raises BaselineError when the baseline or its scenario cannot be used."""
    recorded = read(baseline_path)
    try:
        scenario = load_scenario(_scenario_file(recorded.source, baseline_path))
    except ScenarioError as exc:
        problems = "; ".join(exc.problems)
        raise BaselineError(f"{baseline_path}: its scenario is invalid: {problems}") from None
    fresh, _ = _run(scenario, recorded.seed, engine_url)
    return recorded, compare(recorded, fresh.figures, fresh.events_sha256)
