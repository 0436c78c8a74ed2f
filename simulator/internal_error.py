"""What `run` prints when something escapes the simulation (exit 3): one short block with the
scenario, the seed and the one command that reproduces it; the traceback only when asked."""

from __future__ import annotations

import os
import shlex
import traceback
from pathlib import Path

from simulator.card_text import masked

#: set (to anything but 0) to have the traceback printed too, as `run --debug` does
DEBUG_VARIABLE = "BILLING_SIM_DEBUG"


def debug_wanted(flag: bool) -> bool:
    return flag or os.environ.get(DEBUG_VARIABLE, "0") not in ("", "0")


def reproducing_command(
    scenario: Path, seed: int, transport: str, default_transport: str, workers: int | None
) -> str:
    words = ["billing-sim", "run", str(scenario), "--seed", str(seed)]
    if transport != default_transport:
        words += ["--transport", transport]
    if workers is not None:  # a fault in the workers' merge may need as many of them
        words += ["--workers", str(workers)]
    return shlex.join(words)


def internal_error_lines(
    exc: BaseException, scenario: Path, seed: int, command: str, debug: bool
) -> list[str]:
    """The block, card numbers in the traceback and message masked (H-4), never in the seed or
    the command: a seed is no card, whatever its digits; with `debug`, the traceback first."""
    lines = [*traceback.format_exception(exc)] if debug else []
    message = f"{type(exc).__name__}: {exc}".splitlines() or [type(exc).__name__]
    lines = [masked(line.rstrip("\n")) for line in lines]
    lines += [
        f"internal error in {scenario} (seed {seed}): {masked(message[0])}",
        f"  reproduce: {command}",
    ]
    if not debug:
        lines.append(f"  the traceback: add --debug (or set {DEBUG_VARIABLE}=1)")
    return lines
