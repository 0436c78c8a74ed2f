"""The mock PayPal's Flask app: PayPal's REST paths (OAuth, vault, orders, payments) behind a
Bearer token, the buyer's approval page, and /__admin/buyers beside the shared admin API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, request
from flask.typing import ResponseReturnValue

from mock_gateways.common.app import create_gateway_app, json_body, reply
from mock_gateways.common.clock import Clock
from mock_gateways.common.errors import bad_request
from mock_gateways.common.fields import get_bool, get_str, require_object
from mock_gateways.paypal import shapes
from mock_gateways.paypal.approval_page import ACTIONS, GONE, login_page, message_page
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.errors import OAuthError, PayPalError, as_paypal
from mock_gateways.paypal.openapi import OPENAPI
from mock_gateways.paypal.shapes import APPROVE_PATH, minimal

#: where a request is looked up by its PayPal-Request-Id (a mock extension)
REQUESTS_PATH = "/v2/checkout/requests"
#: paths that need `Authorization: Bearer <access token>`
API_PREFIXES = ("/v2/", "/v3/")


def create_app(
    core: PayPalCore | None = None,
    *,
    seed: int = 0,
    clock: Clock | None = None,
    public_url: str | None = None,
    hang_on_timeout: float = 0.0,
) -> Flask:
    """The app over `core` (a new PayPalCore from seed/clock/public_url when None)."""
    core = core or PayPalCore(clock=clock, seed=seed, public_url=public_url)
    app = create_gateway_app(
        __name__, core, OPENAPI, hang_on_timeout=hang_on_timeout, error_shape=as_paypal
    )

    def request_id() -> str | None:
        return request.headers.get(core.idempotency_header)

    def representation() -> bool:
        return "return=representation" in request.headers.get("Prefer", "")

    def created(result: dict[str, Any]) -> Response:
        """POSTs on orders and payments answer minimally unless asked (PayPal's default)."""
        return reply(result if representation() else minimal(result), 201)

    @app.before_request
    def _bearer() -> None:
        # runs after the shell's X-Sim-Time hook, so token expiry is judged in simulated time
        if not request.path.startswith(API_PREFIXES):
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PayPalError(
                "AUTHENTICATION_FAILURE",
                "AUTHENTICATION_FAILURE",
                "An Authorization: Bearer <access token> header is required; get a token from "
                "POST /v1/oauth2/token.",
                field="Authorization",
                location="header",
            )
        core.check_access_token(token.strip())

    # --- OAuth -------------------------------------------------------------------------

    @app.post("/v1/oauth2/token")
    def oauth_token() -> Response:
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username:
            raise OAuthError("invalid_client", "Client Authentication failed", status=401)
        grant = request.form.get("grant_type")
        return reply(core.issue_access_token(auth.username, auth.password or "", grant))

    # --- vault -------------------------------------------------------------------------

    @app.post("/v3/vault/setup-tokens")
    def create_setup_token() -> Response:
        return reply(core.create_setup_token(json_body(), request_id=request_id()), 201)

    @app.get("/v3/vault/setup-tokens/<setup_token_id>")
    def get_setup_token(setup_token_id: str) -> Response:
        return reply(core.get_setup_token(setup_token_id))

    @app.post("/v3/vault/payment-tokens")
    def create_payment_token() -> Response:
        return reply(core.create_payment_token(json_body(), request_id=request_id()), 201)

    @app.get("/v3/vault/payment-tokens/<payment_token_id>")
    def get_payment_token(payment_token_id: str) -> Response:
        return reply(core.get_payment_token(payment_token_id))

    # --- orders and payments -----------------------------------------------------------

    @app.post("/v2/checkout/orders")
    def create_order() -> Response:
        return created(core.create_order(json_body(), request_id=request_id()))

    @app.get(f"{REQUESTS_PATH}/<path:paypal_request_id>")
    def lookup_request(paypal_request_id: str) -> Response:
        return reply(core.lookup_request(paypal_request_id))

    @app.get("/v2/checkout/orders/<order_id>")
    def get_order(order_id: str) -> Response:
        return reply(core.get_order(order_id))

    @app.post("/v2/checkout/orders/<order_id>/authorize")
    def authorize_order(order_id: str) -> Response:
        return created(core.authorize_order(order_id, json_body(), request_id=request_id()))

    @app.post("/v2/checkout/orders/<order_id>/capture")
    def capture_order(order_id: str) -> Response:
        return created(core.capture_order(order_id, json_body(), request_id=request_id()))

    @app.get("/v2/payments/authorizations/<authorization_id>")
    def get_authorization(authorization_id: str) -> Response:
        return reply(core.get_authorization(authorization_id))

    @app.post("/v2/payments/authorizations/<authorization_id>/void")
    def void_authorization(authorization_id: str) -> Response:
        result = core.void_authorization(authorization_id, json_body(), request_id=request_id())
        # PayPal: 204 No Content, or the authorization with Prefer: return=representation
        return reply(result) if representation() else Response(status=204)

    @app.post("/v2/payments/authorizations/<authorization_id>/capture")
    def capture_authorization(authorization_id: str) -> Response:
        return created(
            core.capture_authorization(authorization_id, json_body(), request_id=request_id())
        )

    @app.get("/v2/payments/captures/<capture_id>")
    def get_capture(capture_id: str) -> Response:
        return reply(core.get_capture(capture_id))

    # --- the buyer's approval page ---------------------------------------------------------

    def wants_json() -> bool:
        best = request.accept_mimetypes.best_match(["text/html", "application/json"])
        return best == "application/json"

    def page_error(status: int, code: str, message: str) -> Response:
        if wants_json():
            return reply({"result": code, "message": message}, status)
        return Response(message_page(code, message), status=status, mimetype="text/html")

    @app.get(APPROVE_PATH)
    def approval_page() -> Response:
        session = request.args.get("approval_session_id", "")
        if not session:
            return page_error(400, "MISSING_APPROVAL_SESSION", "approval_session_id is missing.")
        try:
            token = core.approval_session(session)
        except PayPalError:
            return page_error(404, "EXPIRED_OR_UNKNOWN", GONE)
        return Response(login_page(token), mimetype="text/html")

    @app.post(APPROVE_PATH)
    def approval_submit() -> ResponseReturnValue:
        """Form fields: approval_session_id, email, action ("approve" or "cancel")."""
        session = request.form.get("approval_session_id", "")
        email = request.form.get("email", "").strip()
        action = request.form.get("action", "")
        if not session:
            return page_error(400, "MISSING_APPROVAL_SESSION", "approval_session_id is missing.")
        if action not in ACTIONS:
            return page_error(400, "INVALID_ACTION", "action must be approve or cancel.")
        if action == "approve" and not email:
            return page_error(400, "MISSING_EMAIL", "Enter the email of your PayPal account.")
        try:
            token = core.approval_session(session)
            outcome = (
                core.approve(session, email)
                if action == "approve"
                else core.cancel(session, email or None)
            )
        except PayPalError:
            return page_error(404, "EXPIRED_OR_UNKNOWN", GONE)
        status = 200 if outcome.result in ("APPROVED", "CANCELLED") else 422
        if wants_json():
            return reply(outcome.to_json(), status)
        if status == 200 and outcome.redirect_url:
            return redirect(outcome.redirect_url, code=303)
        if status == 200:
            return Response(message_page(outcome.result, outcome.message), mimetype="text/html")
        page = login_page(token, email=email, error=(outcome.result, outcome.message))
        return Response(page, status=status, mimetype="text/html")

    # --- admin: buyers -----------------------------------------------------------------

    @app.get("/__admin/buyers")
    def list_buyers() -> Response:
        with core.lock:
            return jsonify({"buyers": [shapes.buyer(b) for b in core.buyers.values()]})

    @app.post("/__admin/buyers")
    def add_buyer() -> Response:
        raw = require_object(json_body())
        known = set(core.buyers)
        buyer = core.add_buyer(
            get_str(raw, "email", max_length=254) or "",
            funding_source=get_bool(raw, "funding_source", default=True),
            decline=get_str(raw, "decline", required=False) or "none",  # type: ignore[arg-type]
            given_name=get_str(raw, "given_name", required=False),
            surname=get_str(raw, "surname", required=False),
        )
        return reply(shapes.buyer(buyer), 200 if buyer.email in known else 201)

    @app.get("/__admin/buyers/<email>")
    def get_buyer(email: str) -> Response:
        return reply(shapes.buyer(core.buyer(email)))

    @app.patch("/__admin/buyers/<email>")
    def update_buyer(email: str) -> Response:
        raw = require_object(json_body())
        funding = raw.get("funding_source")
        if funding is not None and not isinstance(funding, bool):
            raise bad_request("invalid_field", "funding_source: expected true or false")
        buyer = core.update_buyer(
            email,
            funding_source=funding,
            decline=get_str(raw, "decline", required=False),  # type: ignore[arg-type]
        )
        return reply(shapes.buyer(buyer))

    return app
