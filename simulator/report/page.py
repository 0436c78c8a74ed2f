"""Building DIR/report.html: one pass over the event log plus summary.json, one page with inline
CSS and JS; per-account data gzip-packed, opened by the browser's own DecompressionStream."""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.report.accounts import Products, account_records
from simulator.report.deductions import DeductionBook
from simulator.report.inputs import RunOutputs, load_run, run_id_of
from simulator.report.run_plots import RunPlots
from simulator.report.timeline import NOT_IN_TIMELINE, Timelines

REPORT_FILE = "report.html"


@dataclass(frozen=True)
class Report:
    path: Path
    size: int  # bytes
    accounts: int


def page_data(outputs: RunOutputs) -> tuple[dict[str, Any], dict[str, Any]]:
    """(run-wide data, per-account data) as the page's script reads them."""
    months = outputs.months()
    book = DeductionBook()
    timelines = Timelines(outputs.start)
    plots = RunPlots(outputs.start)
    # Month closes are a fifth of a large log and nothing here reads them: the month figures
    # come from summary.json, the timeline leaves them out, and they fall on month starts
    # within the span, whose every day the plots cover anyway.
    for event in outputs.events(skipping=NOT_IN_TIMELINE):
        deduction = book.add(event)
        timelines.add(event, deduction)
        plots.add(event, deduction)
    products = Products()
    ids, records = account_records(outputs, months, timelines, products)
    summary = outputs.summary
    run = {
        key: summary.get(key)
        for key in ("scenario", "description", "seed", "transport", "span", "run", "totals")
    }
    run.update(
        invariants=summary.get("invariants", []),
        months=months,
        products=products.table(),
        kinds=timelines.kind_table(),
        plots=plots.plots(outputs, book, months),
    )
    if "faults" in summary:  # a run with faults: each rule's firings, per account
        run["faults"] = summary["faults"]
    return run, {"ids": ids, "accounts": records}


def _embedded_json(data: Any) -> str:
    """JSON safe inside a <script> element. Nothing is masked (H-4): the outputs read back hold
    free text masked as the scenario was read, and a seed or amount is never a card number."""
    # check_circular off: the data is trees built here, and the check tracks every list
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.replace("<", "\\u003c")


def _asset(name: str) -> str:
    return resources.files("simulator.report").joinpath(name).read_text(encoding="utf-8")


def render(outputs: RunOutputs) -> tuple[str, int]:
    """(the page, accounts on it)."""
    run, accounts = page_data(outputs)
    run_json = _embedded_json(run)
    accounts_json = _embedded_json(accounts)
    # mtime=0: the same run gives the same page, byte for byte
    packed = base64.b64encode(gzip.compress(accounts_json.encode("utf-8"), mtime=0))
    title = f"Billing overview · {outputs.summary['scenario']} (seed {outputs.summary['seed']})"
    parts = {
        "__TITLE__": html.escape(title),
        "__RUN_ID__": html.escape(run_id_of(outputs.summary)),
        "/*__CSS__*/": _asset("page.css"),
        "__RUN_DATA__": run_json,
        "__ACCOUNT_DATA__": packed.decode("ascii"),
        "/*__JS__*/": _asset("page.js"),
    }
    # one pass over the template: nothing inserted is scanned for placeholders again
    pattern = "|".join(re.escape(token) for token in parts)
    page = re.sub(pattern, lambda m: parts[m.group(0)], _asset("page.html"))
    return page, len(accounts["ids"])


_RUN_META = re.compile(r'<meta name="billing-sim-run" content="([^"]*)">')
_PACKED = re.compile(r'id="account-data">([A-Za-z0-9+/=]*)</script>')


def run_id_in_page(page: str) -> str | None:
    """The id of the run a page was built from (None: not a page of a run)."""
    found = _RUN_META.search(page)
    return html.unescape(found.group(1)) if found else None


def packed_account_data(page: str) -> str:
    """The per-account data a page carries gzip-packed, as JSON text (for the H-4 scan)."""
    found = _PACKED.search(page)
    return gzip.decompress(base64.b64decode(found.group(1))).decode("utf-8") if found else ""


def write_report(
    directory: Path,
    out: Path | None = None,
    *,
    events_from: Path | None = None,
    summary: dict[str, Any] | None = None,
) -> Report:
    """Read the run in `directory` and write its page to `out` (default DIRECTORY/report.html),
    the event log's lines read from `events_from` and the summary given as `summary` if so.
    Raises RunOutputsError when the run's outputs are missing or malformed."""
    outputs = load_run(directory, events_from=events_from, summary=summary)
    page, accounts = render(outputs)
    target = out if out is not None else directory / REPORT_FILE
    data = page.encode("utf-8")
    # written beside and renamed over: a page replaced in place is never seen half written
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Report(path=target, size=len(data), accounts=accounts)
