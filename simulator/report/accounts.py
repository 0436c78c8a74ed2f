"""Per-account data for the report, compact enough for 10,000 accounts: the month figures of the
Billing Overview (OV-1..4) from summary.json, with the account's methods and timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.report.inputs import RunOutputs
from simulator.report.run_plots import compact, compact_text
from simulator.report.timeline import Timelines


class Products:
    """Every product in the run, as [name, billing mode], indexed."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}

    def code(self, name: str, mode: str) -> int:
        return self.index.setdefault((name, mode), len(self.index))

    def table(self) -> list[list[str]]:
        return [list(key) for key in self.index]


def _month_row(
    key: str,
    month: dict[str, Any],
    own: list[tuple[str, str]],
    plans: dict[str, dict[str, Decimal]],
) -> list[Any]:
    """[pretax, tax, total, payg, coding_plan, outstanding_at_close, [per product]], as the
    page reads them (load_run has checked every amount)."""
    by_mode, by_product = month["by_mode"], month["by_product"]
    owed = month.get("outstanding_at_close")
    # spelt out, not comprehensions over the names: a large run has a million figures here
    return [
        compact_text(month["pretax"]),
        compact_text(month["tax"]),
        compact_text(month["total"]),
        compact_text(by_mode.get("payg", "0.00")),
        compact_text(by_mode.get("coding_plan", "0.00")),
        None if owed is None else compact_text(owed),
        [
            compact_text(by_product.get(name, "0.00"))
            if mode == "payg"
            else compact(plans[name].get(key, Decimal(0)))
            for name, mode in own
        ],
    ]


def account_records(
    outputs: RunOutputs, months: list[str], timelines: Timelines, products: Products
) -> tuple[list[str], list[dict[str, Any]]]:
    """(ids in the summary's order, one record per account)."""
    ids, records = [], []
    for account_id, account in outputs.summary["accounts"].items():
        plans = timelines.plan_charges.get(account_id, {})
        payg = sorted({p for m in account["months"].values() for p in m["by_product"]})
        own = [(name, "payg") for name in payg] + [(name, "coding_plan") for name in sorted(plans)]
        figures = [
            None
            if key not in account["months"]
            else _month_row(key, account["months"][key], own, plans)
            for key in months
        ]
        ids.append(account_id)
        records.append(
            {
                "c": account.get("country", ""),
                "s": account.get("status", ""),
                "d": account["total_amount_due"],
                "p": [products.code(name, mode) for name, mode in own],
                "m": figures,
                "w": [entry for _, entry in sorted(timelines.methods.get(account_id, {}).items())],
                "t": timelines.encoded(account_id),
            }
        )
    return ids, records
