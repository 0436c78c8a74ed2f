"""The `billing-sim` command line."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Simulate and conformance-test pay-as-you-go cloud billing.", no_args_is_help=True
)


@app.command()
def run(scenario: Path, out: Path = typer.Option(Path("out"), help="Where outputs go.")) -> None:
    """Run SCENARIO and print its summary."""
    typer.echo(f"billing-sim: no scenario runner yet; {scenario} was not run.")


@app.callback()
def main() -> None:
    """billing-sim: a billing engine under a simulated clock against mock payment gateways."""
