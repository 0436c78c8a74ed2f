"""Ctrl-C while `billing-sim` is still importing its modules (its first half second) ends it
with one line and exit 130, never a traceback of the import it cut short."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

#: stands in for typer, the first module the command line imports after its handler: the
#: process interrupts itself there, exactly as a Ctrl-C during the imports would
INTERRUPTING_IMPORT = """
import os, signal, time
os.kill(os.getpid(), signal.SIGINT)
time.sleep(10)  # the signal is handled before this ends
raise AssertionError("SIGINT was not handled")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_ctrl_c_during_the_imports_exits_130_with_one_line(tmp_path: Path):
    (tmp_path / "typer.py").write_text(INTERRUPTING_IMPORT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-c", "from simulator.cli import app; app()", "validate", "x.yaml"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "interrupted while starting: nothing was done\n"
    assert done.stdout == ""


def test_once_loaded_the_command_line_leaves_ctrl_c_to_the_commands():
    # a run cleans up its partial outputs on KeyboardInterrupt: the handler must be gone
    import simulator.cli

    assert signal.getsignal(signal.SIGINT) is not simulator.cli._interrupted_while_starting
