"""`billing-sim compare OUT_A OUT_B`: two run folders compared as `diff` compares its two runs,
event by event and figure by figure; exit 0 when they agree, 1 when they differ, 2 when a
folder is not a complete run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from simulator.differential.command import print_rule_table
from simulator.differential.compare import (
    Comparison,
    compare_events,
    compare_figures,
    divergence_lines,
    read_events,
)
from simulator.report.inputs import RunOutputsError, load_run
from simulator.run_folder import RUN_FILES

#: divergences listed under the rule table before the rest are folded into one line
SHOWN_DIVERGENCES = 20


def read_run(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(summary, events) of the complete run in `folder`; raises RunOutputsError naming the
    folder and what it lacks (a file, a readable log, one run's files)."""
    missing = sorted(name for name in RUN_FILES if not (folder / name).is_file())
    if folder.is_dir() and missing:
        raise RunOutputsError(
            f"{folder}: not a complete run (no {', '.join(missing)}); "
            "give a folder written by `billing-sim run --out`"
        )
    outputs = load_run(folder)  # the summary checked, the log's header of the same run
    try:
        return outputs.summary, read_events(outputs.events_path)
    except (json.JSONDecodeError, KeyError) as exc:
        raise RunOutputsError(f"{outputs.events_path}: not a run's event log ({exc})") from None


def compare_runs(
    first: tuple[dict[str, Any], list[dict[str, Any]]],
    second: tuple[dict[str, Any], list[dict[str, Any]]],
) -> Comparison:
    """The second run judged against the first: its events, then the figures of the accounts
    whose events agree."""
    comparison = compare_events(first[1], second[1])
    compare_figures(comparison, first[0], second[0])
    return comparison


def listed_divergences(comparison: Comparison) -> list[str]:
    """Rule by rule, each account's first difference, folded past SHOWN_DIVERGENCES."""
    ordered = sorted(comparison.divergences, key=lambda d: (d.rule, d.at, d.account))
    lines = [
        f"  {d.rule}  {d.account}  {d.at:%Y-%m-%dT%H:%M:%SZ}: {d.expected}  ->  {d.seen}"
        for d in ordered
    ]
    if len(lines) > SHOWN_DIVERGENCES:
        rest = len(lines) - SHOWN_DIVERGENCES
        lines = [*lines[:SHOWN_DIVERGENCES], f"  ... and {rest} more"]
    return lines


def compare(
    out_a: Path = typer.Argument(..., help="A run folder (written by `billing-sim run --out`)."),
    out_b: Path = typer.Argument(..., help="Another run folder, judged against OUT_A."),
) -> None:
    """Compare two runs' folders: the first diverging event (time, account, rule, what each
    run logged), then rule by rule what differs. Exit 0 when they agree, 1 when they differ,
    2 when a folder is not a complete run."""
    runs = []
    for folder in (out_a, out_b):
        try:
            runs.append(read_run(folder))
        except RunOutputsError as refused:
            typer.secho(str(refused), fg="red", err=True)
            raise typer.Exit(2) from None
    (summary_a, _), (summary_b, _) = runs
    for label, summary, folder in (("A", summary_a, out_a), ("B", summary_b, out_b)):
        typer.echo(f"{label}: {folder} ({summary['scenario']}, seed {summary['seed']})")
    comparison = compare_runs(runs[0], runs[1])
    if comparison.agrees:
        typer.echo(f"{out_b} agrees with {out_a}: the same events and figures")
        return
    for line in divergence_lines(comparison, "A", "B"):
        typer.echo(line)
    print_rule_table(comparison, "events in A")
    typer.echo("what differs, rule by rule (account, time: A -> B):")
    for line in listed_divergences(comparison):
        typer.echo(line)
    raise typer.Exit(1)
