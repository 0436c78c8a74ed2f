"""The driver's commands: `billing-sim serve`."""

from __future__ import annotations

import typer


def serve(
    port: int = typer.Option(8000, help="The engine's port (0: a free one)."),
    seed: int = typer.Option(0, help="The gateways' seed (hold release days, fault draws)."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
) -> None:
    """Serve the reference engine behind the driver protocol (OpenAPI at /openapi.json) with
    the three mock gateways on ports of their own, one clock; print every URL; Ctrl-C stops."""
    from simulator.driver.serving import serve as run  # Flask and waitress only when serving

    try:
        run(host=host, port=port, seed=seed)
    except OSError as exc:  # the port is taken
        typer.secho(f"cannot serve on {host}:{port}: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
