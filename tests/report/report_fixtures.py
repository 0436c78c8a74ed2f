"""Helpers for the report's tests: read back the data a page embeds, and write a synthetic run
with many accounts (a real 10,000-account year takes minutes; its shape takes a second)."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
#: every card number the quickstart scenario gives (H-4: none may reach the page)
SYNTHETIC_RUN_ID = "0123456789abcdef-seed7-v0.1.0"
QUICKSTART_CARDS = ("4242424242424242", "5555555555554444", "2223003122003222", "4000000000000341")


def embedded(page: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(run-wide data, per-account data) as the page's script reads them."""
    run = re.search(r'<script type="application/json" id="run-data">(.*?)</script>', page, re.S)
    packed = re.search(r'id="account-data">([A-Za-z0-9+/=\s]*)</script>', page)
    assert run and packed, "the page embeds no data"
    accounts = json.loads(gzip.decompress(base64.b64decode(packed.group(1))))
    return json.loads(run.group(1)), accounts


def synthetic_run(directory: Path, accounts: int, months: int = 12) -> Path:
    """A run directory shaped like a population run: every account in summary.json with its
    month figures, two events each (opened, one month-end deduction) in events.jsonl."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = [f"2026-{m:02d}" for m in range(1, months + 1)]
    month = {
        "pretax": "100.00",
        "tax": "10.00",
        "total": "110.00",
        "by_mode": {"payg": "110.00", "coding_plan": "0.00"},
        "by_product": {"qwen-max": "110.00"},
        "outstanding_at_close": "110.00",
    }
    summary = {
        "scenario": "synthetic",
        "description": "many accounts",
        "seed": 7,
        "transport": "direct",
        "span": {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z", "days": 365},
        "run": {
            "id": SYNTHETIC_RUN_ID,
            "events": accounts * 2,
            "accounts": accounts,
            "account_months": accounts * months,
        },
        "accounts": {
            f"acct-{i:05d}": {
                "country": "US",
                "status": "active",
                "total_amount_due": f"{i % 1000}.00",
                "months": dict.fromkeys(keys, month),
            }
            for i in range(accounts)
        },
        "totals": {"fees": "0.00", "paid": "0.00", "outstanding": "0.00", "deductions": {}},
        "invariants": [],
    }
    (directory / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    opened = {"at": "2026-01-01T00:00:00Z", "type": "account.opened", "country": "US"}
    deducted = {"at": "2026-02-01T00:00:00Z", "type": "deduction.initiated", "amount": "110.00"}
    lines = [
        json.dumps({"seq": i + 1, **opened, "account": f"acct-{i:05d}", "balance": "0.00"})
        for i in range(accounts)
    ]
    lines += [
        json.dumps(
            {"seq": accounts + i + 1, **deducted, "account": f"acct-{i:05d}", "deduction": f"d{i}"}
            | {"method": 0, "trigger": "month_end"}
        )
        for i in range(accounts)
    ]
    header = {"seq": 0, "at": opened["at"], "type": "run.started", "account": None}
    lines.insert(0, json.dumps({**header, "run": {"id": SYNTHETIC_RUN_ID}}))
    (directory / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory
