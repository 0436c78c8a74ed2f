"""Recording a baseline (run the scenario, keep its figures) and checking one (run again, compare),
over the `direct` transport: the fastest, its event log byte-identical to the others' (H-2); or
against a remote engine that speaks the driver protocol (its mocks then on real sockets)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from simulator.baselines.drift import Drift, compare
from simulator.baselines.figures import events_digest, run_figures
from simulator.baselines.store import Baseline, BaselineError, read, read_events
from simulator.differential.compare import compare_events
from simulator.report.inputs import load_run
from simulator.scenario import Scenario, ScenarioError, load_scenario

TRANSPORT = "direct"


def _source_name(path: Path) -> str:
    """The scenario file as a baseline names it: relative to the working directory if below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


@dataclass(frozen=True)
class Fresh:
    """A run made for a baseline: its baseline, its event lines after the run header (what
    the digest covers), and whether its invariants held."""

    baseline: Baseline
    events: bytes
    ok: bool


def _run(scenario: Scenario, seed: int, engine_url: str | None) -> Fresh:
    """The run, on the engine at `engine_url` if given."""
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
        with outputs.events_path.open("rb") as handle:
            handle.readline()  # the run's header, which events_digest leaves out too
            events = handle.read()
    return Fresh(baseline, events, result.ok)


def record(path: Path, seed: int | None = None, *, engine_url: str | None = None) -> Fresh:
    """Run the scenario at `path` (its own seed unless given) for its baseline. Raises
    ScenarioError for an invalid scenario."""
    scenario = load_scenario(path)
    fresh = _run(scenario, scenario.seed if seed is None else seed, engine_url)
    return replace(fresh, baseline=replace(fresh.baseline, source=_source_name(path)))


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
    fresh = _run(scenario, recorded.seed, engine_url)
    drift = compare(recorded, fresh.baseline.figures, fresh.baseline.events_sha256)
    if not drift.log_changed:
        return recorded, drift
    try:
        kept = read_events(baseline_path, recorded)
    except BaselineError as unusable:  # the figures are still worth telling
        return recorded, replace(drift, events_note=str(unusable))
    if kept is None:
        note = f"{baseline_path} keeps no event log: record it again to see the first event"
        return recorded, replace(drift, events_note=note)
    now = [json.loads(line) for line in fresh.events.decode("utf-8").splitlines() if line]
    return recorded, replace(drift, events=compare_events(kept, now))
