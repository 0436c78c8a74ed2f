"""make bench (simulator.bench): the figures it reports come from the run it measured, and its
table shows them; speed itself is measured, never asserted."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from simulator.bench import Measure, measure, table

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_measure_reports_the_run_it_made():
    """A small population slice: accounts, account-months and events as the run summary has
    them, invariants held, and rates derived from the same wall time."""
    result = measure(SCENARIOS / "population-10k-year.yaml", "direct", 20)
    assert result.accounts == 20 and result.workers == 1
    assert result.account_months == 20 * 12
    assert result.events > result.account_months  # at least a month close per account-month
    assert result.ok
    assert result.wall_seconds > 0 and result.cpu_seconds > 0 and result.peak_mib > 0
    assert result.events_per_second == result.events / result.wall_seconds


def test_table_shows_every_figure():
    row = Measure("wsgi", 3, 500, 6000, 28324, 6.5, 6.4, 141.0, False)
    console = Console(width=160, record=True)
    console.print(table("population-10k-year", [row]))
    text = console.export_text()
    shown_figures = ("wsgi", " 3 ", "500", "6,000", "28,324", "6.5", "6.4", "141", "923", "4,358")
    for shown in (*shown_figures, "FAILED"):
        assert shown in text, shown
