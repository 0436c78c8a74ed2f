"""`billing-sim baseline record SCENARIO... --dir DIR` and `billing-sim baseline check --dir DIR`.
Check exits 0 when nothing moved, 1 on any drift, 2 when a baseline or its scenario is unusable."""

from __future__ import annotations

from pathlib import Path

import typer

from billing_engine.errors import BillingError
from simulator.baselines import runs
from simulator.baselines.drift import drift_lines
from simulator.baselines.store import BaselineError, baselines_in, write
from simulator.report.inputs import RunOutputsError
from simulator.scenario import ScenarioError
from simulator.scenario.bundled import resolve_scenario_path

app = typer.Typer(help="Regression baselines: record figures, check they did not move.")

DIR_OPTION = typer.Option(Path("baselines"), "--dir", help="Where the baseline files live.")


def _fail(message: str) -> None:
    typer.secho(message, fg="red", err=True)


@app.command("record")
def record_command(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files (or bundled names)."),
    directory: Path = DIR_OPTION,
    seed: list[int] = typer.Option([], help="Seed(s) to record (default: each scenario's)."),
) -> None:
    """Run each SCENARIO (per seed) and write its baseline file, NAME-seedN.json, to --dir."""
    from simulator.world import RunError

    failed = False
    for given in scenarios:
        path = resolve_scenario_path(given)
        chosen_seeds: list[int | None] = [*seed] or [None]
        for chosen in chosen_seeds:
            try:
                baseline, ok = runs.record(path, chosen)
            except ScenarioError as exc:
                for line in exc.problems:
                    _fail(line)
                failed = True
                break
            except (RunError, BillingError, RunOutputsError) as exc:
                _fail(f"{path}: run stopped: {exc}")
                failed = True
                break
            written = write(baseline, directory)
            typer.echo(f"recorded {written}: {len(baseline.figures)} figures")
            if not ok:
                _fail(f"{written}: note: an invariant failed in this run (see billing-sim run)")
    if failed:
        raise typer.Exit(2)


@app.command("check")
def check_command(directory: Path = DIR_OPTION) -> None:
    """Run every baseline's scenario again; print each figure that moved (account, month,
    figure, before -> after). Exit 1 on any drift, 2 when a baseline cannot be checked."""
    from simulator.world import RunError

    try:
        paths = baselines_in(directory)
    except BaselineError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    drifted = broken = 0
    for path in paths:
        try:
            recorded, drift = runs.check(path)
        except BaselineError as exc:
            _fail(str(exc))
            broken += 1
            continue
        except (RunError, BillingError, RunOutputsError) as exc:
            _fail(f"{path}: run stopped: {exc}")
            broken += 1
            continue
        name = f"{path} ({recorded.scenario}, seed {recorded.seed})"
        if drift.clean:
            typer.echo(f"ok {name}: {len(recorded.figures)} figures, event log unchanged")
            continue
        drifted += 1
        changed = ", event log changed" if drift.log_changed else ""
        typer.secho(
            f"DRIFT {name}: {len(drift.moves)} figure(s) moved{changed}", fg="red", bold=True
        )
        for line in drift_lines(drift):
            typer.echo(line)
    if drifted:
        typer.echo(
            f"{drifted} of {len(paths)} baseline(s) drifted; if intended, record again with "
            "`billing-sim baseline record SCENARIO... --dir " + f"{directory}`"
        )
    if broken:
        raise typer.Exit(2)
    if drifted:
        raise typer.Exit(1)
