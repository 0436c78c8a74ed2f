"""The payment side of the mock PayPal: Orders v2 paid with a vaulted wallet, Payments v2
authorizations (void, capture) and captures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mock_gateways.paypal import requests, shapes
from mock_gateways.paypal.errors import not_found, unprocessable
from mock_gateways.paypal.model import Authorization, Capture, Intent, Order
from mock_gateways.paypal.store import PayPalStore

INSTRUMENT_DECLINED = (
    "The instrument presented was either declined by the processor or bank, or it can't be used "
    "for this payment."
)


class PaymentsApi(PayPalStore):
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
                id=self._made_id("order", self.orders),
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

        subject = self._payer_of_payment_token(params["payment_token_id"])
        return self._write("orders.create", request_id, params, execute, subject=subject)

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
        subject = self._payer_of_payment_token(params["payment_token_id"]) or self._payer_of_order(
            order_id
        )
        return self._write(operation, request_id, params, execute, subject=subject)

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
            order.authorization_ids += (auth.id,)
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
            order.capture_ids += (capture.id,)

    def get_order(self, order_id: str) -> dict[str, Any]:
        base = self.public_url
        return self._fetch(
            "orders.get",
            order_id,
            lambda: self._order_json(self._order(order_id), base),
            subject=self._payer_of_order(order_id),
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

    def payment_body(self, operation: str, payment_id: str) -> dict[str, Any]:
        """The order, capture or authorization a payment operation made, as it is now."""
        base = self.public_url
        if operation == "authorizations.capture":
            return shapes.capture(self.captures[payment_id], base)
        if operation == "authorizations.void":
            return shapes.authorization(self.authorizations[payment_id], base, self.now())
        return self._order_json(self.orders[payment_id], base)  # orders.*

    # --- payments: authorizations and captures ---------------------------------------------

    def get_authorization(self, authorization_id: str) -> dict[str, Any]:
        base = self.public_url
        return self._fetch(
            "authorizations.get",
            authorization_id,
            lambda: shapes.authorization(self._authorization(authorization_id), base, self.now()),
            subject=self._payer_of_authorization(authorization_id),
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

        subject = self._payer_of_authorization(authorization_id)
        return self._write("authorizations.void", request_id, params, execute, subject=subject)

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
                id=self._made_id("capture", self.captures),
                order_id=auth.order_id,
                authorization_id=auth.id,
                amount=amount,
                final_capture=params["final_capture"],
                created_at=now,
                invoice_id=params["invoice_id"],
            )
            self.captures[capture.id] = capture
            auth.captured += amount
            auth.capture_ids += (capture.id,)
            fully = params["final_capture"] or auth.captured == auth.amount
            auth.state = "CAPTURED" if fully else "PARTIALLY_CAPTURED"
            auth.updated_at = now
            return shapes.capture(capture, base)

        subject = self._payer_of_authorization(authorization_id)
        return self._write("authorizations.capture", request_id, params, execute, subject=subject)

    def get_capture(self, capture_id: str) -> dict[str, Any]:
        base = self.public_url

        def fetch() -> dict[str, Any]:
            found = self.captures.get(capture_id)
            if found is None:
                raise not_found(f"Capture {capture_id[:64]} does not exist.")
            return shapes.capture(found, base)

        capture = self.captures.get(capture_id)
        subject = "" if capture is None else self._payer_of_order(capture.order_id)
        return self._fetch("captures.get", capture_id, fetch, subject=subject)
