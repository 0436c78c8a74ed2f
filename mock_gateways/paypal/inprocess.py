"""PayPal in process: each operation of the engine's PayPal adapter on the core, the same PayPal
JSON in and out, without HTTP or OAuth."""

from __future__ import annotations

from mock_gateways.common.inprocess import Handler, handler
from mock_gateways.paypal.core import PayPalCore


def paypal_handler(core: PayPalCore) -> Handler:
    return handler(
        {
            "setup-tokens.create": lambda r: core.create_setup_token(
                r.body, request_id=r.idempotency_key
            ),
            "payment-tokens.create": lambda r: core.create_payment_token(
                r.body, request_id=r.idempotency_key
            ),
            "orders.create": lambda r: core.create_order(r.body, request_id=r.idempotency_key),
            "authorizations.void": lambda r: core.void_authorization(
                r.path_params["id"], r.body, request_id=r.idempotency_key
            ),
            "authorizations.capture": lambda r: core.capture_authorization(
                r.path_params["id"], r.body, request_id=r.idempotency_key
            ),
            "lookup": lambda r: core.lookup_request(r.path_params["key"]),
        }
    )
