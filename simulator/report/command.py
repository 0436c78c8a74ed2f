"""`billing-sim report DIR`: rebuild DIR/report.html from DIR/events.jsonl and DIR/summary.json.
Exit 2, without a traceback, when they are missing or malformed."""

from __future__ import annotations

from pathlib import Path

import typer

from simulator.report.inputs import RunOutputsError
from simulator.report.page import write_report


def report(
    directory: Path = typer.Argument(..., help="A run's output directory (from `run --out`)."),
    out: Path | None = typer.Option(None, help="Where to write it (default DIR/report.html)."),
) -> None:
    """Build the Billing Overview page (one self-contained HTML file) for the run in DIRECTORY."""
    try:
        written = write_report(directory, out)
    except RunOutputsError as exc:
        typer.secho(f"report: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.secho(f"report: cannot write {out or directory}: {exc.strerror}", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{written.path} ({written.accounts} accounts, {written.size / 1024:,.0f} KiB)")
