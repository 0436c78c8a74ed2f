"""How a 3D Secure challenge ends (3DS-2), as card links and Coding Plan orders both learn it:
when the customer comes back from the bank's page, and when the time-out check runs."""

from __future__ import annotations

from billing_engine.ports import GatewayUnavailable, ThreeDSGateway, ThreeDSResult


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
