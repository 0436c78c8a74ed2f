"""`billing-sim baseline record SCENARIO... --dir DIR` and `billing-sim baseline check --dir DIR`.
Check exits 0 when nothing moved, 1 on any drift, 2 when a baseline or its scenario is unusable,
3 when the engine at --engine-url cannot be reached or fails a call."""

from __future__ import annotations

from pathlib import Path

import typer

from billing_engine.errors import BillingError
from simulator.baselines import runs
from simulator.baselines.drift import drift_lines
from simulator.baselines.store import BaselineError, baselines_in, write
from simulator.driver.served_suite import ENGINE_URL_ENV
from simulator.report.inputs import RunOutputsError
from simulator.scenario import ScenarioError
from simulator.scenario.bundled import resolve_scenario_path

app = typer.Typer(help="Regression baselines: record figures, check they did not move.")

DIR_OPTION = typer.Option(Path("baselines"), "--dir", help="Where the baseline files live.")
ENGINE_URL_OPTION = typer.Option(
    None,
    "--engine-url",
    envvar=ENGINE_URL_ENV,
    metavar="URL",
    help="Run each scenario on the billing engine that speaks the driver protocol at URL "
    "(docs/driver.md) instead of the reference engine in process; nothing answering there is "
    "exit 3.",
)
#: `run`'s exit when the engine under test cannot be reached or fails a call
ENGINE_FAILED = 3


def _fail(message: str) -> None:
    typer.secho(message, fg="red", err=True)


def _reach(engine_url: str | None) -> None:
    """Say which engine the runs are on; with none answering at `engine_url`, one line and
    exit 3 before any run."""
    if engine_url is None:
        return
    from simulator.driver.connections import EngineUnreachable, probe

    try:
        probe(engine_url)
    except EngineUnreachable as dead:
        _fail(str(dead))
        raise typer.Exit(ENGINE_FAILED) from None
    typer.echo(f"running on the engine at {engine_url}")


@app.command("record")
def record_command(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files (or bundled names)."),
    directory: Path = DIR_OPTION,
    seed: list[int] = typer.Option([], help="Seed(s) to record (default: each scenario's)."),
    engine_url: str | None = ENGINE_URL_OPTION,
) -> None:
    """Run each SCENARIO (per seed) and write its baseline file, NAME-seedN.json, to --dir.
    Exit 2 when a scenario is invalid or its run stopped, 3 when the engine at --engine-url
    cannot be reached or fails a call (not offering what the scenario uses included)."""
    from simulator.driver.client import RemoteEngineError, failure_text
    from simulator.driver.connections import EngineUnreachable
    from simulator.world import RunError

    _reach(engine_url)
    failed = engine_failed = False
    for given in scenarios:
        path = resolve_scenario_path(given)
        chosen_seeds: list[int | None] = [*seed] or [None]
        for chosen in chosen_seeds:
            try:
                fresh = runs.record(path, chosen, engine_url=engine_url)
            except ScenarioError as exc:
                for line in exc.problems:
                    _fail(line)
                failed = True
                break
            except (RunError, BillingError, RunOutputsError) as exc:
                _fail(f"{path}: run stopped: {exc}")
                failed = True
                break
            except EngineUnreachable as dead:  # the engine went away: the rest would fail alike
                _fail(str(dead))
                raise typer.Exit(ENGINE_FAILED) from None
            except RemoteEngineError as broke:
                _fail(f"{path}: not recorded: {failure_text(str(engine_url), broke)}")
                engine_failed = True
                break
            written = write(fresh.baseline, directory, fresh.events)
            typer.echo(f"recorded {written}: {len(fresh.baseline.figures)} figures")
            if not fresh.ok:
                _fail(f"{written}: note: an invariant failed in this run (see billing-sim run)")
    if failed:
        raise typer.Exit(2)
    if engine_failed:
        raise typer.Exit(ENGINE_FAILED)


@app.command("check")
def check_command(directory: Path = DIR_OPTION, engine_url: str | None = ENGINE_URL_OPTION) -> None:
    """Run every baseline's scenario again; print each figure that moved (account, month,
    figure, before -> after). Exit 1 on any drift, 2 when a baseline cannot be checked, 3 when
    the engine at --engine-url cannot be reached or fails a call. A baseline whose scenario
    uses an optional feature that engine does not offer (501 NotOffered) is skipped and
    counted, as the feature suite skips such scenarios."""
    from simulator.driver.client import NotOffered, RemoteEngineError, failure_text
    from simulator.driver.connections import EngineUnreachable
    from simulator.world import RunError

    try:
        paths = baselines_in(directory)
    except BaselineError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    _reach(engine_url)
    drifted = broken = engine_failed = skipped = 0
    for path in paths:
        try:
            recorded, drift = runs.check(path, engine_url=engine_url)
        except BaselineError as exc:
            _fail(str(exc))
            broken += 1
            continue
        except (RunError, BillingError, RunOutputsError) as exc:
            _fail(f"{path}: run stopped: {exc}")
            broken += 1
            continue
        except EngineUnreachable as dead:  # the engine went away: the rest would fail alike
            _fail(str(dead))
            raise typer.Exit(ENGINE_FAILED) from None
        except NotOffered as refused:
            typer.echo(f"skipped {path}: {failure_text(str(engine_url), refused)}")
            skipped += 1
            continue
        except RemoteEngineError as broke:
            _fail(f"{path}: {failure_text(str(engine_url), broke)}")
            engine_failed += 1
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
    if skipped:
        typer.echo(
            f"{skipped} of {len(paths)} baseline(s) skipped: their scenarios use what the engine "
            "does not offer"
        )
    if drifted:
        typer.echo(
            f"{drifted} of {len(paths)} baseline(s) drifted; if intended, record again with "
            "`billing-sim baseline record SCENARIO... --dir " + f"{directory}`"
        )
    for count, status in ((broken, 2), (engine_failed, ENGINE_FAILED), (drifted, 1)):
        if count:
            raise typer.Exit(status)
