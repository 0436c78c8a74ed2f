"""`billing-sim sweep SCENARIO... --seeds A..B`: the command line of a sweep, its table and its
files. Exit 0 every run passed, 1 a run failed (invariant or error), 2 bad arguments, 3 nothing
answers at --engine-url."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulator.driver.served_suite import ENGINE_URL_ENV
from simulator.scenario import Scenario, ScenarioError, load_scenario
from simulator.scenario.bundled import resolve_scenario_path
from simulator.sweep.plan import (
    Batch,
    parse_fault_rates,
    parse_seeds,
    plan_batches,
    scaled_faults,
)
from simulator.sweep.records import (
    PASSED,
    SWEEP_FILE,
    Record,
    failures,
    sort_key,
    tally,
    write_sweep_json,
)
from simulator.sweep.scenario_file import scenario_yaml
from simulator.terminal import err_console, out_console

#: the transport `billing-sim run` takes when none is given: left out of reproduce commands
RUN_DEFAULT_TRANSPORT = "wsgi"


def sweep(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files (or bundled names)."),
    seeds: str = typer.Option(..., help="Seeds to run, A..B (both included) or one N."),
    transport: str = typer.Option("direct", help="direct | wsgi | http (logs are identical)."),
    fault_rates: str | None = typer.Option(
        None, help="R,R,...: run each scenario with every fault's rate times R (capped at 1)."
    ),
    cluster: str | None = typer.Option(
        None, help="A running Dask scheduler, tcp://HOST:8786 (default: a LocalCluster here)."
    ),
    out: Path = typer.Option(Path("out/sweep"), help="Where sweep.json and sweep.html go."),
    shrink: bool = typer.Option(
        False, "--shrink", help="Reduce each failing run's scenario; write the smallest found."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no table."),
    engine_url: str | None = typer.Option(
        None,
        "--engine-url",
        envvar=ENGINE_URL_ENV,
        metavar="URL",
        help="Run on the billing engine that speaks the driver protocol at URL (docs/driver.md) "
        "instead of the reference engine. That engine serves one run at a time, so the runs go "
        "one after another in this process, not on Dask workers (no --cluster), over http; "
        "nothing answering there is exit 3.",
    ),
) -> None:
    """Run every SCENARIO with every seed as batched Dask tasks (with --engine-url: one after
    another here, on that engine); write sweep.json and sweep.html. Exit 1 when any run
    failed, 2 on bad arguments or an invalid scenario, 3 when the engine at --engine-url
    cannot be reached."""
    from simulator.driver.connections import EngineUnreachable, probe
    from simulator.runner import TRANSPORTS
    from simulator.sweep.page import write_page

    try:
        seed_range, rates = parse_seeds(seeds), parse_fault_rates(fault_rates)
        if transport not in TRANSPORTS:
            raise ValueError(f"--transport: one of {', '.join(TRANSPORTS)}, not {transport!r}")
        if engine_url is not None and cluster is not None:
            raise ValueError("--engine-url: a remote engine serves one run at a time: no --cluster")
    except ValueError as exc:
        _bad(str(exc))
    loaded = [(str(given), _load(resolve_scenario_path(given))) for given in scenarios]
    runs = len(loaded) * len(rates) * len(seed_range)
    if engine_url is not None:
        transport = "http"  # a remote engine reaches the mocks on real sockets
    try:
        if engine_url is not None:
            probe(engine_url)
        with _runs_here_or_on(cluster, engine_url) as client:
            batches = plan_batches(
                loaded, seed_range, rates, transport=transport, slots=_slots(client),
                engine_url=engine_url,
            )  # fmt: skip
            with _progress(not quiet, runs, err_console) as done:
                records = _run_all(client, batches, done)
            out.mkdir(parents=True, exist_ok=True)
            commands = _reproduce(records, loaded, out, transport, engine_url)
            shrunk = _shrink(client, records, loaded, out, transport, engine_url) if shrink else []
    except EngineUnreachable as dead:  # before the first run, or the engine went away
        typer.secho(str(dead), fg="red", err=True)
        raise typer.Exit(3) from None
    except OSError as exc:  # no scheduler at that address, or it went away
        if cluster is None:
            raise
        _bad(f"--cluster {cluster}: {exc}")
    for index, command in commands.items():
        records[index]["reproduce"] = command
    plan = {
        "scenarios": [source for source, _ in loaded],
        "seeds": f"{seed_range.start}..{seed_range.stop - 1}",
        "fault_rates": None if fault_rates is None else [str(r) for r in rates],
        "transport": transport,
        "runs": len(records),
        "failed": len(commands),
    }
    if engine_url is not None:  # only then: a sweep of the reference engine's file is as it was
        plan["engine_url"] = engine_url
    write_sweep_json(out / SWEEP_FILE, records, plan=plan)
    title = f"Seed sweep: {len(records)} runs, {len(commands)} failed"
    write_page(out, records, title=title, commands=commands)
    if not quiet:
        _print_table(records, out_console)
        for path in shrunk:
            typer.echo(f"shrunk: {path}")
        typer.echo(f"sweep.json and sweep.html in {out}/")
    for index, command in commands.items():
        what = ", ".join(failures(records[index]))
        typer.secho(f"failed: {what}: seed {records[index]['seed']}: {command}", fg="red", err=True)
    if commands:
        raise typer.Exit(1)


def _runs_here_or_on(cluster: str | None, engine_url: str | None) -> AbstractContextManager[Any]:
    """A Dask client (to `cluster`, or a LocalCluster started here); None on a remote engine,
    whose runs go one after another in this process."""
    if engine_url is not None:
        return nullcontext()
    from simulator.cluster import dask_client

    return dask_client(cluster)


def _slots(client: Any) -> int:
    from simulator.cluster import worker_slots

    return 1 if client is None else worker_slots(client)


def _run_all(client: Any, batches: Sequence[Batch], done: Callable[[int], None]) -> list[Record]:
    from simulator.sweep.tasks import run_batches, run_serially

    return run_serially(batches, done) if client is None else run_batches(client, batches, done)


def _bad(message: str) -> None:
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(2)


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for line in exc.problems:
            typer.secho(line, fg="red", err=True)
        raise typer.Exit(2) from None


@contextmanager
def _progress(shown: bool, total: int, console: Console) -> Iterator[Callable[[int], None]]:
    """A callback advancing a bar by the runs of each batch that comes back."""
    if not shown:
        yield lambda _: None
        return
    columns = (TextColumn("sweeping"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("runs", total=total)
        yield lambda n: progress.advance(task, n)


def _reproduce(
    records: Sequence[Record],
    loaded: Sequence[tuple[str, Scenario]],
    out: Path,
    transport: str,
    engine_url: str | None,
) -> dict[int, str]:
    """Position of each failed record -> the one command that reproduces it. A run with its
    faults scaled is reproduced from the scaled scenario, written beside sweep.json."""
    commands = {}
    for index, record in enumerate(records):
        if record["exit"] == PASSED:
            continue
        source, scenario = loaded[record["scenario_index"]]
        if record["fault_rate"] is not None:
            rate = Decimal(record["fault_rate"])
            path = out / f"{scenario.name}-faults{rate}.yaml"
            if not path.exists():
                header = f"{source} with every fault's rate times {rate} (capped at 1)"
                path.write_text(scenario_yaml(scaled_faults(scenario, rate), header), "utf-8")
            source = str(path)
        commands[index] = _run_command(source, record["seed"], transport, engine_url)
    return commands


def _run_command(source: str, seed: int, transport: str, engine_url: str | None) -> str:
    command = f"billing-sim run {source} --seed {seed}"
    if engine_url is not None:  # the transport follows: http
        return f"{command} --engine-url {engine_url}"
    return command if transport == RUN_DEFAULT_TRANSPORT else f"{command} --transport {transport}"


def _shrink(
    client: Any,
    records: Sequence[Record],
    loaded: Sequence[tuple[str, Scenario]],
    out: Path,
    transport: str,
    engine_url: str | None,
) -> list[Path]:
    """Shrink one failed run per signature (its scenario, fault scale and failed invariants:
    twenty failures of one kind are one search, not twenty) on the cluster, one task each (on
    a remote engine, one after another here); write each smallest scenario as
    shrunk-NAME-seedN[-faultsR].yaml, with its seed, so `billing-sim run FILE` reproduces it.
    Every failed record names the file of its signature."""
    from simulator.sweep.shrink import shrink

    failed = [r for r in records if r["exit"] != PASSED]
    first_of: dict[tuple[Any, ...], Record] = {}
    for record in sorted(failed, key=sort_key):  # the least seed of a signature is shrunk
        first_of.setdefault(signature(record), record)
    chosen = list(first_of.values())
    searches = [
        (
            scaled_faults(loaded[r["scenario_index"]][1], _rate(r)),
            r["seed"],
            transport,
            failures(r)[0],
        )
        for r in chosen
    ]
    if client is None:
        results = [shrink(*search, engine_url=engine_url) for search in searches]
    else:
        from distributed import wait

        futures = [client.submit(shrink, *search, pure=False) for search in searches]
        wait(futures)
        results = [future.result() for future in futures]
    written: dict[tuple[Any, ...], Path] = {}
    for record, found in zip(chosen, results, strict=True):
        scenario = found.scenario.model_copy(update={"seed": record["seed"]})
        rate = record["fault_rate"]
        name = f"shrunk-{scenario.name}-seed{record['seed']}" + (f"-faults{rate}" if rate else "")
        path = out / f"{name}.yaml"
        alike = sum(1 for r in failed if signature(r) == signature(record))
        header = (
            f"{loaded[record['scenario_index']][0]} shrunk for seed {record['seed']}: still fails "
            f"{found.failure} ({found.runs} runs tried; {alike} failed run(s) of this kind)\n"
            "reproduce: " + _run_command(str(path), record["seed"], transport, engine_url)
        )
        path.write_text(scenario_yaml(scenario, header), encoding="utf-8")
        written[signature(record)] = path
    for record in failed:
        record["shrunk"] = str(written[signature(record)])
    return list(written.values())


def signature(record: Record) -> tuple[Any, ...]:
    """What makes two failures one kind: the scenario, its fault scale, what failed."""
    return record["scenario_index"], record["fault_rate"], tuple(failures(record))


def _rate(record: Record) -> Decimal | None:
    return None if record["fault_rate"] is None else Decimal(record["fault_rate"])


def _print_table(records: Sequence[Record], console: Console) -> None:
    table = Table(title="sweep", show_header=True)
    for name in ("scenario", "runs", "passed", "invariant failures", "errors"):
        table.add_column(name, justify="left" if name == "scenario" else "right")
    for line in tally(records):
        table.add_row(
            line.scenario,
            str(line.runs),
            str(line.passed),
            str(line.invariant_failures),
            str(line.errors),
        )
    console.print(table)
