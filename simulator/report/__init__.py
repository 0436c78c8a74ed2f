"""The Billing Overview report: one self-contained HTML page built from a run's events.jsonl and
summary.json (`billing-sim report DIR`; `billing-sim run --out DIR` writes it too)."""
