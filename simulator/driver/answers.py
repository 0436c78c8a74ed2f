"""What the reference engine's answers look like on the wire (the server's side of `wire`):
outcomes with one `redirect_url` where the customer must go, the account's state, the
Billing Overview figures. Amounts are exact decimal strings."""

from __future__ import annotations

from typing import Any

from simulator.driver.wire import amount_text, month_text, time_text
from simulator.engine_port import AccountView, SpendFigures


def _optional_amount(value: Any) -> str | None:
    return None if value is None else amount_text(value)


def link_answer(outcome: Any) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "method_id": outcome.method_id,
        "kind": outcome.kind,
        "reason": outcome.reason,
        "redirect_url": outcome.acs_url or outcome.approve_url,
    }


def activation_answer(outcome: Any) -> dict[str, Any]:
    return {"product": outcome.product, "status": outcome.status, "reason": outcome.reason}


def repayment_answer(outcome: Any) -> dict[str, Any]:
    return {
        "repayment_id": outcome.repayment_id,
        "status": outcome.status,
        "amount": amount_text(outcome.amount),
        "from_balance": amount_text(outcome.from_balance),
        "charged": amount_text(outcome.charged),
        "method_id": outcome.method_id,
        "reason": outcome.reason,
        "redirect_url": outcome.acs_url,
    }


def plan_answer(outcome: Any) -> dict[str, Any]:
    return {
        "plan": outcome.plan,
        "status": outcome.status,
        "amount": amount_text(outcome.amount),
        "reason": outcome.reason,
        "redirect_url": outcome.acs_url,
    }


def spend_answer(spend: SpendFigures) -> dict[str, str]:
    return {
        "pretax": amount_text(spend.pretax),
        "tax": amount_text(spend.tax),
        "total": amount_text(spend.total),
    }


def account_answer(account: AccountView, policy: Any) -> dict[str, Any]:
    """What the harness reads of an account: state, methods, holds, deductions, money."""
    ledger = account.ledger
    return {
        "country": account.country,
        "status": account.status,
        "products": list(account.products),
        "default_method_id": account.default_method_id,
        "threshold": _optional_amount(account.threshold(policy)),
        "methods": [
            {
                "id": m.id,
                "kind": m.kind,
                "status": m.status,
                "token": getattr(m, "token", None) or getattr(m, "payment_token_id", None),
            }
            for m in account.methods
        ],
        "holds": [
            {"method_id": h.method_id, "authorization_id": h.authorization_id}
            for h in account.preauths
        ],
        "deductions": [
            {"trigger": d.trigger, "month": None if d.month is None else month_text(*d.month)}
            for d in account.deductions
        ],
        "ledger": {
            name: amount_text(getattr(ledger, name))
            for name in (
                "fees",
                "paid",
                "outstanding",
                "amount_due",
                "toward_threshold",
                "in_flight",
            )
        },
    }


def month_spend_answer(by_product_mode: Any) -> list[dict[str, str]]:
    return [
        {"product": product, "mode": mode, **spend_answer(spend)}
        for (product, mode), spend in by_product_mode.items()
    ]


def clock_answer(now: Any) -> dict[str, str]:
    return {"now": time_text(now)}
