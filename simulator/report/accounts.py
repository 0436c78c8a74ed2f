"""Per-account data for the report, compact enough for 10,000 accounts: the month figures of the
Billing Overview (OV-1..4) from summary.json, with the account's methods and timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billing_engine.money import format_amount
from simulator.report.inputs import RunOutputs, amount
from simulator.report.run_plots import compact
from simulator.report.timeline import Timelines

#: the figures of one month, in the order the page reads them
MONTH_FIGURES = ("pretax", "tax", "total", "payg", "coding_plan", "outstanding")
MODES = ("payg", "coding_plan")


class Products:
    """Every product in the run, as [name, billing mode], indexed."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}

    def code(self, name: str, mode: str) -> int:
        return self.index.setdefault((name, mode), len(self.index))

    def table(self) -> list[list[str]]:
        return [list(key) for key in self.index]


def account_records(
    outputs: RunOutputs, months: list[str], timelines: Timelines, products: Products
) -> tuple[list[str], list[dict[str, Any]]]:
    """(ids in the summary's order, one record per account)."""
    ids, records = [], []
    for account_id, account in outputs.summary["accounts"].items():
        where = f"{outputs.directory / 'summary.json'}: accounts.{account_id}"
        plans = timelines.plan_charges.get(account_id, {})
        payg = sorted({p for m in account["months"].values() for p in m["by_product"]})
        own = [(name, "payg") for name in payg] + [(name, "coding_plan") for name in sorted(plans)]
        figures = []
        for key in months:
            month = account["months"].get(key)
            if month is None:
                figures.append(None)
                continue
            at = f"{where}.months.{key}"
            row: list[Any] = [compact(amount(month[f], f"{at}.{f}")) for f in MONTH_FIGURES[:3]]
            row += [
                compact(amount(month["by_mode"].get(mode, "0.00"), f"{at}.by_mode.{mode}"))
                for mode in MODES
            ]
            owed = month.get("outstanding_at_close")
            row.append(None if owed is None else compact(amount(owed, f"{at}.outstanding")))
            row.append(
                [
                    compact(amount(month["by_product"].get(name, "0.00"), f"{at}.by_product"))
                    if mode == "payg"
                    else compact(plans[name].get(key, Decimal(0)))
                    for name, mode in own
                ]
            )
            figures.append(row)
        ids.append(account_id)
        records.append(
            {
                "c": account.get("country", ""),
                "s": account.get("status", ""),
                "d": format_amount(amount(account["total_amount_due"], f"{where}.due")),
                "p": [products.code(name, mode) for name, mode in own],
                "m": figures,
                "w": [entry for _, entry in sorted(timelines.methods.get(account_id, {}).items())],
                "t": timelines.encoded(account_id),
            }
        )
    return ids, records
