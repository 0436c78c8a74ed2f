"""The report's content read back from the data it embeds (OV-1..4, run-wide plots, timeline, H-4),
the page's self-containment, and `billing-sim report DIR`'s exit statuses."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.report.page import write_report
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

from .report_fixtures import QUICKSTART_CARDS, SCENARIOS, embedded


def _page(directory: Path) -> str:
    return (directory / "report.html").read_text(encoding="utf-8")


def _summary(directory: Path) -> dict:
    return json.loads((directory / "summary.json").read_text(encoding="utf-8"))


def _events(directory: Path) -> list[dict]:
    lines = (directory / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _dec(value: str | int | None) -> Decimal:
    return Decimal(value or 0)


def test_run_out_writes_report_html_beside_its_outputs(quickstart_dir: Path) -> None:
    """Issue 6: `run --out DIR` writes DIR/report.html for every account (OV-1..4)."""
    page = _page(quickstart_dir)
    assert page.startswith("<!DOCTYPE html>")
    run, accounts = embedded(page)
    assert run["scenario"] == "quickstart"
    assert accounts["ids"] == list(_summary(quickstart_dir)["accounts"])


def test_ov1_total_spend_per_account_and_month_is_pretax_plus_tax(quickstart_dir: Path) -> None:
    """OV-1: tax-exclusive amount, tax and their sum, as summary.json has them."""
    run, accounts = embedded(_page(quickstart_dir))
    summary = _summary(quickstart_dir)
    for account_id, record in zip(accounts["ids"], accounts["accounts"], strict=True):
        for key, row in zip(run["months"], record["m"], strict=True):
            month = summary["accounts"][account_id]["months"][key]
            assert [_dec(v) for v in row[:3]] == [
                _dec(month[f]) for f in ("pretax", "tax", "total")
            ]
            assert _dec(row[0]) + _dec(row[1]) == _dec(row[2])
    euro = accounts["accounts"][accounts["ids"].index("euro-gmbh")]
    assert euro["m"][0][:3] == ["1240.00", "235.60", "1475.60"]  # 19% tax shows (OV-1)


def test_ov3_ov4_trend_by_product_and_mode(quickstart_dir: Path) -> None:
    """OV-3/OV-4: per product, per billing mode; the Coding Plan is a product of its own mode."""
    run, accounts = embedded(_page(quickstart_dir))
    acme = accounts["accounts"][accounts["ids"].index("acme")]
    products = [run["products"][code] for code in acme["p"]]
    assert products == [["qwen-max", "payg"], ["lite", "coding_plan"]]
    for row in acme["m"]:
        assert _dec(row[3]) + _dec(row[4]) == _dec(row[2])  # payg + coding plan = total
        assert row[6] == [row[3], "10.00"]  # qwen-max is all of PAYG; lite renews at 10.00


def test_ov2_amount_due_and_methods_per_account(quickstart_dir: Path) -> None:
    """OV-2: Total Amount Due as summary.json; methods by brand and last four (H-4)."""
    _, accounts = embedded(_page(quickstart_dir))
    summary = _summary(quickstart_dir)
    for account_id, record in zip(accounts["ids"], accounts["accounts"], strict=True):
        assert record["d"] == summary["accounts"][account_id]["total_amount_due"]
    lapsed = accounts["accounts"][accounts["ids"].index("lapsed")]
    assert lapsed["w"] == [
        ["visa ••••0341 · method 0", "linked"],
        ["PayPal lee@lapsed.test · method 1", "default"],
    ]


def test_outstanding_at_month_end_sums_the_month_closed_events(quickstart_dir: Path) -> None:
    """The run-wide month-end plot against an independent reading of the log (OV-2)."""
    run, _ = embedded(_page(quickstart_dir))
    closed: dict[str, Decimal] = defaultdict(Decimal)
    for event in _events(quickstart_dir):
        if event["type"] == "month.closed":
            closed[f"{event['year']:04d}-{event['month']:02d}"] += Decimal(event["outstanding"])
    plotted = {row["month"]: Decimal(row["outstanding"]) for row in run["plots"]["months"]}
    assert plotted == dict(closed)
    assert all(row["owing"] <= row["closed"] == 6 for row in run["plots"]["months"])


def test_deductions_by_trigger_and_outcome_match_the_summary(quickstart_dir: Path) -> None:
    """AUTO-2/AUTO-4/AUTO-6: the plot counts what the summary's totals count."""
    run, _ = embedded(_page(quickstart_dir))
    plotted = {(d["trigger"], d["outcome"]): d["count"] for d in run["plots"]["deductions"]}
    totals = _summary(quickstart_dir)["totals"]["deductions"]
    expected = {(t, o): n for t, outcomes in totals.items() for o, n in outcomes.items() if n}
    assert plotted == expected
    failed = next(d for d in run["plots"]["deductions"] if d["outcome"] == "failed")
    assert failed["trigger"] == "threshold" and failed["amount"] == "3000.00"


def test_fees_deducted_per_day_add_up_to_the_deductions(quickstart_dir: Path) -> None:
    """H-3 in the plots: per-day deductions sum to the log's; fees accrued to date only grow, to
    the run's fees, and never fall behind what was deducted."""
    run, _ = embedded(_page(quickstart_dir))
    days = run["plots"]["days"]
    succeeded = sum(
        (
            Decimal(e["amount"])
            for e in _events(quickstart_dir)
            if e["type"] == "deduction.succeeded"
        ),
        Decimal(0),
    )
    assert sum((_dec(v) for v in days["succeeded"]), Decimal(0)) == succeeded
    assert _dec(days["deducted_to_date"][-1]) == succeeded
    accrued = [_dec(value) for value in days["accrued_to_date"]]
    assert accrued == sorted(accrued)
    assert accrued[-1] == Decimal(_summary(quickstart_dir)["totals"]["fees"])
    deducted = [_dec(value) for value in days["deducted_to_date"]]
    assert len(accrued) == len(deducted)
    assert all(paid <= fees for paid, fees in zip(deducted, accrued, strict=True))


def test_fees_accrued_to_each_day_of_card_threshold(tmp_path: Path) -> None:
    """The accrued line day by day: card-threshold accrues 12.50 an hour all January, 999.99
    and 2 x 1500.00 on the 1st only; each day shows the fees to its end."""
    run_scenario(load_scenario(SCENARIOS / "card-threshold.yaml"), transport="direct", out=tmp_path)
    days = embedded(_page(tmp_path))[0]["plots"]["days"]
    assert days["accrued_to_date"][0] == "4299.99"
    assert days["accrued_to_date"][14] == "8499.99"  # 15 January: 4299.99 + 14 x 300.00
    assert days["accrued_to_date"][30:] == ["13299.99"] * len(days["accrued_to_date"][30:])


def test_a_summary_without_fees_by_day_plots_the_month_ends(
    quickstart_dir: Path, tmp_path: Path
) -> None:
    """A summary.json written before fees_by_day: fees accrued at each month end, from the
    months' figures, the same as the day-by-day line has at those days."""
    per_day = embedded(_page(quickstart_dir))[0]["plots"]["days"]["accrued_to_date"]
    run_dir = tmp_path / "older"
    shutil.copytree(quickstart_dir, run_dir)
    summary = _summary(run_dir)
    del summary["fees_by_day"]
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    write_report(run_dir)
    plots = embedded(_page(run_dir))[0]["plots"]
    assert "accrued_to_date" not in plots["days"]
    assert plots["accrued"][0] == [0, 0]
    # a month end's point is at the day it closes: the fees to the end of the day before it
    assert [value for _, value in plots["accrued"][1:]] == [
        per_day[day - 1] for day, _ in plots["accrued"][1:]
    ]
    assert [day for day, _ in plots["accrued"]] == [0, 31, 59]


def test_open_holds_plot_follows_the_log(quickstart_dir: Path) -> None:
    """CARD-5, PAYPAL-1: each USD 1.00 hold counts from placing to release; all are released."""
    run, _ = embedded(_page(quickstart_dir))
    open_holds, peak = set(), 0
    for event in _events(quickstart_dir):
        hold = (event["account"], event.get("authorization"))
        if event["type"] == "preauth.authorized":
            open_holds.add(hold)
        elif event["type"] == "preauth.released":
            open_holds.discard(hold)
        peak = max(peak, len(open_holds))
    steps = run["plots"]["holds"]
    assert max(count for _, count in steps) == peak >= 4
    assert steps[-1][1] == 0 and [hour for hour, _ in steps] == sorted({h for h, _ in steps})


def test_timeline_holds_deductions_repayments_links_and_holds(quickstart_dir: Path) -> None:
    """The lapsed account: a declined deduction (AUTO-6), overdue and suspended (AUTO-7), a
    manual repayment by PayPal that settles paid 30 minutes later (PAY-1, PAY-5)."""
    run, accounts = embedded(_page(quickstart_dir))
    lapsed = accounts["accounts"][accounts["ids"].index("lapsed")]
    rows = [(run["kinds"][kind][0], amount, note) for _, kind, amount, note in lapsed["t"]]
    assert (
        "Deduction",
        "1000.00",
        "threshold · method 0 · failed · declined · after 30 min",
    ) in rows
    assert ("Repayment", "2500.00", "method 1 · from balance 0.00 · paid · after 30 min") in rows
    labels = {label for label, _, _ in rows}
    assert {"Overdue", "Suspended", "Resumed", "Hold placed", "Hold released"} <= labels
    assert {"Method linked", "Default changed"} <= labels
    expiring = accounts["accounts"][accounts["ids"].index("expiring")]
    notes = [note for _, kind, _, note in expiring["t"] if run["kinds"][kind][0] == "Link rejected"]
    assert notes == ["card · method 0 · expires_this_month"]
    minutes = 0
    for delta, *_ in lapsed["t"]:
        assert delta >= 0  # rows in time order, as deltas
        minutes += delta
    assert minutes == 60 * 24 * 59  # the last: February's month-end deduction


def test_page_needs_no_network(quickstart_dir: Path) -> None:
    """Issue 6: inline CSS and JS, data embedded: no script, style, font, image or fetch."""
    """Inline CSS and JS, data embedded: no external script, style, font, image or fetch."""
    page = _page(quickstart_dir)
    assert not re.search(r"<(script|img|iframe)[^>]+src=|<link\b|@import|url\(|fetch\(", page)
    # the only URL is the SVG namespace, which is a name, not a request
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}


def test_h4_no_card_number_or_cvv_on_the_page(quickstart_dir: Path) -> None:
    """H-4: the quickstart links four card numbers; the page shows brand and last four only."""
    page = _page(quickstart_dir)
    for number in QUICKSTART_CARDS:
        assert number not in page
    assert "cvv" not in page.lower()
    _, accounts = embedded(page)
    blob = json.dumps(accounts, ensure_ascii=False)
    for number in QUICKSTART_CARDS:
        assert number not in blob
    assert "visa ••••4242" in blob


def test_h4_the_page_shows_what_the_outputs_hold_unmasked(quickstart_dir: Path, tmp_path: Path):
    """H-4 masks by what a field is, as the scenario is read (free text), and no_card_data
    checks the outputs: the page masks nothing more, so a figure that passes Luhn, like the
    total 1487999997024.00, is shown as it is."""
    run_dir = tmp_path / "figures"
    shutil.copytree(quickstart_dir, run_dir)
    summary = _summary(run_dir)
    summary["description"] = "charged 1487999997024.00 in all"
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "charged 1487999997024.00 in all" in _page(run_dir)


def test_same_run_gives_the_same_page(quickstart_dir: Path, tmp_path: Path) -> None:
    """H-2 carried to the page: the same outputs give the same bytes (gzip without a time)."""
    first = write_report(quickstart_dir, tmp_path / "a.html")
    second = write_report(quickstart_dir, tmp_path / "b.html")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.path.read_bytes() == (quickstart_dir / "report.html").read_bytes()


def test_ten_thousand_accounts_stay_a_small_page(large_dir: Path) -> None:
    """OV-1..4 for 10,000 accounts: all on the page for the picker, packed small."""
    """Every account is on the page for the picker; the per-account data is compressed."""
    page = _page(large_dir)
    assert len(page.encode("utf-8")) < 2_000_000
    run, accounts = embedded(page)
    assert len(accounts["ids"]) == 10_000 and accounts["ids"][-1] == "acct-09999"
    assert run["months"] == ["2026-01", "2026-02", "2026-03"]
    last = accounts["accounts"][-1]
    assert last["d"] == "999.00" and last["m"][2][:3] == ["100.00", "10.00", "110.00"]


def test_report_command_rebuilds_the_page(quickstart_dir: Path, tmp_path: Path) -> None:
    """Issue 6: `billing-sim report DIR` rebuilds the page `run` wrote, byte for byte."""
    run_dir = tmp_path / "run"
    shutil.copytree(quickstart_dir, run_dir)
    (run_dir / "report.html").unlink()
    result = CliRunner().invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "report.html (6 accounts" in result.output
    assert (run_dir / "report.html").read_bytes() == (quickstart_dir / "report.html").read_bytes()


def _break(run_dir: Path, how: str) -> str:
    """Damage a copied run one way; return what the error message must name."""
    events, summary = run_dir / "events.jsonl", run_dir / "summary.json"
    if how == "no events":
        events.unlink()
        return "events.jsonl: missing"
    if how == "no summary":
        summary.unlink()
        return "summary.json: missing"
    if how == "summary not json":
        summary.write_text("{ not json", encoding="utf-8")
        return "summary.json: not JSON"
    if how == "summary without accounts":
        data = _summary(run_dir)
        del data["accounts"]
        summary.write_text(json.dumps(data), encoding="utf-8")
        return "`accounts` is missing"
    if how == "amount as float":
        data = _summary(run_dir)
        data["accounts"]["acme"]["total_amount_due"] = 0.5
        summary.write_text(json.dumps(data), encoding="utf-8")
        return "accounts.acme.total_amount_due"
    if how == "fees by day as float":
        data = _summary(run_dir)
        data["fees_by_day"]["to_date"][3] = 1.5
        summary.write_text(json.dumps(data), encoding="utf-8")
        return "fees_by_day.to_date.3"
    if how == "fees by day without first":
        data = _summary(run_dir)
        del data["fees_by_day"]["first"]
        summary.write_text(json.dumps(data), encoding="utf-8")
        return 'fees_by_day: expected {"first": "YYYY-MM-DD"'
    if how == "event not json":
        lines = events.read_text(encoding="utf-8").splitlines()
        lines[2] = lines[2][:-5]
        events.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "events.jsonl line 3: not JSON"
    if how == "event without time":
        lines = events.read_text(encoding="utf-8").splitlines()
        record = json.loads(lines[4])
        record["at"] = "yesterday"
        lines[4] = json.dumps(record)
        events.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "events.jsonl line 5: at: 'yesterday' is not an ISO 8601 time"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "no events",
        "no summary",
        "summary not json",
        "summary without accounts",
        "amount as float",
        "fees by day as float",
        "fees by day without first",
        "event not json",
        "event without time",
    ],
)
def test_report_command_refuses_missing_or_malformed_outputs(
    quickstart_dir: Path, tmp_path: Path, how: str
) -> None:
    """Issue 6: bad outputs exit 2, naming file and fault, no traceback (H-3: no float amount)."""
    run_dir = tmp_path / "run"
    shutil.copytree(quickstart_dir, run_dir)
    named = _break(run_dir, how)
    result = CliRunner().invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output


def test_report_command_refuses_a_missing_directory(tmp_path: Path) -> None:
    """Issue 6: a missing run directory is exit 2 with a clear message."""
    result = CliRunner().invoke(app, ["report", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such run directory" in result.output
