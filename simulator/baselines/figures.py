"""The figures a baseline keeps for one run: per account and month spend, fees, tax, outstanding
(OV-1, OV-2, OV-4), deductions by trigger and outcome (AUTO-2..6), repayments and link outcomes."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from billing_engine.money import format_amount
from simulator.report.deductions import DeductionBook
from simulator.report.inputs import RunOutputs, month_of
from simulator.run_id import HEADER_START

#: a figure is named "ACCOUNT MONTH FIGURE"; account-wide figures use this month, the run's
#: own figures this account
WHOLE_RUN = "-"
RUN = "(run)"
#: the summary's month figures, under the names a baseline gives them
MONTH_FIGURES = {
    "pretax": "pretax",
    "tax": "tax",
    "total": "total",
    "outstanding_at_close": "outstanding",
}
MODE_FIGURES = {"payg": "fees", "coding_plan": "coding_plan"}

Figures = dict[str, str | int]


def figure_name(account: str, month: str, figure: str) -> str:
    return f"{account} {month} {figure}"


def split_name(name: str) -> tuple[str, str, str]:
    """(account, month, figure); an account id may hold spaces, a month and a figure do not."""
    account, month, figure = name.rsplit(" ", 2)
    return account, month, figure


def events_digest(path: Path) -> str:
    """The sha256 of the event lines: the run's header line (its id, which names the version of
    billing-sim) is left out, so a new version that logs the same events digests the same."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        first = handle.readline()
        if not first.startswith(HEADER_START.encode("ascii")):
            digest.update(first)
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_figures(outputs: RunOutputs) -> Figures:
    """Every figure of the run, by name; counts as integers, amounts as two-place strings."""
    figures: Figures = {}
    for account_id, account in outputs.summary["accounts"].items():
        due = outputs.figure(account["total_amount_due"], "accounts", account_id, "due")
        figures[figure_name(account_id, WHOLE_RUN, "total_amount_due")] = due
        figures[figure_name(account_id, WHOLE_RUN, "status")] = str(account.get("status"))
        for key, month in account["months"].items():
            path = ("accounts", account_id, "months", key)
            for source, name in MONTH_FIGURES.items():
                if month.get(source) is not None:
                    value = outputs.figure(month[source], *path, source)
                    figures[figure_name(account_id, key, name)] = value
            for mode, name in MODE_FIGURES.items():
                value = outputs.figure(month["by_mode"].get(mode, "0.00"), *path, "by_mode", mode)
                figures[figure_name(account_id, key, name)] = value
    figures.update(_event_figures(outputs))
    totals = outputs.summary["totals"]
    for name in ("fees", "paid", "outstanding"):
        figures[figure_name(RUN, WHOLE_RUN, name)] = outputs.figure(totals[name], "totals", name)
    return figures


def _counted(kind: str, fields: dict[str, object]) -> str | None:
    """The figure an event adds one to, if any."""
    if kind == "payment_method.linked":
        return "links.linked"
    if kind == "payment_method.link_rejected":
        return f"links.rejected.{fields.get('reason')}"
    if kind == "repayment.settled":
        return f"repayments.{fields.get('status')}.count"
    if kind == "repayment.rejected":
        return f"repayments.rejected.{fields.get('reason')}"
    if kind in ("account.overdue", "account.suspended", "account.resumed"):
        return kind
    return None


def _event_figures(outputs: RunOutputs) -> Figures:
    """Counts and amounts per account and month that only the event log tells."""
    counts: dict[str, int] = defaultdict(int)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    book = DeductionBook()
    events = 0
    for event in outputs.events():
        events += 1
        book.add(event)
        figure = _counted(event.type, event.fields)
        if event.account is None or figure is None:
            continue
        month = month_of(event.at)
        counts[figure_name(event.account, month, figure)] += 1
        if event.type == "repayment.settled":
            status = event.fields.get("status")
            name = figure_name(event.account, month, f"repayments.{status}.amount")
            sums[name] += event.amount()
    for deduction in book.deductions:
        figure = f"deductions.{deduction.trigger}.{deduction.outcome}"
        counts[figure_name(deduction.account, deduction.month, f"{figure}.count")] += 1
        name = figure_name(deduction.account, deduction.month, f"{figure}.amount")
        sums[name] += deduction.amount
    found: Figures = dict(counts)
    found.update({name: format_amount(total) for name, total in sums.items()})
    found[figure_name(RUN, WHOLE_RUN, "events")] = events
    return found
