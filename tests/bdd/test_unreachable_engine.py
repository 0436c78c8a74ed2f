"""An engine under test that cannot be reached is one error for the whole run: the suite stops
before its first scenario, exits non-zero naming the URL, and blames no rule."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from simulator.driver.served_suite import ENGINE_URL_ENV

from .conftest import UNREACHABLE_STATUS
from .rule_verdicts import VERDICT_JSON_ENV

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        return spare.getsockname()[1]


def test_an_unreachable_engine_stops_the_run_at_once(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    verdict = tmp_path / "verdict.json"
    env = {**os.environ, ENGINE_URL_ENV: url, VERDICT_JSON_ENV: str(verdict), "COLUMNS": "250"}
    command = [sys.executable, "-m", "pytest", "tests/bdd/test_features.py", "-q"]
    done = subprocess.run(
        [*command, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == UNREACHABLE_STATUS, output
    assert f"cannot reach the engine at {url}" in output
    assert output.count(url) == 1, output
    assert "failing" not in output and "passed" not in output, output
    written = json.loads(verdict.read_text())
    assert (written["failed"], written["blamed_rules"], written["passed"]) == ([], [], 0)
    assert url in written["error"]
