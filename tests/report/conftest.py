"""Fixtures for the report's tests: one real quickstart run and one synthetic 10,000-account run,
each with its report.html, shared by the page tests and the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.report.page import write_report
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

from .report_fixtures import SCENARIOS, synthetic_run


@pytest.fixture(scope="session")
def quickstart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the quickstart scenario; `run --out` wrote its report.html."""
    out = tmp_path_factory.mktemp("quickstart")
    run_scenario(load_scenario(SCENARIOS / "quickstart.yaml"), transport="direct", out=out)
    return out


@pytest.fixture(scope="session")
def large_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = synthetic_run(tmp_path_factory.mktemp("large"), accounts=10_000, months=3)
    write_report(out)
    return out
