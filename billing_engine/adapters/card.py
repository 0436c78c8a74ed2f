"""The card adapter (`ports.CardGateway`): `HttpCardGateway.over_wsgi(app)` / `.over_url(url)` or
`CardAdapter(InProcessTransport(handler))`, giving the engine the same results on every
transport."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from billing_engine.adapters.http_client import (
    DEFAULT_ATTEMPTS,
    Answer,
    Call,
    OverHttp,
    Transport,
    call_idempotent,
    call_read,
    find_committed,
    idempotency_lookup,
    path_segment,
    wire_amount,
)
from billing_engine.ports import (
    CardDetails,
    CardToken,
    GatewayResult,
    HoldStatus,
    PaymentFound,
    TokenizeResult,
)


class UnknownGatewayObject(LookupError):
    """The gateway does not know the id asked about (a bug in the caller, not an outcome)."""


def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class CardAdapter:
    """`ports.CardGateway` over any Transport. Declines and refusals come back as results with
    the gateway's reason code; only a gateway giving no usable answer raises
    `GatewayUnavailable` (after retries that keep the idempotency key)."""

    def __init__(
        self,
        transport: Transport,
        *,
        merchant_country: str | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
    ) -> None:
        self.transport = transport
        self.merchant_country = merchant_country
        self.attempts = attempts

    # --- CardGateway ------------------------------------------------------------------------

    def tokenize(self, card: CardDetails, *, idempotency_key: str) -> TokenizeResult:
        body = {
            "number": card.number,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "cvv": card.cvv,
            "name": card.name,
        }
        answer = self._mutate(Call("tokenize", "POST", "/v1/tokens", body, idempotency_key))
        if not answer.ok:
            return TokenizeResult(ok=False, reason=answer.error_code)
        data = answer.body
        token = CardToken(
            token=data["id"],
            brand=data["brand"],
            last4=data["last4"],
            fingerprint=data["fingerprint"],
            exp_month=data["exp_month"],
            exp_year=data["exp_year"],
            issuer_country=data["issuer_country"],
        )
        return TokenizeResult(ok=True, card=token)

    def authorize(
        self,
        token: str,
        amount: Decimal,
        *,
        descriptor: str,
        idempotency_key: str,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult:
        body = self._payment_body(token, amount, threeds_transaction_id)
        body["descriptor"] = descriptor
        answer = self._mutate(
            Call("authorize", "POST", "/v1/authorizations", body, idempotency_key)
        )
        return self._result(answer, release=True)

    def void(self, authorization_id: str, *, idempotency_key: str) -> GatewayResult:
        path = f"/v1/authorizations/{path_segment(authorization_id)}/void"
        call = Call("void", "POST", path, {}, idempotency_key, {"id": authorization_id})
        return self._result(self._mutate(call))

    def capture(
        self, authorization_id: str, amount: Decimal, *, idempotency_key: str
    ) -> GatewayResult:
        path = f"/v1/authorizations/{path_segment(authorization_id)}/capture"
        body = {"amount": wire_amount(amount)}
        call = Call("capture", "POST", path, body, idempotency_key, {"id": authorization_id})
        answer = self._mutate(call)
        if not answer.ok:
            return self._result(answer)
        return GatewayResult(ok=True, id=answer.body["charge"])

    def hold(self, authorization_id: str) -> HoldStatus:
        path = f"/v1/authorizations/{path_segment(authorization_id)}"
        answer = call_read(
            self.transport,
            Call("hold", "GET", path, path_params={"id": authorization_id}),
            attempts=self.attempts,
        )
        if not answer.ok:
            raise UnknownGatewayObject(f"authorization {authorization_id}: {answer.error_code}")
        return HoldStatus(
            id=answer.body["id"],
            status=answer.body["status"],
            released_at=parse_time(answer.body.get("released_at")),
        )

    def charge(
        self,
        token: str,
        amount: Decimal,
        *,
        idempotency_key: str,
        merchant_initiated: bool,
        threeds_transaction_id: str | None = None,
    ) -> GatewayResult:
        body = self._payment_body(token, amount, threeds_transaction_id)
        body["merchant_initiated"] = merchant_initiated
        return self._result(
            self._mutate(Call("charge", "POST", "/v1/charges", body, idempotency_key))
        )

    def find_charge(self, idempotency_key: str) -> PaymentFound:
        found = find_committed(
            self.transport, idempotency_lookup(idempotency_key), attempts=self.attempts
        )
        return None if found is None else self._result(found)

    def refund(self, charge_id: str, amount: Decimal, *, idempotency_key: str) -> GatewayResult:
        body = {"charge": charge_id, "amount": wire_amount(amount)}
        return self._result(
            self._mutate(Call("refund", "POST", "/v1/refunds", body, idempotency_key))
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _payment_body(
        self, token: str, amount: Decimal, threeds_transaction_id: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"token": token, "amount": wire_amount(amount), "currency": "USD"}
        if self.merchant_country is not None:
            body["merchant_country"] = self.merchant_country
        if threeds_transaction_id is not None:
            body["threeds_transaction_id"] = threeds_transaction_id
        return body

    def _mutate(self, call: Call) -> Answer:
        key = call.idempotency_key or ""
        return call_idempotent(
            self.transport, call, lookup=lambda: idempotency_lookup(key), attempts=self.attempts
        )

    @staticmethod
    def _result(answer: Answer, *, release: bool = False) -> GatewayResult:
        if not answer.ok:
            return GatewayResult(ok=False, reason=answer.error_code)
        release_at = parse_time(answer.body.get("release_at")) if release else None
        return GatewayResult(ok=True, id=answer.body["id"], release_at=release_at)


class HttpCardGateway(OverHttp, CardAdapter):
    """Over httpx: `HttpCardGateway.over_wsgi(app, clock=c)` (in-process WSGI) or
    `HttpCardGateway.over_url("http://127.0.0.1:PORT", clock=c)` (a real server)."""

    wsgi_base_url = "http://card.sim"
