"""The 3DS server's Flask app: the merchant API, the ACS challenge page and its form."""

from __future__ import annotations

from flask import Flask, Response, redirect, request
from flask.typing import ResponseReturnValue

from mock_gateways.common.app import create_gateway_app, json_body, mount_lookup, reply
from mock_gateways.common.clock import Clock
from mock_gateways.common.errors import GatewayError, bad_request
from mock_gateways.threeds.core import CardDirectory, ThreeDSServer
from mock_gateways.threeds.openapi import OPENAPI
from mock_gateways.threeds.page import render


def create_app(
    core: ThreeDSServer | None = None,
    *,
    seed: int = 0,
    clock: Clock | None = None,
    public_url: str | None = None,
    hang_on_timeout: float = 0.0,
    cards: CardDirectory | None = None,
) -> Flask:
    """The app over `core` (a new ThreeDSServer when None). `cards` resolves card tokens: pass
    the CardProcessor core that issued them (without it only `acctNumber` requests work)."""
    core = core or ThreeDSServer(clock=clock, seed=seed, public_url=public_url, cards=cards)
    app = create_gateway_app(__name__, core, OPENAPI, hang_on_timeout=hang_on_timeout)

    @app.post("/v1/authentications")
    def authenticate() -> Response:
        return reply(
            core.authenticate(json_body(), request.headers.get(core.idempotency_header)), 201
        )

    @app.get("/v1/authentications/<trans_id>")
    def result(trans_id: str) -> Response:
        return reply(core.result(trans_id))

    @app.get("/acs/challenge/<trans_id>")
    def challenge_page(trans_id: str) -> Response:
        html = render(core.challenge_page(trans_id), action=request.path)
        return Response(html, mimetype="text/html")

    @app.post("/acs/challenge/<trans_id>")
    def challenge_submit(trans_id: str) -> ResponseReturnValue:
        if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise GatewayError(
                "unsupported_media_type", "post the challenge form as a form", status=415
            )
        action = request.form.get("action", "submit")
        if action == "cancel":
            core.cancel_challenge(trans_id)
        elif action == "submit" and "otp" in request.form:
            core.complete_challenge(trans_id, request.form["otp"])
        else:
            raise bad_request("invalid_field", "send otp with action=submit, or action=cancel")
        return redirect(core.return_url(trans_id), code=303)

    mount_lookup(app, core)
    return app
