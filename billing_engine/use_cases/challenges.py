"""3D Secure for what a customer pays by card (3DS-1/2): asking the card's bank, as Coding Plan
orders and manual repayments both do, and how a challenge ends, as those and card links learn
it: when the customer comes back from the bank's page, and when the time-out check runs."""

from __future__ import annotations

from billing_engine.domain.account import Account
from billing_engine.domain.payment_methods import CardMethod
from billing_engine.money import Cents
from billing_engine.ports import GatewayUnavailable, ThreeDSGateway, ThreeDSResult
from billing_engine.use_cases.context import EngineContext


def authenticate_payment(
    ctx: EngineContext, account: Account, method: CardMethod, amount: Cents
) -> ThreeDSResult | None:
    """The card's bank's answer to a customer-initiated payment (it decides whether to
    challenge); None when the 3DS server gives no answer."""
    assert method.token is not None
    try:
        return ctx.threeds.authenticate(
            method.token,
            amount.decimal,
            challenge_mandated=False,
            return_url=ctx.return_url,
            idempotency_key=account.next_id("3ds"),
        )
    except GatewayUnavailable:
        return None


def result_on_return(threeds: ThreeDSGateway, transaction_id: str) -> ThreeDSResult | None:
    """The challenge's final result once the customer is back; None while it is still open or
    the 3DS server cannot say: the time-out check settles it then."""
    try:
        result = threeds.result(transaction_id)
    except GatewayUnavailable:
        return None
    return None if result.trans_status == "C" else result


def result_at_timeout(threeds: ThreeDSGateway, transaction_id: str) -> ThreeDSResult:
    """The challenge's result when its time is up: one still open (or unknown) is abandoned."""
    result = result_on_return(threeds, transaction_id)
    return result or ThreeDSResult(transaction_id, "U", reason="timed_out")
