"""A representative part of the conformance features run through the HTTP adapter against the
reference engine served as `billing-sim serve` serves it: one feature file per rule family
that the engine's ordinary paths cover (thresholds and month ends, LINK-1/2, PayPal, the
Coding Plan, the overview). The whole suite runs so too (docs/driver.md); it is left out of
`make test`, where it would add as long again as the features over sockets already take."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulator.driver.serving import serving

ROOT = Path(__file__).resolve().parents[2]
SUBSET = "automatic_payment or duplicate_link or paypal_linking or coding_plan or overview"


def test_a_representative_subset_of_the_features_passes_over_http() -> None:
    with serving() as running:
        env = {**os.environ, "BILLING_SIM_ENGINE_URL": running.engine_url}
        finished = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/bdd", "-m", SUBSET, "-q",
             "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    summary = finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else ""
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
