"""The conformance suite's commands: `billing-sim rules` (each rule, its scenarios and their last
result) and `billing-sim steps` (the Gherkin step catalogue, docs/steps.md)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import typer
from rich.console import Console
from rich.table import Table

from simulator.rules import MatrixRow, conformance_matrix, scenario_count

ROOT = Path(__file__).resolve().parent.parent
FEATURES_DIR = ROOT / "features"
CUCUMBER_JSON = ROOT / "reports" / "cucumber.json"
#: the step definitions; a package of the test suite, loaded by path (`tests` is no package)
BDD_DIR = ROOT / "tests" / "bdd"
BDD_PACKAGE = "billing_sim_bdd"

_STYLE = {"passed": "green", "failed": "bold red", "uncovered": "bold red", "not run": "yellow"}


def _styled(text: str, status: str) -> str:
    style = _STYLE.get(status)
    return f"[{style}]{text}[/{style}]" if style else text


def matrix_table(rows: list[MatrixRow], *, with_results: bool) -> Table:
    """One line per covering scenario (so each result sits beside its scenario); the rule and
    its summary on the first line of its group."""
    table = Table(title="Conformance matrix")
    table.add_column("rule", style="bold", no_wrap=True)
    table.add_column("summary", ratio=3)
    table.add_column("scenario", ratio=4)
    if with_results:
        table.add_column("last result", no_wrap=True)
    for row in rows:
        lines: list[list[str]] = [[f"{s.feature}: {s.name}"] for s in row.scenarios] or [
            [_styled("none", "uncovered")]
        ]
        if with_results:
            for line, result in zip(lines, row.results or [None] * len(lines), strict=True):
                status = result.status if result else "not run"
                line.append(_styled(str(result) if result else "not run", status))
        for index, line in enumerate(lines):
            first = index == 0
            table.add_row(
                row.rule if first else "",
                row.summary if first else "",
                *line,
                end_section=index == len(lines) - 1,
            )
    return table


def totals(rows: list[MatrixRow], scenarios: int) -> str:
    """The matrix's last line; `scenarios` is `scenario_count` of the features (an outline
    counts once per Examples row, as pytest runs it)."""
    covered = sum(1 for row in rows if row.scenarios)
    line = f"{len(rows)} rules, {covered} covered, {scenarios} scenarios"
    statuses = Counter(row.status for row in rows)
    if statuses.keys() - {"uncovered", "unknown"}:
        line += "; rules by last result: " + ", ".join(
            f"{count} {status}" for status, count in sorted(statuses.items())
        )
    return line


def rules_command(
    features: Path = typer.Option(FEATURES_DIR, help="Directory of the .feature files."),
    report: Path = typer.Option(
        CUCUMBER_JSON, help="Cucumber JSON of the last run (make test writes it)."
    ),
) -> None:
    """Print the conformance matrix: each rule ID, its summary, the scenarios tagged with it,
    and their last result when the cucumber JSON report exists."""
    if not features.is_dir():
        typer.secho(f"{features}: no such directory of feature files", fg="red", err=True)
        raise typer.Exit(2)
    with_results = report.exists()
    rows = conformance_matrix(features, report if with_results else None)
    console = Console()
    console.print(matrix_table(rows, with_results=with_results))
    console.print(totals(rows, scenario_count(features)))
    if not with_results:
        console.print(f"no report at {report}: run `make test` to see the last results")


def _step_catalogue() -> ModuleType:
    """tests/bdd/step_catalogue.py, with its package loaded under a name of its own: another
    distribution may own the top-level name `tests`."""
    if BDD_PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            BDD_PACKAGE, BDD_DIR / "__init__.py", submodule_search_locations=[str(BDD_DIR)]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[BDD_PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{BDD_PACKAGE}.step_catalogue")


def steps_command() -> None:
    """Print the Gherkin step catalogue (Markdown, as docs/steps.md holds it): every step the
    features may use, an example of each, and the customer's vocabulary."""
    if not (BDD_DIR / "step_catalogue.py").exists():
        typer.secho(f"{BDD_DIR}: no step definitions (run from a clone)", fg="red", err=True)
        raise typer.Exit(2)
    try:
        catalogue = _step_catalogue()
    except ModuleNotFoundError as missing:  # pytest-bdd is a test extra
        typer.secho(f"{missing}: install the test tools with `make dev`", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(catalogue.markdown(), nl=False)
