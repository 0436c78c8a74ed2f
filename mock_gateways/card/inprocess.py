"""The card processor in process: each operation of the engine's card adapter on the core."""

from __future__ import annotations

from mock_gateways.card.core import CardProcessor
from mock_gateways.common.inprocess import Handler, handler


def card_handler(core: CardProcessor) -> Handler:
    return handler(
        {
            "tokenize": lambda r: core.tokenize(r.body, r.idempotency_key),
            "authorize": lambda r: core.authorize(r.body, r.idempotency_key),
            "void": lambda r: core.void(r.path_params["id"], r.idempotency_key),
            "capture": lambda r: core.capture(r.path_params["id"], r.body, r.idempotency_key),
            "hold": lambda r: core.hold(r.path_params["id"]),
            "charge": lambda r: core.charge(r.body, r.idempotency_key),
            "refund": lambda r: core.refund(r.body, r.idempotency_key),
            "lookup": lambda r: core.lookup(r.path_params["key"]),
        }
    )
