"""The operations of each mock gateway that a fault rule may name (every call the engine can
make, reads and look-ups included): the one list the gateways and scenario checks share."""

from __future__ import annotations

CARD_OPERATIONS = (
    "tokenize",
    "get_token",
    "authorize",
    "void",
    "capture",
    "hold",
    "charge",
    "refund",
    "lookup",
)
THREEDS_OPERATIONS = ("authenticate", "result")
PAYPAL_OPERATIONS = (
    "setup-tokens.create",
    "setup-tokens.get",
    "payment-tokens.create",
    "payment-tokens.get",
    "orders.create",
    "orders.get",
    "orders.authorize",
    "orders.capture",
    "authorizations.get",
    "authorizations.void",
    "authorizations.capture",
    "captures.get",
    "lookup",
)

#: gateway name -> the operation names its fault rules may give as `endpoint`
OPERATIONS: dict[str, tuple[str, ...]] = {
    "card": CARD_OPERATIONS,
    "threeds": THREEDS_OPERATIONS,
    "paypal": PAYPAL_OPERATIONS,
}
