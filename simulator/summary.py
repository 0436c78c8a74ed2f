"""The run's summary (summary.json): per account and month the Billing Overview figures, totals,
and the facts of the run. Everything is read from the engine's own queries and the event log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from billing_engine.events import format_time
from billing_engine.ledger import BILLING_MODES, Spend
from billing_engine.money import format_amount

if TYPE_CHECKING:
    from simulator.world import World


def months_between(world: World) -> list[tuple[int, int]]:
    """Every month that the run's span touches, in order."""
    year, month = world.start.year, world.start.month
    months = []
    while (year, month) < (world.end.year, world.end.month) or (
        (year, month) == (world.end.year, world.end.month) and world.end.day > 1
    ):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_figures(entries: Mapping[tuple[str, str], Spend], products: Iterable[str]) -> dict:
    """One account-month of the summary from the month's spend by (product, mode): what
    total_spend (all modes, then each) and spending_trend (each product) give, in one pass."""
    pretax = tax = Fraction(0)
    by_mode = dict.fromkeys(BILLING_MODES, Fraction(0))
    by_product = dict.fromkeys(products, Fraction(0))
    for (product, mode), spend in entries.items():
        pretax += spend.pretax
        tax += spend.tax
        by_mode[mode] += spend.total
        if product in by_product:
            by_product[product] += spend.total
    return {
        "pretax": _text(pretax),
        "tax": _text(tax),
        "total": _text(pretax + tax),
        "by_mode": {mode: _text(value) for mode, value in by_mode.items()},
        "by_product": {product: _text(value) for product, value in by_product.items()},
    }


#: one shared text for the many zero figures of a large run (10,000 accounts x 12 months)
_ZERO_TEXT = format_amount(Fraction(0))


def _text(amount: Fraction) -> str:
    return format_amount(amount) if amount else _ZERO_TEXT


def summarize(world: World, *, transport: str) -> dict[str, Any]:
    engine, log = world.engine, world.log
    months = months_between(world)
    month_keys = [f"{year:04d}-{month:02d}" for year, month in months]
    accounts: dict[str, Any] = {}
    fees = paid = outstanding = Fraction(0)
    for account_id in engine.account_ids():
        account = engine.account(account_id)
        products = world.meters[account_id].plan.products if account_id in world.meters else ()
        ledger = account.ledger
        per_month = {}
        for (year, month), key in zip(months, month_keys, strict=True):
            per_month[key] = {
                **month_figures(ledger.spend_in((year, month)), products),
                "outstanding_at_close": log.outstanding_at_close.get((account_id, key)),
            }
        fees += ledger.fees
        paid += ledger.paid
        outstanding += ledger.outstanding
        accounts[account_id] = {
            "country": account.country,
            "status": account.status,
            "total_amount_due": format_amount(ledger.amount_due),
            "months": per_month,
        }
    deductions: dict[str, dict[str, int]] = {}
    for (trigger, outcome), count in sorted(log.deductions.items()):
        deductions.setdefault(trigger, {"succeeded": 0, "failed": 0})[outcome] = count
    return {
        "scenario": world.scenario.name,
        "description": getattr(world.scenario, "description", None),
        "seed": world.seed,
        "transport": transport,
        "span": {
            "start": format_time(world.start),
            "end": format_time(world.end),
            "days": (world.end - world.start).days,
        },
        "run": {
            "events": log.count,
            "accounts": len(accounts),
            "account_months": len(accounts) * len(months),
        },
        "accounts": accounts,
        "totals": {
            "fees": format_amount(fees),
            "paid": format_amount(paid),
            "outstanding": format_amount(outstanding),
            "deductions": deductions,
            "repayments": {k: log.repayments[k] for k in ("paid", "failed", "rejected")},
            "links": {
                "linked": log.types.get("payment_method.linked", 0),
                "rejected": dict(sorted(log.link_rejections.items())),
            },
        },
    }
