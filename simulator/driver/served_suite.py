"""Run a command against a reference engine served for it: `python -m
simulator.driver.served_suite pytest tests/bdd ...` serves the engine as `billing-sim serve`
does, runs the command with BILLING_SIM_ENGINE_URL set to it, stops the engine and exits with
the command's status. How `make test` runs the features through the HTTP adapter."""

from __future__ import annotations

import os
import subprocess
import sys

#: the URL of a billing engine that speaks the driver protocol (docs/driver.md): the features
#: run against it instead of the reference engine in process
ENGINE_URL_ENV = "BILLING_SIM_ENGINE_URL"


def main(command: list[str]) -> int:
    if not command:
        print("usage: python -m simulator.driver.served_suite COMMAND [ARG...]", file=sys.stderr)
        return 2
    from simulator.driver.serving import serving  # not for ENGINE_URL_ENV's importers: Flask

    with serving() as running:
        env = {**os.environ, ENGINE_URL_ENV: running.engine_url}
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
