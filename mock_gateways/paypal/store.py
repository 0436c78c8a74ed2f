"""The mock PayPal's stores and plumbing: PayPal-Request-Id idempotency and faults through the
shared GatewayCore, errors in PayPal's shape, ids drawn from the seed and the call's coordinates
(each call is about the payer behind its vault token, order or authorization)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from mock_gateways.common.clock import format_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import GatewayError
from mock_gateways.operations import PAYPAL_OPERATIONS
from mock_gateways.paypal import shapes
from mock_gateways.paypal.errors import as_paypal, not_found
from mock_gateways.paypal.ids import paypal_id
from mock_gateways.paypal.model import (
    AccessToken,
    Authorization,
    Buyer,
    Capture,
    Order,
    PaymentToken,
    SetupToken,
)


class PayPalStore(GatewayCore):
    """Every object of one mock PayPal, by id. Public operations live in the subclasses."""

    name = "paypal"
    idempotency_header = "PayPal-Request-Id"
    default_public_url = "http://paypal.sim"
    operations = PAYPAL_OPERATIONS
    #: PayPal's Orders v2 reference: "The server stores keys for 6 hours" (72 on request);
    #: the mock keeps every request id that long
    idempotency_window = timedelta(hours=6)
    payment_operations = frozenset(
        {
            "orders.create",
            "orders.authorize",
            "orders.capture",
            "authorizations.capture",
            "authorizations.void",
        }
    )

    def _clear(self) -> None:
        self.buyers: dict[str, Buyer] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        #: tokens in the order issued, so expired ones leave `access_tokens` lazily
        self.access_token_queue: deque[AccessToken] = deque()
        self.access_tokens_issued = 0
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

    def _made_id(self, kind: str, taken: Mapping[str, object]) -> str:
        """The id of what the call being executed makes, from its coordinates (never the
        engine's PayPal-Request-Id), not yet in `taken`."""
        return self.new_id(lambda *parts: paypal_id(kind, self.seed, *parts), taken)

    def _write(
        self,
        operation: str,
        request_id: object,
        params: dict[str, Any],
        execute: Callable[[str | None], dict[str, Any]],
        *,
        subject: str = "",
    ) -> dict[str, Any]:
        try:
            return self.mutate(operation, request_id, params, execute, subject=subject)
        except GatewayError as err:
            raise as_paypal(err) from None

    def lookup_request(self, request_id: object) -> dict[str, Any]:
        """What the request made with this PayPal-Request-Id answered (operation, HTTP status,
        full body), so a caller whose answer was lost learns whether it was done; a mock
        extension, as PayPal itself offers only the replay. 404 RESOURCE_NOT_FOUND if none."""
        try:
            return self.lookup(request_id)
        except GatewayError as err:
            raise as_paypal(err) from None

    def _fetch(
        self,
        operation: str,
        resource: str,
        fetch: Callable[[], dict[str, Any]],
        *,
        subject: str = "",
    ) -> dict[str, Any]:
        try:
            return self.read(operation, resource, fetch, subject=subject)
        except GatewayError as err:
            raise as_paypal(err) from None

    # --- subjects: the payer a call is about ("" when none is known yet) --------------------

    def _payer(self, email: str | None) -> str:
        buyer = self.buyers.get(email or "")
        return "" if buyer is None else buyer.payer_id

    def _payer_of_setup_token(self, setup_token_id: str | None) -> str:
        found = self.setup_tokens.get(setup_token_id or "")
        return "" if found is None else self._payer(found.buyer_email)

    def _payer_of_payment_token(self, payment_token_id: str | None) -> str:
        found = self.payment_tokens.get(payment_token_id or "")
        return "" if found is None else self._payer(found.buyer_email)

    def _payer_of_order(self, order_id: str | None) -> str:
        found = self.orders.get(order_id or "")
        return "" if found is None else self._payer_of_payment_token(found.payment_token_id)

    def _payer_of_authorization(self, authorization_id: str) -> str:
        found = self.authorizations.get(authorization_id)
        return "" if found is None else self._payer_of_order(found.order_id)

    def _payment_token(self, payment_token_id: str, *, field: str | None = None) -> PaymentToken:
        found = self.payment_tokens.get(payment_token_id)
        if found is None:
            raise not_found(
                f"Payment token {payment_token_id[:64]} does not exist.",
                field=field,
                location="body" if field else "path",
            )
        return found

    # --- admin -----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        now = self.now()
        return {
            "buyers": [shapes.buyer(b) for b in self.buyers.values()],
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
