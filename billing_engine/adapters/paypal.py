"""`ports.PayPalGateway` over PayPal's REST API (OAuth, Vault v3, Orders v2, Payments v2):
`HttpPayPalGateway.over_wsgi/over_url` or `PayPalAdapter(InProcessTransport(handler))`, with the
same results."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Generator
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from billing_engine.adapters.http_client import (
    DEFAULT_ATTEMPTS,
    Answer,
    Call,
    HttpTransport,
    Transport,
    call_idempotent,
    find_committed,
    idempotency_lookup,
    wire_amount,
)
from billing_engine.ports import (
    Clock,
    GatewayResult,
    PaymentFound,
    PayPalSetup,
    PayPalVaultResult,
)

REQUEST_ID_HEADER = "PayPal-Request-Id"
#: the mock PayPal's look-up of a request by its PayPal-Request-Id
REQUESTS_PATH = "/v2/checkout/requests"
DEFAULT_CLIENT_ID = "billing-sim"
DEFAULT_SECRET = "billing-sim-secret"

#: PayPal issues about the amount itself
AMOUNT_ISSUES = frozenset(
    {
        "DECIMAL_PRECISION",
        "CANNOT_BE_ZERO_OR_NEGATIVE",
        "TRANSACTION_LIMIT_EXCEEDED",
        "CURRENCY_NOT_SUPPORTED",
        "MAX_CAPTURE_AMOUNT_EXCEEDED",
    }
)
#: PayPal issues meaning the buyer's money was refused
DECLINE_ISSUES = frozenset({"INSTRUMENT_DECLINED", "PAYER_CANNOT_PAY"})
#: refusals of void/capture that come from the authorization's state
STATE_ISSUES = frozenset(
    {
        "PREVIOUSLY_VOIDED",
        "PREVIOUSLY_CAPTURED",
        "AUTHORIZATION_VOIDED",
        "AUTHORIZATION_ALREADY_CAPTURED",
        "AUTHORIZATION_EXPIRED",
    }
)


class PayPalRequestRefused(RuntimeError):
    """PayPal refused a request the engine should never have made (unknown id, malformed body,
    bad credentials): a bug or a misconfiguration, not a payment outcome."""

    def __init__(self, operation: str, answer: Answer) -> None:
        super().__init__(f"{operation}: PayPal answered {answer.status} {issue_of(answer)}")
        self.status = answer.status
        self.issue = issue_of(answer)


def issue_of(answer: Answer) -> str | None:
    """The stable code of a PayPal error: details[0].issue, or OAuth's `error`."""
    details = answer.body.get("details")
    if isinstance(details, list) and details and isinstance(details[0], dict):
        issue = details[0].get("issue")
        if isinstance(issue, str):
            return issue
    error = answer.body.get("error")
    if isinstance(error, str):
        return error
    return answer.error_code


def wire_money(amount: Decimal) -> dict[str, str]:
    """A whole-cent Decimal as PayPal's Money object."""
    return {"currency_code": "USD", "value": wire_amount(amount)}


def _path_id(value: str) -> str:
    return quote(value, safe="")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class PayPalAdapter:
    """`ports.PayPalGateway` over any Transport. Declines and refusals come back as results with
    a reason code; only a gateway giving no usable answer raises `GatewayUnavailable` (after
    retries that keep the PayPal-Request-Id, PayPal's own recovery for lost answers)."""

    def __init__(
        self,
        transport: Transport,
        *,
        brand_name: str = "billing-sim",
        attempts: int = DEFAULT_ATTEMPTS,
    ) -> None:
        self.transport = transport
        self.brand_name = brand_name
        self.attempts = attempts

    # --- PayPalGateway ----------------------------------------------------------------------

    def create_setup_token(self, *, return_url: str, request_id: str) -> PayPalSetup:
        body = {
            "payment_source": {
                "paypal": {
                    "description": f"Pay-as-you-go usage billed by {self.brand_name}",
                    "usage_type": "MERCHANT",
                    "usage_pattern": "THRESHOLD_POSTPAID",
                    "customer_type": "CONSUMER",
                    "permit_multiple_payment_tokens": False,
                    "experience_context": {
                        "brand_name": self.brand_name,
                        "return_url": return_url,
                        "cancel_url": return_url,
                    },
                }
            }
        }
        call = Call("setup-tokens.create", "POST", "/v3/vault/setup-tokens", body, request_id)
        answer = self._mutate(call)
        if not answer.ok:
            raise PayPalRequestRefused(call.operation, answer)
        approve = next(
            link["href"] for link in answer.body["links"] if link.get("rel") == "approve"
        )
        return PayPalSetup(setup_token_id=answer.body["id"], approve_url=approve)

    def create_payment_token(self, setup_token_id: str, *, request_id: str) -> PayPalVaultResult:
        body = {"payment_source": {"token": {"id": setup_token_id, "type": "SETUP_TOKEN"}}}
        call = Call("payment-tokens.create", "POST", "/v3/vault/payment-tokens", body, request_id)
        answer = self._mutate(call)
        if answer.ok:
            wallet = answer.body["payment_source"]["paypal"]
            return PayPalVaultResult(
                ok=True,
                payment_token_id=answer.body["id"],
                payer_id=wallet["payer_id"],
                payer_email=wallet["email_address"],
            )
        issue = issue_of(answer)
        if issue == "PAYER_CANNOT_PAY":  # PAYPAL-2
            return PayPalVaultResult(ok=False, reason="paypal_no_funding_source")
        # PAYPAL-3: not approved, cancelled, or a setup token that expired unapproved
        if issue in ("PAYER_ACTION_REQUIRED", "INVALID_RESOURCE_ID"):
            return PayPalVaultResult(ok=False, reason="paypal_agreement_not_approved")
        raise PayPalRequestRefused(call.operation, answer)

    def authorize(
        self, payment_token_id: str, amount: Decimal, *, request_id: str
    ) -> GatewayResult:
        answer = self._order("AUTHORIZE", payment_token_id, amount, request_id)
        if not answer.ok:
            return self._refusal("orders.create", answer)
        auth = answer.body["purchase_units"][0]["payments"]["authorizations"][0]
        if auth["status"] != "CREATED":
            return GatewayResult(ok=False, id=auth["id"], reason="declined")
        return GatewayResult(ok=True, id=auth["id"], release_at=_time(auth["expiration_time"]))

    def charge(self, payment_token_id: str, amount: Decimal, *, request_id: str) -> GatewayResult:
        return self._charged(self._order("CAPTURE", payment_token_id, amount, request_id))

    def find_charge(self, request_id: str) -> PaymentFound:
        lookup = idempotency_lookup(request_id, REQUESTS_PATH)
        found = find_committed(self.transport, lookup, attempts=self.attempts)
        return None if found is None else self._charged(found)

    def _charged(self, answer: Answer) -> GatewayResult:
        """A capture-intent order's answer as a charge result."""
        if not answer.ok:
            return self._refusal("orders.create", answer)
        capture = answer.body["purchase_units"][0]["payments"]["captures"][0]
        if capture["status"] != "COMPLETED":
            reason = "payment_pending" if capture["status"] == "PENDING" else "declined"
            return GatewayResult(ok=False, id=capture["id"], reason=reason)
        return GatewayResult(ok=True, id=capture["id"])

    def void(self, authorization_id: str, *, request_id: str) -> GatewayResult:
        path = f"/v2/payments/authorizations/{_path_id(authorization_id)}/void"
        call = Call("authorizations.void", "POST", path, {}, request_id, {"id": authorization_id})
        answer = self._mutate(call)
        if not answer.ok:
            return self._refusal(call.operation, answer)
        return GatewayResult(ok=True, id=authorization_id)

    def capture(self, authorization_id: str, amount: Decimal, *, request_id: str) -> GatewayResult:
        path = f"/v2/payments/authorizations/{_path_id(authorization_id)}/capture"
        body = {"amount": wire_money(amount), "final_capture": True}
        call = Call(
            "authorizations.capture", "POST", path, body, request_id, {"id": authorization_id}
        )
        answer = self._mutate(call)
        if not answer.ok:
            return self._refusal(call.operation, answer)
        return GatewayResult(ok=True, id=answer.body["id"])

    # --- plumbing ---------------------------------------------------------------------------

    def _order(
        self, intent: str, payment_token_id: str, amount: Decimal, request_id: str
    ) -> Answer:
        body = {
            "intent": intent,
            "purchase_units": [{"amount": wire_money(amount)}],
            "payment_source": {"paypal": {"vault_id": payment_token_id}},
        }
        return self._mutate(Call("orders.create", "POST", "/v2/checkout/orders", body, request_id))

    def _mutate(self, call: Call) -> Answer:
        # After a lost answer the request is looked up by its PayPal-Request-Id; failing that,
        # resending with the same id is PayPal's documented recovery (answered as a replay).
        key = call.idempotency_key
        assert key is not None
        return call_idempotent(
            self.transport,
            call,
            lookup=lambda: idempotency_lookup(key, REQUESTS_PATH),
            attempts=self.attempts,
        )

    @staticmethod
    def _refusal(operation: str, answer: Answer) -> GatewayResult:
        issue = issue_of(answer)
        if issue in DECLINE_ISSUES:
            return GatewayResult(ok=False, reason="declined")
        if issue in AMOUNT_ISSUES:
            return GatewayResult(ok=False, reason="invalid_amount")
        if issue in STATE_ISSUES:
            return GatewayResult(ok=False, reason=issue.lower())
        raise PayPalRequestRefused(operation, answer)


class PayPalOAuth(httpx.Auth):
    """OAuth 2.0 client credentials for httpx: fetches a Bearer token from /v1/oauth2/token on
    first use, and again (once per request) when PayPal answers 401 because it expired."""

    requires_response_body = True

    def __init__(self, client_id: str, secret: str) -> None:
        raw = f"{client_id}:{secret}".encode()
        self._basic = "Basic " + base64.b64encode(raw).decode()
        self._token: str | None = None
        self._lock = threading.Lock()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._token is None:
            self._accept((yield self._token_request(request)))
        self._sign(request)
        response = yield request
        if response.status_code == 401:
            self._accept((yield self._token_request(request)))
            self._sign(request)
            yield request

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        headers = {"Authorization": self._basic, "Accept": "application/json"}
        # the token's lifetime runs on the gateway's clock: carry the simulated time along
        if "X-Sim-Time" in request.headers:
            headers["X-Sim-Time"] = request.headers["X-Sim-Time"]
        url = request.url.copy_with(path="/v1/oauth2/token", query=None)
        return httpx.Request(
            "POST", url, headers=headers, data={"grant_type": "client_credentials"}
        )

    def _accept(self, response: httpx.Response) -> None:
        token = None
        if response.status_code == 200:
            token = response.json().get("access_token")
        with self._lock:
            self._token = token if isinstance(token, str) else None

    def _sign(self, request: httpx.Request) -> None:
        with self._lock:
            token = self._token
        if token is not None:
            request.headers["Authorization"] = f"Bearer {token}"


class HttpPayPalGateway(PayPalAdapter):
    """Over httpx, speaking PayPal REST with a Bearer token: `HttpPayPalGateway.over_wsgi(app,
    clock=c)` (in-process WSGI) or `HttpPayPalGateway.over_url("http://127.0.0.1:PORT",
    clock=c)` (a real server). With a clock, each request carries X-Sim-Time."""

    @classmethod
    def over_client(
        cls,
        client: httpx.Client,
        *,
        clock: Clock | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        secret: str = DEFAULT_SECRET,
        **options: Any,
    ) -> HttpPayPalGateway:
        client.auth = PayPalOAuth(client_id, secret)
        # full representations, so an order's authorization or capture id is in the answer
        client.headers["Prefer"] = "return=representation"
        transport = HttpTransport(client, clock=clock, idempotency_header=REQUEST_ID_HEADER)
        return cls(transport, **options)

    @classmethod
    def over_wsgi(
        cls, app: Callable[..., Any], *, clock: Clock | None = None, **options: Any
    ) -> HttpPayPalGateway:
        client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://paypal.sim")
        return cls.over_client(client, clock=clock, **options)

    @classmethod
    def over_url(
        cls, base_url: str, *, clock: Clock | None = None, timeout: float = 5.0, **options: Any
    ) -> HttpPayPalGateway:
        client = httpx.Client(base_url=base_url, timeout=timeout)
        return cls.over_client(client, clock=clock, **options)

    def close(self) -> None:
        self.transport.close()
