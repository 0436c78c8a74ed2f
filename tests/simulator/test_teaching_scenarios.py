"""Each bundled teaching scenario, run for real, shows what its comments promise (the events that
teach its rules) and keeps every invariant (H-3 conservation, ledgers, holds, H-4 ...)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simulator.cli import SCENARIOS_DIR
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

# (event type, account, fields the event must carry)
Expect = tuple[str, str, dict[str, Any]]

EXPECTED: dict[str, list[Expect]] = {
    "card-threshold": [  # AUTO-2
        ("deduction.initiated", "exactly",
         {"amount": "1000.00", "trigger": "threshold", "at": "2026-01-04T08:00:00Z"}),
        ("deduction.initiated", "big-hours", {"amount": "1500.00", "trigger": "threshold"}),
        ("deduction.initiated", "just-under", {"amount": "999.99", "trigger": "month_end"}),
    ],
    "paypal-threshold": [  # AUTO-3, AUTO-5, PAYPAL-2, PAYPAL-3
        ("payment_method.link_rejected", "too-high", {"reason": "invalid_threshold"}),
        ("deduction.initiated", "lowest", {"amount": "8.00", "trigger": "threshold"}),
        ("deduction.initiated", "default", {"amount": "100.00", "trigger": "threshold"}),
        ("preauth.authorized", "lowest", {"at": "2026-01-05T01:00:00Z", "amount": "1.00"}),
        ("payment_method.link_rejected", "no-funding", {"reason": "paypal_no_funding_source"}),
        ("payment_method.link_rejected", "no-funding", {"reason": "paypal_agreement_not_approved"}),
    ],
    "month-end": [  # AUTO-4
        ("deduction.initiated", "steady", {"amount": "170.00", "at": "2026-01-01T00:00:00Z"}),
        ("deduction.initiated", "last-hour", {"amount": "5.00", "trigger": "month_end"}),
        ("deduction.initiated", "monthly", {"amount": "744.00", "trigger": "month_end"}),
    ],
    "expiring-cards": [  # CARD-4
        ("payment_method.link_rejected", "last-month", {"reason": "expired"}),
        ("payment_method.link_rejected", "this-month", {"reason": "expires_this_month"}),
        ("payment_method.linked", "next-month", {"last4": "3222"}),
        ("payment_method.linked", "reissued", {"method": 1}),
    ],
    "preauth-release": [  # CARD-5
        ("preauth.authorized", "friday", {"descriptor": "ALIBABACLOUD.COM", "amount": "1.00"}),
        ("preauth.released", "friday", {"by": "issuer"}),
        ("preauth.released", "long-weekend", {"by": "issuer"}),
        ("preauth.released", "kuala-lumpur", {"by": "issuer"}),
    ],
    "duplicate-link-cooldown": [  # LINK-1, LINK-2
        ("payment_method.link_rejected", "second", {"method": 0, "reason": "already_linked"}),
        ("payment_method.link_rejected", "second", {"method": 1, "reason": "already_linked"}),
        ("payment_method.linked", "second", {"method": 2}),
        ("payment_method.linked", "fourth", {"last4": "4444"}),
        ("payment_method.link_rejected", "paypal-copy", {"reason": "already_linked"}),
    ],
    "manual-repayment": [  # PAY-2, PAY-3, PAY-5
        ("repayment.rejected", "by-hand", {"amount": "0.00", "reason": "invalid_amount"}),
        ("repayment.rejected", "by-hand", {"amount": "50000.00", "reason": "invalid_amount"}),
        ("repayment.rejected", "by-hand", {"reason": "payment_pending"}),
        ("repayment.settled", "by-hand", {"amount": "300.00", "status": "paid"}),
        ("deduction.succeeded", "prepaid", {"from_balance": "250.00", "charged": "250.00"}),
    ],
    "overdue-suspension": [  # AUTO-6, AUTO-7
        ("deduction.failed", "late-payer", {"amount": "1000.00"}),
        ("deduction.initiated", "late-payer", {"amount": "2000.00", "trigger": "threshold"}),
        ("account.overdue", "late-payer", {"at": "2026-01-20T00:30:00Z"}),
        ("account.suspended", "late-payer", {}),
        ("account.resumed", "late-payer", {}),
    ],
    "threeds-by-region": [  # CARD-3, 3DS-1, 3DS-2
        ("payment_method.linked", "de-pass", {}),
        ("payment_method.link_rejected", "fr-fail", {"reason": "threeds_failed"}),
        ("payment_method.link_rejected", "my-abandon", {"reason": "threeds_abandoned"}),
        ("threeds.challenged", "us-risky", {}),
        ("payment_method.link_rejected", "nl-not-enrolled", {"reason": "threeds_not_supported"}),
    ],
    "coding-plan": [  # PLAN-1
        ("plan.purchased", "coder", {"plan": "pro", "amount": "50.00"}),
        ("plan.renewed", "coder", {"at": "2026-02-05T10:00:00Z"}),
        ("plan.renewal_failed", "renewal-fails", {"plan": "lite"}),
    ],
    "gateway-faults": [
        ("deduction.failed", "busy-card", {"reason": "insufficient_funds"}),
    ],
}  # fmt: skip


def card_only(original: str, *dropped: str) -> list[Expect]:
    """A card-only form (NAME-cards) shows what its original shows on the accounts it keeps."""
    return [expect for expect in EXPECTED[original] if expect[1] not in dropped]


EXPECTED |= {
    "duplicate-link-cooldown-cards": card_only("duplicate-link-cooldown", "paypal-copy"),
    "gateway-faults-cards": card_only("gateway-faults"),
    "overdue-suspension-cards": [  # paid by the month end on the healthy default, not by hand
        *card_only("overdue-suspension"),
        ("deduction.initiated", "late-payer",
         {"amount": "4750.00", "trigger": "month_end", "method": 1}),
    ],
    "quickstart-cards": [
        ("payment_method.link_rejected", "expiring", {"reason": "expires_this_month"}),
        ("payment_method.link_rejected", "copycat", {"reason": "already_linked"}),
        ("account.deactivated", "copycat", {}),
        ("deduction.initiated", "euro-gmbh",  # AUTO-2 counts tax: 47.60 a day
         {"amount": "1001.58", "trigger": "threshold", "at": "2026-01-22T01:00:00Z"}),
        ("deduction.failed", "lapsed", {"amount": "1000.00"}),
        ("account.suspended", "lapsed", {}),
        ("deduction.initiated", "lapsed",
         {"amount": "2500.00", "trigger": "month_end", "method": 1}),
        ("account.resumed", "lapsed", {}),
    ],
}  # fmt: skip

NOT_EXPECTED: dict[str, list[Expect]] = {
    "card-threshold": [("deduction.initiated", "just-under", {"trigger": "threshold"})],
    "month-end": [("deduction.initiated", "idle", {})],
    "threeds-by-region": [("threeds.challenged", "us-frictionless", {})],
    "coding-plan": [("deduction.initiated", "paypal-coder", {})],  # PLAN-1: not PAYG threshold
}


def matches(event: dict[str, Any], kind: str, account: str, fields: dict[str, Any]) -> bool:
    return (
        event["type"] == kind
        and event["account"] == account
        and all(event.get(k) == v for k, v in fields.items())
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_teaching_scenario_shows_its_rules(name: str, tmp_path):
    result = run_scenario(
        load_scenario(SCENARIOS_DIR / f"{name}.yaml"), transport="direct", out=tmp_path
    )
    failed = [i for i in result.summary["invariants"] if not i["ok"]]
    assert result.ok, failed
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    for kind, account, fields in EXPECTED[name]:
        assert any(matches(e, kind, account, fields) for e in events), (kind, account, fields)
    for kind, account, fields in NOT_EXPECTED.get(name, []):
        assert not any(matches(e, kind, account, fields) for e in events), (kind, account, fields)


def test_every_teaching_scenario_has_expectations():
    bundled = {p.stem for p in SCENARIOS_DIR.glob("*.yaml")}
    assert bundled - set(EXPECTED) == {"quickstart", "population-10k-year"}
