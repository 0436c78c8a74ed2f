"""The mock PayPal: buyers, vault setup and payment tokens, orders, authorizations and captures.
Its operations take and return PayPal's JSON shapes, so the Flask app and the engine's in-process
(`direct`) adapter get the same answers; faults and `PayPal-Request-Id` idempotency come from the
shared GatewayCore."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from mock_gateways.common.clock import Clock, format_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import GatewayError, bad_request, conflict
from mock_gateways.common.errors import not_found as admin_not_found
from mock_gateways.paypal import requests, shapes
from mock_gateways.paypal.errors import (
    OAuthError,
    as_paypal,
    not_found,
    unprocessable,
)
from mock_gateways.paypal.ids import paypal_id
from mock_gateways.paypal.model import (
    ACCESS_TOKEN_TTL,
    DECLINES,
    AccessToken,
    ApprovalOutcome,
    Authorization,
    Buyer,
    Capture,
    Decline,
    Intent,
    Order,
    PaymentToken,
    SetupToken,
)

DEFAULT_CLIENTS: Mapping[str, str] = {"billing-sim": "billing-sim-secret"}
APP_ID = "APP-80W284485P519543T"
SCOPES = (
    "https://uri.paypal.com/services/payments/payment/authcapture "
    "https://uri.paypal.com/services/vault/payment-tokens/readwrite "
    "https://uri.paypal.com/services/payments/orders/readwrite"
)
INSTRUMENT_DECLINED = (
    "The instrument presented was either declined by the processor or bank, or it can't be used "
    "for this payment."
)

T = TypeVar("T")


class PayPalCore(GatewayCore):
    """All state of one mock PayPal. Public operations are thread-safe."""

    idempotency_header = "PayPal-Request-Id"
    default_public_url = "http://paypal.sim"

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        public_url: str | None = None,
        clients: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(clock=clock, seed=seed, public_url=public_url)
        #: OAuth client credentials the mock accepts (client_id -> secret)
        self.clients = dict(DEFAULT_CLIENTS if clients is None else clients)
        self._clear()

    def _clear(self) -> None:
        self.buyers: dict[str, Buyer] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.setup_tokens: dict[str, SetupToken] = {}
        self.payment_tokens: dict[str, PaymentToken] = {}
        self.orders: dict[str, Order] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.captures: dict[str, Capture] = {}

    # --- plumbing --------------------------------------------------------------------------

    def _fresh(self, kind: str, taken: Mapping[str, object], *parts: object) -> str:
        """A seeded id not yet in `taken` (a collision, however unlikely, draws again)."""
        salt = 0
        while True:
            candidate = paypal_id(kind, self.seed, *parts, *([salt] if salt else []))
            if candidate not in taken:
                return candidate
            salt += 1

    def _write(
        self,
        operation: str,
        request_id: object,
        params: dict[str, Any],
        execute: Callable[[str | None], dict[str, Any]],
    ) -> dict[str, Any]:
        try:
            return self.mutate(operation, request_id, params, execute)
        except GatewayError as err:
            raise as_paypal(err) from None

    def _fetch(self, operation: str, resource: str, fetch: Callable[[], T]) -> T:
        try:
            return self.read(operation, resource, fetch)
        except GatewayError as err:
            raise as_paypal(err) from None

    # --- OAuth 2.0 client credentials ------------------------------------------------------

    def issue_access_token(self, client_id: str, secret: str, grant_type: str | None) -> dict:
        """POST /v1/oauth2/token. Not subject to faults: only HTTP clients make this call, and
        the engine must see the same outcomes whether it talks HTTP or in process."""
        if grant_type != "client_credentials":
            raise OAuthError(
                "unsupported_grant_type",
                "Grant Type is NULL"
                if not grant_type
                else f"Grant Type {grant_type[:40]!r} is not supported; use client_credentials",
                status=400,
            )
        with self.lock:
            if self.clients.get(client_id) != secret:
                raise OAuthError("invalid_client", "Client Authentication failed", status=401)
            now = self.now()
            token = AccessToken(
                token=self._fresh("access_token", self.access_tokens, len(self.access_tokens)),
                client_id=client_id,
                app_id=APP_ID,
                expires_at=now + ACCESS_TOKEN_TTL,
            )
            self.access_tokens[token.token] = token
            return {
                "scope": SCOPES,
                "access_token": token.token,
                "token_type": "Bearer",
                "app_id": token.app_id,
                "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
                "nonce": f"{format_instant(now)}{token.token[-43:]}",
            }

    def check_access_token(self, token: str) -> AccessToken:
        """The live access token, or 401 `invalid_token` (unknown or expired in simulated time)."""
        with self.lock:
            found = self.access_tokens.get(token)
            if found is None:
                raise OAuthError("invalid_token", "Token signature verification failed", status=401)
            if self.now() >= found.expires_at:
                raise OAuthError("invalid_token", "Access Token expired", status=401)
            return found

    # --- buyers (admin) --------------------------------------------------------------------

    def add_buyer(
        self,
        email: str,
        *,
        funding_source: bool = True,
        decline: Decline = "none",
        given_name: str | None = None,
        surname: str | None = None,
    ) -> Buyer:
        """A PayPal account simulated customers log in with. `decline`: "none", "charges"
        (authorizations pass, immediate payments fail) or "all". Adding the same buyer again
        returns it (several accounts may try one PayPal account, LINK-1); the same email with
        other settings is 409 `buyer_exists`."""
        key = _email_key(email)
        if "@" not in key or len(key) > 254 or not key.isprintable():
            raise bad_request("invalid_field", "email: expected an email address")
        _check_decline(decline)
        local = key.split("@", 1)[0]
        given_name = given_name or local.split(".")[0].capitalize() or "Buyer"
        surname = surname or "Sim"
        with self.lock:
            existing = self.buyers.get(key)
            if existing is not None:
                current = (existing.funding_source, existing.decline, existing.given_name)
                if (*current, existing.surname) != (funding_source, decline, given_name, surname):
                    raise conflict(
                        "buyer_exists", f"a buyer with email {key} exists with other settings"
                    )
                return existing
            buyer = Buyer(
                email=key,
                payer_id=self._fresh("payer", {b.payer_id: b for b in self.buyers.values()}, key),
                given_name=given_name,
                surname=surname,
                funding_source=funding_source,
                decline=decline,
            )
            self.buyers[key] = buyer
            return buyer

    def update_buyer(
        self, email: str, *, funding_source: bool | None = None, decline: Decline | None = None
    ) -> Buyer:
        """Add or remove the buyer's funding source, or change how their payments fare."""
        if decline is not None:
            _check_decline(decline)
        with self.lock:
            buyer = self.buyer(email)
            if decline is not None:
                buyer.decline = decline
            if funding_source is not None:
                buyer.funding_source = funding_source
            return buyer

    def buyer(self, email: str) -> Buyer:
        with self.lock:
            found = self.buyers.get(_email_key(email))
            if found is None:
                raise admin_not_found("unknown_buyer", f"no buyer has the email {email[:254]}")
            return found

    # --- vault: setup tokens ---------------------------------------------------------------

    def create_setup_token(self, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v3/vault/setup-tokens -> 201 setup token with its `approve` link."""
        params = requests.setup_token_request(body)
        base = self.public_url

        def execute(_decline: str | None) -> dict[str, Any]:
            token_id = self._fresh("setup_token", self.setup_tokens, request_id)
            token = SetupToken(
                id=token_id,
                customer_id=params["customer_id"] or paypal_id("customer", self.seed, token_id),
                merchant_customer_id=params["merchant_customer_id"],
                created_at=self.now(),
                return_url=params["return_url"],
                cancel_url=params["cancel_url"],
                brand_name=params["brand_name"],
                description=params["description"],
                usage_type=params["usage_type"],
                usage_pattern=params["usage_pattern"],
                customer_type=params["customer_type"],
                permit_multiple_payment_tokens=params["permit_multiple_payment_tokens"],
            )
            self.setup_tokens[token.id] = token
            return shapes.setup_token(token, base)

        return self._write("setup-tokens.create", request_id, params, execute)

    def get_setup_token(self, setup_token_id: str) -> dict:
        base = self.public_url
        return self._fetch(
            "setup-tokens.get",
            setup_token_id,
            lambda: shapes.setup_token(self._live_setup_token(setup_token_id), base),
        )

    def _live_setup_token(self, setup_token_id: str, *, field: str | None = None) -> SetupToken:
        """An expired setup token is gone, as at PayPal (3 days, unless vaulted)."""
        found = self.setup_tokens.get(setup_token_id)
        if found is None or found.expired(self.now()):
            raise not_found(
                f"Setup token {setup_token_id[:64]} does not exist or has expired.",
                field=field,
                location="body" if field else "path",
            )
        return found

    # --- the approval page, buyer side -----------------------------------------------------

    def approval_session(self, setup_token_id: str) -> SetupToken:
        """The setup token behind an approval page (404 if unknown or expired)."""
        with self.lock:
            return self._live_setup_token(setup_token_id)

    def approve(self, setup_token_id: str, email: str) -> ApprovalOutcome:
        """The buyer logs in with `email` and agrees to the merchant's payment agreement. A buyer
        without a funding source cannot agree (PAYPAL-2): the result is NO_FUNDING_SOURCE and
        the setup token stays unapproved, marked so that vaulting it fails with PAYER_CANNOT_PAY."""
        with self.lock:
            token = self._live_setup_token(setup_token_id)
            buyer = self.buyers.get(_email_key(email))
            if buyer is None:
                return ApprovalOutcome(
                    token.id,
                    "UNKNOWN_BUYER",
                    f"There is no PayPal account for {email[:254]}. Check the email address.",
                )
            if token.status != "PAYER_ACTION_REQUIRED":
                if token.buyer_email == buyer.email:
                    return ApprovalOutcome(
                        token.id, "APPROVED", "You already agreed.", self._return_url(token)
                    )
                return ApprovalOutcome(
                    token.id,
                    "ALREADY_COMPLETED",
                    "This agreement was already approved with another PayPal account.",
                )
            token.buyer_email = buyer.email
            if not buyer.funding_source:
                token.last_action = "no_funding_source"
                return ApprovalOutcome(
                    token.id,
                    "NO_FUNDING_SOURCE",
                    "Your PayPal account has no bank account or card to pay with. Add one to "
                    "your PayPal account, then come back to this page to agree.",
                )
            token.status = "APPROVED"
            token.last_action = "approved"
            return ApprovalOutcome(
                token.id,
                "APPROVED",
                "You agreed to pay this merchant with PayPal.",
                self._return_url(token),
            )

    def cancel(self, setup_token_id: str, email: str | None = None) -> ApprovalOutcome:
        """The buyer leaves without agreeing ("Cancel and return to merchant")."""
        with self.lock:
            token = self._live_setup_token(setup_token_id)
            if token.status != "PAYER_ACTION_REQUIRED":
                return ApprovalOutcome(
                    token.id,
                    "ALREADY_COMPLETED",
                    "This agreement was already approved; it can no longer be cancelled here.",
                )
            buyer = self.buyers.get(_email_key(email)) if email else None
            if buyer is not None:
                token.buyer_email = buyer.email
            token.last_action = "cancelled"
            return ApprovalOutcome(
                token.id, "CANCELLED", "You cancelled; nothing was agreed.", token.cancel_url
            )

    def _return_url(self, token: SetupToken) -> str:
        separator = "&" if "?" in token.return_url else "?"
        return (
            f"{token.return_url}{separator}approval_token_id={token.id}"
            f"&approval_session_id={token.id}"
        )

    # --- vault: payment tokens -------------------------------------------------------------

    def create_payment_token(self, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v3/vault/payment-tokens from an approved setup token (PAYPAL-1). Refusals:
        422 PAYER_ACTION_REQUIRED (not approved, or cancelled; PAYPAL-3), 422 PAYER_CANNOT_PAY
        (the buyer has no funding source; PAYPAL-2), 422 SETUP_TOKEN_ALREADY_TOKENIZED, 404."""
        params = requests.payment_token_request(body)
        base = self.public_url

        def execute(_decline: str | None) -> dict[str, Any]:
            field = "/payment_source/token/id"
            setup = self._live_setup_token(params["setup_token_id"], field=field)
            if setup.status == "VAULTED":
                raise unprocessable(
                    "SETUP_TOKEN_ALREADY_TOKENIZED",
                    "The setup token has been used previously to generate a payment token.",
                    field=field,
                )
            if setup.status != "APPROVED":
                if setup.last_action == "no_funding_source":
                    raise unprocessable(
                        "PAYER_CANNOT_PAY",
                        "The payer's PayPal account has no funding source (bank account or "
                        "card); the agreement cannot be completed until one is added.",
                        field=field,
                    )
                why = " (the payer cancelled)" if setup.last_action == "cancelled" else ""
                raise unprocessable(
                    "PAYER_ACTION_REQUIRED",
                    f"The payer has not approved the setup token{why}; complete the approval "
                    "flow first.",
                    field=field,
                )
            assert setup.buyer_email is not None  # approve() sets it
            token = PaymentToken(
                id=self._fresh("payment_token", self.payment_tokens, request_id),
                setup_token=setup,
                buyer_email=setup.buyer_email,
                created_at=self.now(),
            )
            setup.status = "VAULTED"
            setup.payment_token_id = token.id
            self.payment_tokens[token.id] = token
            return shapes.payment_token(token, self.buyers[token.buyer_email], base)

        return self._write("payment-tokens.create", request_id, params, execute)

    def get_payment_token(self, payment_token_id: str) -> dict:
        base = self.public_url

        def fetch() -> dict[str, Any]:
            token = self._payment_token(payment_token_id)
            return shapes.payment_token(token, self.buyers[token.buyer_email], base)

        return self._fetch("payment-tokens.get", payment_token_id, fetch)

    def _payment_token(self, payment_token_id: str, *, field: str | None = None) -> PaymentToken:
        found = self.payment_tokens.get(payment_token_id)
        if found is None:
            raise not_found(
                f"Payment token {payment_token_id[:64]} does not exist.",
                field=field,
                location="body" if field else "path",
            )
        return found

    # --- orders ----------------------------------------------------------------------------

    def create_order(self, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v2/checkout/orders. With `payment_source.paypal.vault_id` the order is paid at
        once (merchant-initiated, buyer not present) and comes back COMPLETED with its
        authorization or capture; without one it is CREATED, to be authorized or captured."""
        params = requests.order_request(body)
        base = self.public_url

        def execute(decline: str | None) -> dict[str, Any]:
            token_id = params["payment_token_id"]
            if token_id is not None:
                self._check_payable(token_id, params["intent"], decline)
            now = self.now()
            order = Order(
                id=self._fresh("order", self.orders, request_id),
                intent=params["intent"],
                amount=params["amount"],
                reference_id=params["reference_id"],
                description=params["description"],
                custom_id=params["custom_id"],
                invoice_id=params["invoice_id"],
                soft_descriptor=params["soft_descriptor"],
                created_at=now,
                updated_at=now,
            )
            self.orders[order.id] = order
            if token_id is not None:
                self._complete(order, token_id)
            return self._order_json(order, base)

        return self._write("orders.create", request_id, params, execute)

    def authorize_order(self, order_id: str, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v2/checkout/orders/{id}/authorize with a vaulted payment source."""
        return self._pay_order("AUTHORIZE", order_id, body, request_id)

    def capture_order(self, order_id: str, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v2/checkout/orders/{id}/capture with a vaulted payment source."""
        return self._pay_order("CAPTURE", order_id, body, request_id)

    def _pay_order(
        self, action: Intent, order_id: str, body: object, request_id: object
    ) -> dict[str, Any]:
        order_id = requests.path_id(order_id, "Order")
        params = {"order_id": order_id, **requests.order_action_request(body)}
        base = self.public_url

        def execute(decline: str | None) -> dict[str, Any]:
            order = self._order(order_id)
            if order.intent != action:
                raise unprocessable(
                    "ACTION_DOES_NOT_MATCH_INTENT",
                    f"Order {order.id} has intent {order.intent}; it cannot be "
                    f"{'authorized' if action == 'AUTHORIZE' else 'captured'}.",
                )
            if order.status == "COMPLETED":
                issue = (
                    "ORDER_ALREADY_AUTHORIZED"
                    if action == "AUTHORIZE"
                    else "ORDER_ALREADY_CAPTURED"
                )
                raise unprocessable(issue, f"Order {order.id} is already completed.")
            token_id = params["payment_token_id"]
            if token_id is None:
                raise unprocessable(
                    "ORDER_NOT_APPROVED",
                    "The payer has not approved this order; pass a vaulted payment_source.",
                )
            self._check_payable(token_id, action, decline)
            self._complete(order, token_id)
            return self._order_json(order, base)

        operation = "orders.authorize" if action == "AUTHORIZE" else "orders.capture"
        return self._write(operation, request_id, params, execute)

    def _check_payable(self, token_id: str, intent: str, decline: str | None) -> None:
        token = self._payment_token(token_id, field="/payment_source/paypal/vault_id")
        buyer = self.buyers.get(token.buyer_email)
        refused = (
            decline is not None
            or buyer is None
            or buyer.decline == "all"
            or (buyer.decline == "charges" and intent == "CAPTURE")
        )
        if refused:
            raise unprocessable(
                "INSTRUMENT_DECLINED", INSTRUMENT_DECLINED, field="/payment_source/paypal/vault_id"
            )

    def _complete(self, order: Order, token_id: str) -> None:
        now = self.now()
        order.payment_token_id = token_id
        order.status = "COMPLETED"
        order.updated_at = now
        if order.intent == "AUTHORIZE":
            auth = Authorization(
                id=self._fresh("authorization", self.authorizations, order.id),
                order_id=order.id,
                amount=order.amount,
                created_at=now,
                updated_at=now,
            )
            self.authorizations[auth.id] = auth
            order.authorization_ids.append(auth.id)
        else:
            capture = Capture(
                id=self._fresh("capture", self.captures, "order", order.id),
                order_id=order.id,
                authorization_id=None,
                amount=order.amount,
                final_capture=True,
                created_at=now,
                invoice_id=order.invoice_id,
            )
            self.captures[capture.id] = capture
            order.capture_ids.append(capture.id)

    def get_order(self, order_id: str) -> dict[str, Any]:
        base = self.public_url
        return self._fetch(
            "orders.get", order_id, lambda: self._order_json(self._order(order_id), base)
        )

    def _order(self, order_id: str) -> Order:
        found = self.orders.get(order_id)
        if found is None:
            raise not_found(f"Order {order_id[:64]} does not exist.")
        return found

    def _order_json(self, order: Order, base: str) -> dict[str, Any]:
        token = self.payment_tokens.get(order.payment_token_id or "")
        return shapes.order(
            order,
            base,
            self.now(),
            buyer=self.buyers.get(token.buyer_email) if token else None,
            token=token,
            authorizations=[self.authorizations[i] for i in order.authorization_ids],
            captures=[self.captures[i] for i in order.capture_ids],
        )

    # --- payments: authorizations and captures ---------------------------------------------

    def get_authorization(self, authorization_id: str) -> dict:
        base = self.public_url
        return self._fetch(
            "authorizations.get",
            authorization_id,
            lambda: shapes.authorization(self._authorization(authorization_id), base, self.now()),
        )

    def _authorization(self, authorization_id: str) -> Authorization:
        found = self.authorizations.get(authorization_id)
        if found is None:
            raise not_found(f"Authorization {authorization_id[:64]} does not exist.")
        return found

    def void_authorization(
        self,
        authorization_id: str,
        body: object = None,
        *,
        request_id: object,
    ) -> dict[str, Any]:
        """POST /v2/payments/authorizations/{id}/void -> the VOIDED authorization. Refusals: 422
        PREVIOUSLY_VOIDED, PREVIOUSLY_CAPTURED, AUTHORIZATION_EXPIRED."""
        authorization_id = requests.path_id(authorization_id, "Authorization")
        params = {"authorization_id": authorization_id}
        params.update(requests.void_request({} if body is None else body))
        base = self.public_url

        def execute(_decline: str | None) -> dict[str, Any]:
            auth = self._authorization(authorization_id)
            now = self.now()
            status = auth.status(now)
            refusals = {
                "VOIDED": ("PREVIOUSLY_VOIDED", "Authorization has been previously voided."),
                "CAPTURED": ("PREVIOUSLY_CAPTURED", "Authorization has been previously captured."),
                "EXPIRED": ("AUTHORIZATION_EXPIRED", "An expired authorization cannot be voided."),
            }
            if status in refusals:
                raise unprocessable(*refusals[status])
            auth.state = "VOIDED"
            auth.updated_at = now
            return shapes.authorization(auth, base, now)

        return self._write("authorizations.void", request_id, params, execute)

    def capture_authorization(
        self,
        authorization_id: str,
        body: object = None,
        *,
        request_id: object,
    ) -> dict[str, Any]:
        """POST /v2/payments/authorizations/{id}/capture: all that is left, or `amount`; with
        `final_capture: false` more captures may follow. Refusals: 422 AUTHORIZATION_VOIDED,
        AUTHORIZATION_ALREADY_CAPTURED, AUTHORIZATION_EXPIRED, MAX_CAPTURE_AMOUNT_EXCEEDED,
        INSTRUMENT_DECLINED (an injected decline only: held funds are not refused)."""
        authorization_id = requests.path_id(authorization_id, "Authorization")
        params = {
            "authorization_id": authorization_id,
            **requests.capture_request({} if body is None else body),
        }
        base = self.public_url

        def execute(decline: str | None) -> dict[str, Any]:
            auth = self._authorization(authorization_id)
            now = self.now()
            status = auth.status(now)
            refusals = {
                "VOIDED": ("AUTHORIZATION_VOIDED", "A voided authorization cannot be captured."),
                "CAPTURED": (
                    "AUTHORIZATION_ALREADY_CAPTURED",
                    "Authorization has been previously captured and cannot be captured again.",
                ),
                "EXPIRED": (
                    "AUTHORIZATION_EXPIRED",
                    "An expired authorization cannot be captured.",
                ),
            }
            if status in refusals:
                raise unprocessable(*refusals[status])
            remaining = auth.amount - auth.captured
            amount: Decimal = remaining if params["amount"] is None else params["amount"]
            if amount > remaining:
                raise unprocessable(
                    "MAX_CAPTURE_AMOUNT_EXCEEDED",
                    f"Capture amount {amount} exceeds the {remaining} left on the authorization.",
                    field="/amount/value",
                )
            if decline is not None:
                raise unprocessable("INSTRUMENT_DECLINED", INSTRUMENT_DECLINED)
            capture = Capture(
                id=self._fresh("capture", self.captures, "authorization", request_id),
                order_id=auth.order_id,
                authorization_id=auth.id,
                amount=amount,
                final_capture=params["final_capture"],
                created_at=now,
                invoice_id=params["invoice_id"],
            )
            self.captures[capture.id] = capture
            auth.captured += amount
            auth.capture_ids.append(capture.id)
            fully = params["final_capture"] or auth.captured == auth.amount
            auth.state = "CAPTURED" if fully else "PARTIALLY_CAPTURED"
            auth.updated_at = now
            return shapes.capture(capture, base)

        return self._write("authorizations.capture", request_id, params, execute)

    def get_capture(self, capture_id: str) -> dict[str, Any]:
        base = self.public_url

        def fetch() -> dict[str, Any]:
            found = self.captures.get(capture_id)
            if found is None:
                raise not_found(f"Capture {capture_id[:64]} does not exist.")
            return shapes.capture(found, base)

        return self._fetch("captures.get", capture_id, fetch)

    # --- admin -----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        now = self.now()
        return {
            "buyers": [buyer_json(b) for b in self.buyers.values()],
            "access_tokens": len(self.access_tokens),
            "setup_tokens": [
                {
                    "id": t.id,
                    "status": "EXPIRED" if t.expired(now) else t.status,
                    "buyer_email": t.buyer_email,
                    "last_action": t.last_action,
                    "payment_token_id": t.payment_token_id,
                    "create_time": format_instant(t.created_at),
                }
                for t in self.setup_tokens.values()
            ],
            "payment_tokens": [
                {"id": p.id, "setup_token_id": p.setup_token.id, "buyer_email": p.buyer_email}
                for p in self.payment_tokens.values()
            ],
            "orders": [
                {"id": o.id, "intent": o.intent, "status": o.status, "amount": str(o.amount)}
                for o in self.orders.values()
            ],
            "authorizations": [
                {
                    "id": a.id,
                    "order_id": a.order_id,
                    "status": a.status(now),
                    "amount": str(a.amount),
                    "captured": str(a.captured),
                    "expiration_time": format_instant(a.expiration_time),
                }
                for a in self.authorizations.values()
            ],
            "captures": [
                {"id": c.id, "order_id": c.order_id, "amount": str(c.amount)}
                for c in self.captures.values()
            ],
        }


def buyer_json(buyer: Buyer) -> dict[str, Any]:
    return {
        "email": buyer.email,
        "payer_id": buyer.payer_id,
        "name": {"given_name": buyer.given_name, "surname": buyer.surname},
        "funding_source": buyer.funding_source,
        "decline": buyer.decline,
    }


def _email_key(email: str) -> str:
    """PayPal logins are case-insensitive."""
    return email.strip().lower()


def _check_decline(decline: object) -> None:
    if decline not in DECLINES:
        raise bad_request("invalid_field", f"decline: expected one of {', '.join(DECLINES)}")
