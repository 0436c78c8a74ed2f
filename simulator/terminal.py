"""The human summary of a run on the terminal, rendered with rich from the summary.json dict
(its format: docs/scenarios.md and docs/guide.md), so it shows exactly what the files hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from io import StringIO
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

#: the commands' consoles: results on stdout, progress and problems on stderr
out_console = Console()
err_console = Console(stderr=True)


def render_summary(summary: Mapping[str, Any]) -> Group:
    """Run facts, deductions by trigger and outcome, links by outcome, repayments, money totals
    and invariants, as one printable group."""
    totals = summary.get("totals", {})
    return Group(
        _title(summary),
        _run_table(summary),
        _deductions_table(totals.get("deductions", {})),
        _links_table(totals.get("links", {}), totals.get("repayments", {})),
        _money_table(totals),
        _invariants_table(summary.get("invariants", [])),
    )


def print_summary(summary: Mapping[str, Any], console: Console | None = None) -> None:
    (console or Console()).print(render_summary(summary))


#: wide enough that no figure or name of the summary is wrapped onto two lines
_TEXT_WIDTH = 240


def summary_text(summary: Mapping[str, Any]) -> str:
    """What print_summary shows, as plain text (for the H-4 scan of what is printed)."""
    console = Console(file=StringIO(), width=_TEXT_WIDTH, color_system=None, highlight=False)
    print_summary(summary, console)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _title(summary: Mapping[str, Any]) -> Text:
    text = Text(str(summary.get("scenario", "?")), style="bold")
    if summary.get("description"):
        text.append(f" — {summary['description']}")
    text.append(f"\nseed {summary.get('seed')} · transport {summary.get('transport')}", style="dim")
    return text


def _run_table(summary: Mapping[str, Any]) -> Table:
    span, run = summary.get("span", {}), summary.get("run", {})
    accounts = summary.get("accounts", {})
    statuses = Counter(str(a.get("status", "?")) for a in accounts.values())
    table = Table(title="Run", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    by_status = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    table.add_row("accounts", f"{len(accounts)}" + (f" ({by_status})" if by_status else ""))
    table.add_row(
        "simulated span",
        f"{span.get('start', '?')} → {span.get('end', '?')} ({span.get('days', '?')} days)",
    )
    table.add_row("account-months", str(run.get("account_months", "?")))
    table.add_row("events", str(run.get("events", "?")))
    if "wall_seconds" in run:
        processes = run.get("workers", 1)
        over = f" over {processes} processes" if processes > 1 else ""
        table.add_row("wall time", f"{run['wall_seconds']} s{over}")
    return table


def _deductions_table(deductions: Mapping[str, Mapping[str, int]]) -> Table:
    table = Table(title="Deductions", title_justify="left")
    table.add_column("trigger")
    table.add_column("succeeded", justify="right", style="green")
    table.add_column("failed", justify="right", style="red")
    for trigger in sorted(deductions):
        counts = deductions[trigger]
        table.add_row(trigger, str(counts.get("succeeded", 0)), str(counts.get("failed", 0)))
    return table


def _links_table(links: Mapping[str, Any], repayments: Mapping[str, int]) -> Table:
    table = Table(title="Links and repayments", title_justify="left")
    table.add_column("what")
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_row("links", "linked", str(links.get("linked", 0)), style="green")
    for reason, count in sorted(links.get("rejected", {}).items()):
        table.add_row("links", f"rejected: {reason}", str(count), style="red")
    for outcome in sorted(repayments):
        table.add_row("repayments", outcome, str(repayments[outcome]))
    return table


def _money_table(totals: Mapping[str, Any]) -> Table:
    table = Table(title="Money (USD)", title_justify="left")
    for column in ("fees", "paid", "outstanding"):
        table.add_column(column, justify="right")
    table.add_row(*(str(totals.get(column, "?")) for column in ("fees", "paid", "outstanding")))
    return table


def _invariants_table(invariants: list[Mapping[str, Any]]) -> Table:
    table = Table(title="Invariants", title_justify="left")
    table.add_column("")
    table.add_column("invariant")
    table.add_column("detail")
    for invariant in invariants:
        ok = bool(invariant.get("ok"))
        table.add_row(
            Text("✓", style="green") if ok else Text("✗", style="bold red"),
            str(invariant.get("name")),
            str(invariant.get("detail", "")),
        )
    return table
