"""Payments the gateway never answered: each keeps its idempotency key and the money it covers,
and is looked up by that key on a schedule until the gateway tells what became of it."""

from __future__ import annotations

from collections.abc import Callable

from billing_engine.domain.account import Account
from billing_engine.domain.unknown_payment import Purpose, UnknownPayment
from billing_engine.money import Cents
from billing_engine.ports import GatewayResult, GatewayUnavailable
from billing_engine.use_cases.charging import accepted, find_charge
from billing_engine.use_cases.context import EngineContext

Settle = Callable[[GatewayResult], object]


def reconcile_later(
    ctx: EngineContext,
    account: Account,
    *,
    key: str,
    purpose: Purpose,
    method_id: int,
    charged: Cents,
    settle: Settle,
) -> None:
    """Keep the charge made under `key` unknown, from now until a look-up by that key answers;
    then `settle` gets the gateway's verdict (a charge never carried out fails with reason
    gateway_unavailable)."""
    payment = UnknownPayment(key, account.id, purpose, method_id, charged, since=ctx.now())
    ctx.unknown_payments[key] = payment
    _look_later(ctx, account, payment, settle)


def _look_later(
    ctx: EngineContext, account: Account, payment: UnknownPayment, settle: Settle
) -> None:
    ctx.call_at(payment.next_look(), lambda: _look(ctx, account, payment, settle), account.id)


def _look(ctx: EngineContext, account: Account, payment: UnknownPayment, settle: Settle) -> None:
    payment.looks += 1
    method = account.methods[payment.method_id]
    try:
        found = find_charge(ctx, method, payment.key)
    except GatewayUnavailable:
        _look_later(ctx, account, payment, settle)
        return
    del ctx.unknown_payments[payment.key]
    if found is None:
        settle(GatewayResult(ok=False, reason="gateway_unavailable"))
    else:
        settle(accepted(ctx, method, payment.charged, found))
