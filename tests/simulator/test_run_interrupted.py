"""A real `billing-sim run --workers 2` killed part way (kill -9, or Ctrl-C): OUT is still the
previous complete run, no worker outlives the parent, and nothing is left behind once the next
run on the same OUT has cleaned up what a kill -9 could not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.run_folder import RUN_FILES

BILLING_SIM = str(Path(sys.executable).with_name("billing-sim"))
#: generous: the test waits for things to happen, it never asserts how fast they do
PATIENCE_SECONDS = 120

#: a population slice that takes a few seconds over two workers
SLICE = """
name: slice
seed: 42
start: 2026-01-01T00:00:00Z
duration: {months: 12}
population:
  count: 3000
  mix: {card: 0.80, paypal: 0.15, none: 0.05}
  monthly_spend: {median: "300.00", sigma: 1.0}
  products: [qwen-max, qwen-plus]
"""
SMALL = """
name: small
seed: 7
start: 2026-01-01T00:00:00Z
duration: {days: 3}
accounts:
  - {id: a, country: US, usage: [{product: qwen-max, daily: "10.00"}]}
"""


def billing_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BILLING_SIM, *args], capture_output=True, text=True, timeout=PATIENCE_SECONDS
    )


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie no one has reaped yet is dead for this purpose)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def previous_run(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """(the slice's scenario file, OUT holding a complete earlier run, OUT's files)."""
    (tmp_path / "small.yaml").write_text(SMALL)
    scenario = tmp_path / "slice.yaml"
    scenario.write_text(SLICE)
    out = tmp_path / "out"
    done = billing_sim("run", str(tmp_path / "small.yaml"), "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    return scenario, out, contents(out)


def start_and_wait_for_workers(scenario: Path, out: Path) -> tuple[subprocess.Popen, set[int]]:
    """The run started, once its two workers are writing their parts of the log."""
    run = subprocess.Popen(
        [BILLING_SIM, "run", str(scenario), "--out", str(out), "--workers", "2",
         "--transport", "direct", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def writing() -> bool:
        parts = list(out.parent.glob(f".{out.name}.partial-*/.events.jsonl.*"))
        return len(parts) == 2 and all(part.stat().st_size > 0 for part in parts)

    wait_for(writing, "the workers to write their parts")
    workers = children(run.pid)
    assert run.poll() is None and len(workers) >= 2  # caught mid-run
    return run, workers


def test_kill_9_leaves_the_previous_run_and_no_worker_and_the_next_run_cleans_up(previous_run):
    scenario, out, before = previous_run
    run, workers = start_and_wait_for_workers(scenario, out)
    run.kill()
    run.wait(timeout=PATIENCE_SECONDS)
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to die")
    assert contents(out) == before  # the previous complete run, untouched
    assert [p.name for p in out.parent.glob(".out.*")]  # the killed run's folder, for now

    again = billing_sim("run", str(out.parent / "small.yaml"), "--out", str(out), "-q")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "slice.yaml", "small.yaml"]
    assert set(contents(out)) == RUN_FILES


def test_ctrl_c_stops_the_workers_removes_the_partial_run_and_exits_130(previous_run):
    scenario, out, before = previous_run
    run, workers = start_and_wait_for_workers(scenario, out)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=PATIENCE_SECONDS)
    assert run.returncode == 130
    assert stderr.strip().splitlines() == [f"interrupted: {out} left as it was"]
    assert not any(alive(pid) for pid in workers)
    assert contents(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "slice.yaml", "small.yaml"]


def test_workers_die_with_their_parent_even_by_kill_9(tmp_path: Path):
    """Without the previous run's folder: OUT is absent after the kill, not half written."""
    scenario = tmp_path / "slice.yaml"
    scenario.write_text(SLICE)
    out = tmp_path / "fresh"
    run, workers = start_and_wait_for_workers(scenario, out)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=PATIENCE_SECONDS)
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to die")
    assert not out.exists()
