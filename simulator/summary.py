"""The run's summary (summary.json): per account and month the Billing Overview figures, totals,
and the facts of the run. Everything is read from the engine's own queries and the event log."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from billing_engine.domain.ledger import BILLING_MODES, sum_nonzero
from billing_engine.money import ZERO, format_amount
from simulator.engine_port import Engine, SpendFigures
from simulator.event_json import format_time

if TYPE_CHECKING:
    from simulator.world import World


def months_between(start: datetime, end: datetime) -> list[tuple[int, int]]:
    """Every month that the span touches, in order."""
    year, month = start.year, start.month
    months = []
    while (year, month) < (end.year, end.month) or (
        (year, month) == (end.year, end.month) and end.day > 1
    ):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_figures(entries: Mapping[tuple[str, Any], SpendFigures], products: Iterable[str]) -> dict:
    """One account-month of the summary from the month's spend by (product, mode): what
    total_spend (all modes, then each) and spending_trend (each product) give, in one pass."""
    # Most sums here have one term (one product, no tax, one mode): sum_nonzero skips the
    # Fraction additions of zeros, 120,000 account-months of them in a large run.
    # The month's total adds the entries' totals, not the pretax and tax figures: an engine
    # over the wire shows each figure rounded, and its total is its exact sum rounded (OV-1).
    pretax = tax = month_total = ZERO
    by_mode = dict.fromkeys(BILLING_MODES, ZERO)
    by_product = dict.fromkeys(products, ZERO)
    for (product, mode), spend in entries.items():
        total = spend.total
        pretax = sum_nonzero(pretax, spend.pretax)
        tax = sum_nonzero(tax, spend.tax)
        month_total = sum_nonzero(month_total, total)
        by_mode[mode] = sum_nonzero(by_mode[mode], total)
        if product in by_product:
            by_product[product] = sum_nonzero(by_product[product], total)
    return {
        "pretax": _text(pretax),
        "tax": _text(tax),
        "total": _text(month_total),
        "by_mode": {mode: _text(value) for mode, value in by_mode.items()},
        "by_product": {product: _text(value) for product, value in by_product.items()},
    }


#: one shared text for the many zero figures of a large run (10,000 accounts x 12 months)
_ZERO_TEXT = format_amount(Fraction(0))


def _text(amount: Fraction) -> str:
    return format_amount(amount) if amount else _ZERO_TEXT


@dataclass
class Tally:
    """What one world adds to the run's summary: each account's figures as shown, and the
    run-wide sums, kept exact until shown. A run split over several worlds adds its tallies."""

    accounts: dict[str, Any] = field(default_factory=dict)
    fees: Fraction = Fraction(0)
    paid: Fraction = Fraction(0)
    outstanding: Fraction = Fraction(0)
    events: int = 0
    #: (trigger, outcome) -> deductions settled so
    deductions: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: "paid" | "failed" | "rejected" -> repayments
    repayments: Counter[str] = field(default_factory=Counter)
    linked: int = 0
    #: reason -> rejected links
    link_rejections: Counter[str] = field(default_factory=Counter)
    #: UTC day -> PAYG fees of the hours starting on it (days without fees left out)
    fees_by_day: dict[date, Fraction] = field(default_factory=dict)
    #: (the scenario fault's place in `faults:`, the account hit) -> attempts it hit
    fault_firings: Counter[tuple[int, str]] = field(default_factory=Counter)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            accounts={**self.accounts, **other.accounts},
            fees=self.fees + other.fees,
            paid=self.paid + other.paid,
            outstanding=self.outstanding + other.outstanding,
            events=self.events + other.events,
            deductions=self.deductions + other.deductions,
            repayments=self.repayments + other.repayments,
            linked=self.linked + other.linked,
            link_rejections=self.link_rejections + other.link_rejections,
            fees_by_day=_add_days(self.fees_by_day, other.fees_by_day),
            fault_firings=self.fault_firings + other.fault_firings,
        )


def _add_days(one: Mapping[date, Fraction], other: Mapping[date, Fraction]) -> dict[date, Fraction]:
    days = dict(one)
    for day, fees in other.items():
        days[day] = days.get(day, Fraction(0)) + fees
    return days


def shown_month(engine: Engine, account_id: str, year: int, month: int) -> dict[str, Any]:
    """A month's Total Spend as the engine's Billing Overview shows it (OV-1), in all and by
    billing mode (OV-4): never the sum of rows each rounded on its own."""
    spend = engine.total_spend(account_id, year, month)
    return {
        "pretax": _text(spend.pretax),
        "tax": _text(spend.tax),
        "total": _text(spend.total),
        "by_mode": {
            mode: _text(engine.total_spend(account_id, year, month, mode).total)
            for mode in BILLING_MODES
        },
    }


def tally(world: World) -> Tally:
    """The world's accounts, month by month, and its sums (after its event log is closed)."""
    engine, log = world.engine, world.log
    months = months_between(world.start, world.end)
    month_keys = [f"{year:04d}-{month:02d}" for year, month in months]
    counted = Tally(
        events=log.count,
        linked=log.types.get("payment_method.linked", 0),
        fees_by_day=dict(engine.fees_by_day()),
    )
    for account_id in engine.account_ids():
        account = engine.account(account_id)
        products = world.products_of(account_id)
        ledger = account.ledger
        per_month = {}
        for (year, month), key in zip(months, month_keys, strict=True):
            figures = month_figures(ledger.spend_in((year, month)), products)
            if world.remote is not None:  # what its Billing Overview shows, rounded once
                figures.update(shown_month(engine, account_id, year, month))
            per_month[key] = {
                **figures,
                "outstanding_at_close": log.outstanding_at_close.get((account_id, key)),
            }
        counted.fees += ledger.fees
        counted.paid += ledger.paid
        counted.outstanding += ledger.outstanding
        counted.accounts[account_id] = {
            "country": account.country,
            "status": account.status,
            "total_amount_due": format_amount(engine.total_amount_due(account_id)),
            "months": per_month,
        }
    counted.deductions.update(log.deductions)
    counted.repayments.update(log.repayments)
    counted.link_rejections.update(log.link_rejections)
    counted.fault_firings = world.gateways.fault_firings(world.accounts)
    # the figures shown, judged by the harness's own model of the whole run
    world.oracle.finish(world.clock.now())
    world.oracle.check_figures(counted.accounts, counted.fees_by_day)
    return counted


def summary_of(
    counted: Tally,
    *,
    scenario: Any,
    seed: int,
    transport: str,
    start: datetime,
    end: datetime,
    run_id: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """summary.json's content from the run's tally (without the invariants); `run_id` (its
    id, scenario digest, seed and version) leads the run's facts."""
    deductions: dict[str, dict[str, int]] = {}
    for (trigger, outcome), count in sorted(counted.deductions.items()):
        deductions.setdefault(trigger, {"succeeded": 0, "failed": 0})[outcome] = count
    return {
        "scenario": scenario.name,
        "description": getattr(scenario, "description", None),
        "seed": seed,
        "transport": transport,
        "span": {
            "start": format_time(start),
            "end": format_time(end),
            "days": (end - start).days,
        },
        "run": {
            **(run_id or {}),
            "events": counted.events,
            "accounts": len(counted.accounts),
            "account_months": len(counted.accounts) * len(months_between(start, end)),
        },
        "accounts": counted.accounts,
        "totals": {
            "fees": format_amount(counted.fees),
            "paid": format_amount(counted.paid),
            "outstanding": format_amount(counted.outstanding),
            "deductions": deductions,
            "repayments": {k: counted.repayments[k] for k in ("paid", "failed", "rejected")},
            "links": {
                "linked": counted.linked,
                "rejected": dict(sorted(counted.link_rejections.items())),
            },
        },
        **fault_firings(counted.fault_firings, getattr(scenario, "faults", [])),
        "fees_by_day": fees_to_date(counted.fees_by_day, start, end),
    }


def fault_firings(fired: Mapping[tuple[int, str], int], faults: list[Any]) -> dict[str, Any]:
    """`faults`: each of the scenario's faults as its gateway took it, with the attempts it
    hit in all and per account (most hit first); nothing for a scenario without faults, so
    its summary is as it was."""
    if not faults:
        return {}
    shown = []
    for index, fault in enumerate(faults):
        by_account = Counter({whom: n for (at, whom), n in fired.items() if at == index})
        shown.append(
            {
                "gateway": fault.gateway,
                **fault.to_rule(),
                "fired": sum(by_account.values()),
                "by_account": dict(sorted(by_account.items(), key=lambda kv: (-kv[1], kv[0]))),
            }
        )
    return {"faults": shown}


def fees_to_date(by_day: Mapping[date, Fraction], start: datetime, end: datetime) -> dict:
    """PAYG fees accrued to the end of each UTC day of the span (and of any later day with
    fees), all accounts: cumulative, so that each figure is the exact sum rounded once, and the
    last is totals.fees."""
    first = min([start.date(), *by_day])
    last = max([(end - timedelta.resolution).date(), *by_day])  # the end is not in the span
    running, to_date = Fraction(0), []
    for offset in range((last - first).days + 1):
        running += by_day.get(first + timedelta(days=offset), Fraction(0))
        to_date.append(format_amount(running))
    return {"first": first.isoformat(), "to_date": to_date}


#: JSON text of one account's figures: the C encoder (indenting falls back to pure Python)
_ACCOUNT_JSON = json.JSONEncoder(separators=(", ", ": "), ensure_ascii=False)


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    """summary.json, indented, with each account's figures on one line of their own: readable
    and diffable, and a 10,000-account summary is written several times faster than fully
    indented (and in a third of the size). Nothing is masked here: free text was masked as it
    was read, and a seed, digest or amount is never a card number, whatever its digits (H-4)."""
    accounts = summary.get("accounts")
    if not accounts:
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return
    # the accounts' place in the indented text, marked by a string no JSON text can contain
    marker = '"\\u0000accounts"'
    outline = json.dumps({**summary, "accounts": "\0accounts"}, indent=2, ensure_ascii=False)
    before, after = outline.split(marker)
    with path.open("w", encoding="utf-8") as file:
        file.write(before + "{")
        for number, (account_id, figures) in enumerate(accounts.items()):
            file.write(",\n    " if number else "\n    ")
            account = f"{json.dumps(account_id, ensure_ascii=False)}: "
            file.write(account + _ACCOUNT_JSON.encode(figures))
        file.write("\n  }" + after + "\n")
