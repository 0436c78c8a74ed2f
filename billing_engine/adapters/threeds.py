"""The 3D Secure adapter: implements `ports.ThreeDSGateway` over a transport. Build it with
`HttpThreeDSGateway.over_wsgi(app)` / `.over_url(url)` or
`ThreeDSAdapter(InProcessTransport(handler))`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billing_engine.adapters.card import UnknownGatewayObject
from billing_engine.adapters.http_client import (
    DEFAULT_ATTEMPTS,
    Answer,
    Call,
    OverHttp,
    Transport,
    call_idempotent,
    call_read,
    idempotency_lookup,
    path_segment,
    wire_amount,
)
from billing_engine.ports import ThreeDSResult


class ThreeDSAdapter:
    """`ports.ThreeDSGateway` over any Transport. A refused request (unknown card token, bad
    return URL) comes back as `U` with the gateway's error code as reason."""

    def __init__(
        self,
        transport: Transport,
        *,
        merchant_name: str | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
    ) -> None:
        self.transport = transport
        self.merchant_name = merchant_name
        self.attempts = attempts

    def authenticate(
        self,
        card_token: str,
        amount: Decimal,
        *,
        challenge_mandated: bool,
        return_url: str,
        idempotency_key: str,
    ) -> ThreeDSResult:
        body: dict[str, Any] = {
            "cardToken": card_token,
            "purchaseAmount": wire_amount(amount),
            "purchaseCurrency": "USD",
            "challengeMandated": challenge_mandated,
            "notificationURL": return_url,
        }
        if self.merchant_name is not None:
            body["merchantName"] = self.merchant_name
        call = Call("authenticate", "POST", "/v1/authentications", body, idempotency_key)
        lookup = idempotency_lookup(idempotency_key)
        answer = call_idempotent(self.transport, call, lookup=lookup, attempts=self.attempts)
        return self._result(answer)

    def result(self, transaction_id: str) -> ThreeDSResult:
        call = Call(
            "result",
            "GET",
            f"/v1/authentications/{path_segment(transaction_id)}",
            path_params={"id": transaction_id},
        )
        answer = call_read(self.transport, call, attempts=self.attempts)
        if not answer.ok:
            raise UnknownGatewayObject(f"3DS transaction {transaction_id}: {answer.error_code}")
        return self._result(answer)

    @staticmethod
    def _result(answer: Answer) -> ThreeDSResult:
        if not answer.ok:
            return ThreeDSResult(transaction_id="", trans_status="U", reason=answer.error_code)
        data = answer.body
        return ThreeDSResult(
            transaction_id=data["threeDSServerTransID"],
            trans_status=data["transStatus"],
            acs_url=data.get("acsURL"),
            reason=data.get("reason"),
        )


class HttpThreeDSGateway(OverHttp, ThreeDSAdapter):
    """Over httpx: `HttpThreeDSGateway.over_wsgi(app, clock=c)` or `.over_url(url, clock=c)`."""

    wsgi_base_url = "http://threeds.sim"
