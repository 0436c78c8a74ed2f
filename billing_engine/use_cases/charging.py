"""Taking money: the prepaid balance first (PAY-3), the rest charged to a payment method through
its gateway, amounts as two-place Decimals. Shared by deductions, repayments and plans."""

from __future__ import annotations

from dataclasses import dataclass

from billing_engine.domain.account import Account
from billing_engine.domain.payment_methods import CardMethod, PaymentMethod
from billing_engine.money import NO_CENTS, Cents
from billing_engine.ports import GatewayResult, GatewayUnavailable, OutcomeUnknown, PaymentFound
from billing_engine.use_cases.context import EngineContext


def charge_method(
    ctx: EngineContext,
    method: PaymentMethod,
    amount: Cents,
    key: str,
    *,
    merchant_initiated: bool,
    threeds_transaction_id: str | None = None,
) -> GatewayResult:
    """One charge. A gateway that did nothing is a failure with reason gateway_unavailable; one
    whose answer was lost gives an `unknown` result, never a failure: it may have charged."""
    try:
        if isinstance(method, CardMethod):
            assert method.token is not None
            result = ctx.cards.charge(
                method.token,
                amount.decimal,
                idempotency_key=key,
                merchant_initiated=merchant_initiated,
                threeds_transaction_id=threeds_transaction_id,
            )
        else:
            assert method.payment_token_id is not None
            result = ctx.paypal.charge(method.payment_token_id, amount.decimal, request_id=key)
    except OutcomeUnknown:
        return GatewayResult(ok=False, unknown=True)
    except GatewayUnavailable:
        return GatewayResult(ok=False, reason="gateway_unavailable")
    return accepted(ctx, method, amount, result)


def find_charge(ctx: EngineContext, method: PaymentMethod, key: str) -> PaymentFound:
    """What the method's gateway says of the charge made with `key`: None if it made none;
    GatewayUnavailable when it cannot say."""
    gateway = ctx.cards if isinstance(method, CardMethod) else ctx.paypal
    return gateway.find_charge(key)


def accepted(
    ctx: EngineContext, method: PaymentMethod, amount: Cents, result: GatewayResult
) -> GatewayResult:
    """A gateway's verdict on a charge, counted once where it took the money."""
    if result.ok:
        ctx.charged[method.kind] += amount
        return result
    return GatewayResult(ok=False, id=result.id, reason=result.reason or "declined")


@dataclass(frozen=True)
class Payment:
    from_balance: Cents
    charged: Cents
    #: None when the payment will settle as paid (or its outcome is unknown)
    failure: str | None
    #: the gateway never answered: the charge waits to be reconciled
    unknown: bool = False


def take_payment(
    ctx: EngineContext,
    account: Account,
    amount: Cents,
    method: PaymentMethod | None,
    key: str,
    *,
    merchant_initiated: bool,
    threeds_transaction_id: str | None = None,
) -> Payment:
    """Balance first, then the method. The balance part is reserved now; the caller gives it
    back if the payment settles as failed."""
    if not account.balance and amount > 0:  # no prepaid balance, the usual case
        from_balance, charged = NO_CENTS, amount
    else:
        from_balance = min(account.balance, amount)
        charged = amount - from_balance
    failure, unknown = None, False
    if charged > 0:
        if method is None:
            failure = "no_payment_method"
        else:
            result = charge_method(
                ctx,
                method,
                charged,
                key,
                merchant_initiated=merchant_initiated,
                threeds_transaction_id=threeds_transaction_id,
            )
            failure = None if result.ok or result.unknown else result.reason
            unknown = result.unknown
    if from_balance:
        account.balance -= from_balance
    return Payment(from_balance, charged, failure, unknown)
