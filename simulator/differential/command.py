"""`billing-sim diff SCENARIO --engine-url URL`: run SCENARIO on the reference engine in
process and on the engine at URL; print the first divergence and a per-rule agreement table;
exit 0 when they agree, 1 on any divergence, 2 when the scenario is unusable, 3 when nothing
answers at URL (probed before either run) or a run stopped on an internal error (as run says
it, with the command that reproduces it)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer
from rich.table import Table

from simulator.differential.compare import Comparison, divergence_lines
from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.bundled import resolve_scenario_path
from simulator.terminal import out_console


def diff(
    scenario: Path = typer.Argument(..., help="Scenario YAML file, or a bundled scenario's name."),
    engine_url: str = typer.Option(..., "--engine-url", metavar="URL", help="The engine to judge."),
    seed: int | None = typer.Option(None, min=0, help="Seed (default: the scenario's)."),
    out: Path | None = typer.Option(
        None, help="Keep both runs' outputs here (OUT/reference, OUT/remote)."
    ),
) -> None:
    """Run SCENARIO on the reference engine and on the engine at URL; report the first
    divergence (simulated time, account, expected and seen) and which rules agree. Exit 1 on
    a divergence (the engine failing a call included), 3 when nothing answers at URL or a run
    stopped on an internal error."""
    try:
        loaded = load_scenario(resolve_scenario_path(scenario))
    except ScenarioError as exc:
        for line in exc.problems:
            typer.secho(line, fg="red", err=True)
        raise typer.Exit(2) from None
    from simulator.differential.compare import compare_events, compare_figures, read_events
    from simulator.driver.client import RemoteEngineError, failure_text
    from simulator.driver.connections import EngineUnreachable, probe
    from simulator.internal_error import debug_wanted, internal_error_lines, reproducing_command
    from simulator.run_folder import OutputFolderError
    from simulator.runner import run_scenario  # simpy, flask, httpx: only when running

    with tempfile.TemporaryDirectory(prefix="billing-sim-diff-") as scratch:
        folder = out or Path(scratch)
        try:
            probe(engine_url)  # before the reference run: a dead engine is told at once
            # where each run's outputs went: beside its folder if that gained files meanwhile
            reference = run_scenario(loaded, seed=seed, out=folder / "reference").events_path
            remote = run_scenario(
                loaded, seed=seed, out=folder / "remote", engine_url=engine_url
            ).events_path
            assert reference is not None and remote is not None  # both were given an out
        except EngineUnreachable as dead:  # one line, no rule blamed
            typer.secho(str(dead), fg="red", err=True)
            raise typer.Exit(3) from None
        except OutputFolderError as refused:  # --out holds files no run wrote
            typer.secho(str(refused), fg="red", err=True)
            raise typer.Exit(2) from None
        except RemoteEngineError as broke:  # the engine under test failed: that diverges too
            typer.secho(failure_text(engine_url, broke), fg="red", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:  # ours to fix, as run says it: no traceback, exit 3
            used = loaded.seed if seed is None else seed
            command = reproducing_command(scenario, used, "wsgi", "wsgi", None)
            for line in internal_error_lines(exc, scenario, used, command, debug_wanted(False)):
                typer.secho(line, fg="red", err=True)
            raise typer.Exit(3) from None
        comparison = compare_events(read_events(reference), read_events(remote))
        compare_figures(
            comparison,
            json.loads(reference.with_name("summary.json").read_text(encoding="utf-8")),
            json.loads(remote.with_name("summary.json").read_text(encoding="utf-8")),
        )
    if comparison.first() is None:
        typer.echo(f"{engine_url} agrees with the reference engine on {loaded.name}")
    for line in divergence_lines(comparison, "expected", "seen"):
        typer.echo(line)
    print_rule_table(comparison, "reference events")
    if not comparison.agrees:
        raise typer.Exit(1)


def print_rule_table(comparison: Comparison, events_header: str) -> None:
    """Per rule either run touched: the first run's events bearing witness to it, the accounts
    diverging on it, and the verdict."""
    table = Table("rule", events_header, "accounts diverging", "verdict", box=None)
    for rule, events, diverging in comparison.table():
        table.add_row(rule, str(events), str(diverging), "DIVERGES" if diverging else "agrees")
    out_console.print(table)
