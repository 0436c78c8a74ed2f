"""The 3D Secure server in process: each operation of the engine's 3DS adapter on the core."""

from __future__ import annotations

from mock_gateways.common.inprocess import Handler, handler
from mock_gateways.threeds.core import ThreeDSServer


def threeds_handler(core: ThreeDSServer) -> Handler:
    return handler(
        {
            "authenticate": lambda r: core.authenticate(r.body, r.idempotency_key),
            "result": lambda r: core.result(r.path_params["id"]),
            "lookup": lambda r: core.lookup(r.path_params["key"]),
        }
    )
