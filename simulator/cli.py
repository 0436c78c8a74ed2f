"""The `billing-sim` command line: run, validate and list scenarios, serve the mock gateways.
Exit status: 0 all well, 1 an invariant failed, 2 bad input (scenario, file, option, output
folder), 3 an internal error during a run (or the engine under test failed a call), 130
interrupted."""

# ruff: noqa: E402 (the imports come after the Ctrl-C handler, on purpose)
from __future__ import annotations

# First, before the half second of imports below: Ctrl-C meanwhile ends the command with one
# line and exit 130, not a traceback of whichever import it cut short (nothing has started).
import signal
import sys
import threading


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write("interrupted while starting: nothing was done\n")
    raise SystemExit(130)


_STARTING = threading.current_thread() is threading.main_thread()  # signals go to it only
_HANDLER = signal.signal(signal.SIGINT, _interrupted_while_starting) if _STARTING else None

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulator.baselines.command import app as baseline_app
from simulator.card_text import masked
from simulator.conformance import rules_command, steps_command
from simulator.differential.command import diff as diff_command
from simulator.differential.runs import compare as compare_command
from simulator.driver.command import serve as serve_command
from simulator.internal_error import debug_wanted, internal_error_lines, reproducing_command
from simulator.report.command import report as report_command
from simulator.scenario import Scenario, ScenarioError, load_scenario
from simulator.scenario.bundled import SCENARIOS_DIR, resolve_scenario_path
from simulator.scenario.limits import MAX_SEED
from simulator.sweep.command import sweep as sweep_command
from simulator.terminal import err_console, out_console, print_summary
from simulator.workers import MIN_ACCOUNTS_PER_WORKER

if _HANDLER is not None:  # loaded: a run's own handling of Ctrl-C takes over
    signal.signal(signal.SIGINT, _HANDLER)

app = typer.Typer(
    help="Simulate and conformance-test pay-as-you-go cloud billing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
gateways_app = typer.Typer(
    help="The mock card, 3D Secure and PayPal gateways.", no_args_is_help=True
)
app.add_typer(gateways_app, name="gateways")
app.add_typer(baseline_app, name="baseline")
app.command("report")(report_command)
app.command("rules")(rules_command)
app.command("steps")(steps_command)
app.command("sweep")(sweep_command)
app.command("serve")(serve_command)
app.command("diff")(diff_command)
app.command("compare")(compare_command)

#: a run expected to take longer than this gets a progress bar
PROGRESS_AFTER_SECONDS = 2.0


class Transport(StrEnum):
    direct = "direct"
    wsgi = "wsgi"
    http = "http"


def _load_or_exit(path: Path) -> Scenario:
    try:
        return load_scenario(resolve_scenario_path(path))
    except ScenarioError as exc:
        _problems(exc)
        raise typer.Exit(2) from None


def _problems(exc: ScenarioError) -> None:
    """One line per problem on stderr, unwrapped so each line names file and field."""
    for line in exc.problems:
        typer.secho(line, fg="red", err=True)


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[float], None] | None]:
    """A progress callback that shows a bar only once the run looks longer than
    PROGRESS_AFTER_SECONDS (projected from the fraction done so far)."""
    if not enabled:
        yield None
        return
    began = time.monotonic()
    progress = Progress(
        TextColumn("simulating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=err_console, transient=True,
    )  # fmt: skip
    task: list[TaskID] = []

    def report(done: float) -> None:
        elapsed = time.monotonic() - began
        projected = elapsed / max(done, 1e-9)
        if not task and done < 1 and elapsed > 0.2 and projected > PROGRESS_AFTER_SECONDS:
            progress.start()
            task.append(progress.add_task("run", total=1.0))
        if task:
            progress.update(task[0], completed=done)

    try:
        yield report
    finally:
        if task:
            progress.stop()


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file, or a bundled scenario's name."),
    seed: int | None = typer.Option(
        None, min=0, max=MAX_SEED, help="Seed (default: the scenario's)."
    ),
    out: Path | None = typer.Option(None, help="Output directory (default: out/SCENARIO-NAME)."),
    transport: Transport = typer.Option(
        Transport.wsgi, help="How the engine reaches the gateways."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary table."),
    workers: int | None = typer.Option(
        None,
        min=1,
        help="Processes that share the accounts (default: one per CPU, for runs of at least "
        f"{MIN_ACCOUNTS_PER_WORKER} accounts per process). The outputs are the same byte for "
        "byte whatever the number.",
    ),
    cluster: str | None = typer.Option(
        None,
        metavar="ADDRESS",
        help="Run the shares as tasks on the Dask scheduler at ADDRESS (tcp://HOST:8786), one "
        "share per worker thread by default (or --workers). The same outputs as a local run.",
    ),
    engine_url: str | None = typer.Option(
        None,
        "--engine-url",
        metavar="URL",
        help="Drive the billing engine that speaks the driver protocol at URL (docs/driver.md) "
        "instead of the reference engine in process; the mocks serve on real sockets.",
    ),
    debug: bool = typer.Option(
        False, "--debug", help="On an internal error, print the traceback too."
    ),
) -> None:
    """Run SCENARIO: write events.jsonl, summary.json and report.html to --out (replaced whole
    once the run is complete), print a summary. Exit 0 when every invariant held, 1 when one
    failed, 2 when the scenario (or --out) is unusable, 3 on an internal error or when the
    engine at --engine-url cannot be reached or fails a call (says which, and whether it does
    not offer a feature)."""
    if engine_url is not None and (cluster is not None or (workers or 1) > 1):
        raise typer.BadParameter(
            "a remote engine is driven from one process", param_hint="--engine-url"
        )
    loaded = _load_or_exit(scenario)
    out_dir = out if out is not None else Path("out") / masked(loaded.name)
    from simulator import runner  # the world imports simpy, flask, httpx: only when running
    from simulator.cluster import ClusterUnreachable
    from simulator.driver.client import RemoteEngineError, failure_text
    from simulator.driver.connections import EngineUnreachable
    from simulator.run_folder import OutputFolderError

    try:
        with _progress_bar(not quiet) as progress:
            result = runner.run_scenario(
                loaded,
                seed=seed,
                transport=transport.value,
                out=out_dir,
                progress=progress,
                workers=workers,
                cluster=cluster,
                engine_url=engine_url,
            )
    except (OutputFolderError, ClusterUnreachable) as exc:  # refused before the run started
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.secho(f"interrupted: {out_dir} left as it was", fg="red", err=True)
        raise typer.Exit(130) from None
    except EngineUnreachable as dead:  # probed before the run: one line, no rule blamed
        typer.secho(str(dead), fg="red", err=True)
        raise typer.Exit(3) from None
    except RemoteEngineError as broke:  # the engine under test's fault, not ours: no traceback
        typer.secho(failure_text(str(engine_url), broke), fg="red", err=True)
        raise typer.Exit(3) from None
    except Exception as exc:  # anything escaping a started run is ours to fix
        used = loaded.seed if seed is None else seed
        command = reproducing_command(
            scenario, used, transport.value, Transport.wsgi.value, workers
        )
        for line in internal_error_lines(exc, scenario, used, command, debug_wanted(debug)):
            typer.secho(line, fg="red", err=True)
        raise typer.Exit(3) from None
    where = _outputs_shown(out_dir, result.events_path)
    if where != out_dir:  # OUT gained files no run wrote while this one went: it was kept
        typer.secho(
            f"{out_dir} gained files no run wrote during the run and was left as it was; "
            f"this run's outputs are in {where}/",
            fg="yellow",
            err=True,
        )
    if not quiet:
        print_summary(result.summary, out_console)
        typer.echo(f"outputs in {where}/")
    if not result.ok:
        failed = [i for i in result.summary.get("invariants", []) if not i.get("ok")]
        for invariant in failed:
            name, detail = invariant.get("name"), invariant.get("detail", "")
            typer.secho(f"invariant failed: {name}: {detail}", fg="red", bold=True, err=True)
        raise typer.Exit(1)


def _outputs_shown(out_dir: Path, events_path: Path | None) -> Path:
    """Where the run's outputs are, as the user typed OUT: OUT itself, or the sibling the run
    was left in (relative to here when OUT was typed relative)."""
    if events_path is None or events_path.parent.name == Path(os.path.abspath(out_dir)).name:
        return out_dir
    beside = events_path.parent
    return beside if out_dir.is_absolute() else Path(os.path.relpath(beside))


@app.command()
def validate(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files (or bundled names)."),
) -> None:
    """Check SCENARIO files; exit 2 if any is invalid. Problems go one a line."""
    invalid = 0
    for path in scenarios:
        resolved = resolve_scenario_path(path)
        try:
            loaded = load_scenario(resolved)
        except ScenarioError as exc:
            invalid += 1
            _problems(exc)
            continue
        typer.echo(f"ok {resolved}: {_shape(loaded)}")
    if invalid:
        raise typer.Exit(2)


def _shape(scenario: Scenario) -> str:
    accounts = len(scenario.accounts) + (scenario.population.count if scenario.population else 0)
    days = (scenario.end - scenario.start).days
    name = masked(scenario.name)  # H-4, as everywhere a scenario's free text is shown
    return f"{name}, {accounts} account(s), {days} days from {scenario.start:%Y-%m-%d}"


@app.command("scenarios")
def list_scenarios(
    directory: Path = typer.Option(SCENARIOS_DIR, "--dir", help="Where to look."),
) -> None:
    """List the bundled scenarios with their one-line descriptions."""
    table = Table(show_header=True, box=None)
    table.add_column("scenario", style="bold")
    table.add_column("description")
    for path in sorted(directory.glob("*.yaml")):
        try:
            description = load_scenario(path).description
        except ScenarioError as exc:
            description = f"[red]invalid: {len(exc.problems)} problem(s); run validate[/red]"
        table.add_row(path.stem, masked(description))
    out_console.print(table)


@gateways_app.command("serve")
def gateways_serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    card_port: int = typer.Option(0, help="Card processor port (0: a free one)."),
    threeds_port: int = typer.Option(0, help="3D Secure server port (0: a free one)."),
    paypal_port: int = typer.Option(0, help="PayPal port (0: a free one)."),
    seed: int = typer.Option(
        0, min=0, max=MAX_SEED, help="The gateways' seed (hold release days, fault draws)."
    ),
    paypal_client: str | None = typer.Option(
        None,
        metavar="ID:SECRET",
        help="Accept only this PayPal client id and secret (default: any pair).",
    ),
) -> None:
    """Run the three mock gateways as real servers, print their URLs and the PayPal
    credentials they take, stop on Ctrl-C."""
    from functools import partial

    from mock_gateways.serve import parse_client, serve  # Flask and waitress only when serving

    run = partial(serve)
    if paypal_client is not None:  # by default the mock PayPal takes any client
        try:
            run = partial(serve, paypal_client=parse_client(paypal_client))
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--paypal-client") from None
    run(
        host=host,
        card_port=card_port,
        threeds_port=threeds_port,
        paypal_port=paypal_port,
        seed=seed,
    )


@app.callback()
def main() -> None:
    """billing-sim: a billing engine under a simulated clock against mock payment gateways."""
