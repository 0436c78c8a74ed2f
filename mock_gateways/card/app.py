"""The card processor's Flask app: the HTTP face of CardProcessor."""

from __future__ import annotations

from flask import Flask, Response, request

from mock_gateways.card.core import CardProcessor
from mock_gateways.card.openapi import OPENAPI
from mock_gateways.common.app import create_gateway_app, json_body, mount_lookup, reply
from mock_gateways.common.clock import Clock


def create_app(
    core: CardProcessor | None = None,
    *,
    seed: int = 0,
    clock: Clock | None = None,
    public_url: str | None = None,
    hang_on_timeout: float = 0.0,
) -> Flask:
    """The app over `core` (a new CardProcessor from seed/clock/public_url when None)."""
    core = core or CardProcessor(clock=clock, seed=seed, public_url=public_url)
    app = create_gateway_app(__name__, core, OPENAPI, hang_on_timeout=hang_on_timeout)

    def key() -> str | None:
        return request.headers.get(core.idempotency_header)

    @app.post("/v1/tokens")
    def tokenize() -> Response:
        return reply(core.tokenize(json_body(), key()), 201)

    @app.get("/v1/tokens/<token>")
    def get_token(token: str) -> Response:
        return reply(core.get_token(token))

    @app.post("/v1/authorizations")
    def authorize() -> Response:
        return reply(core.authorize(json_body(), key()), 201)

    @app.get("/v1/authorizations/<authorization_id>")
    def hold(authorization_id: str) -> Response:
        return reply(core.hold(authorization_id))

    @app.post("/v1/authorizations/<authorization_id>/void")
    def void(authorization_id: str) -> Response:
        json_body()  # a body is optional but must be JSON if given
        return reply(core.void(authorization_id, key()))

    @app.post("/v1/authorizations/<authorization_id>/capture")
    def capture(authorization_id: str) -> Response:
        return reply(core.capture(authorization_id, json_body(), key()))

    @app.post("/v1/charges")
    def charge() -> Response:
        return reply(core.charge(json_body(), key()), 201)

    @app.post("/v1/refunds")
    def refund() -> Response:
        return reply(core.refund(json_body(), key()), 201)

    mount_lookup(app, core)
    return app
