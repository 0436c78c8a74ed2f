"""The Flask shell every gateway app is built on: JSON errors with stable codes, the X-Sim-Time
header, body size limit, /openapi.json, the admin blueprint and request logging without bodies."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, cast

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from mock_gateways.common.admin import admin_blueprint
from mock_gateways.common.clock import format_instant, parse_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import GatewayError, ResponseLost, bad_request
from mock_gateways.common.web import json_body, reply

__all__ = [
    "SIM_TIME_HEADER",
    "core_of",
    "create_gateway_app",
    "json_body",
    "mount_lookup",
    "reply",
]

SIM_TIME_HEADER = "X-Sim-Time"
DEFAULT_MAX_BODY = 64 * 1024

log = logging.getLogger("mock_gateways.http")


def create_gateway_app(
    import_name: str,
    core: GatewayCore,
    openapi: dict[str, Any],
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    hang_on_timeout: float = 0.0,
    error_shape: Callable[[GatewayError], GatewayError] = lambda err: err,
) -> Flask:
    """A Flask app over `core` with the shared behaviour; the gateway adds its own routes.

    `error_shape` turns every error the app answers (its own, the shell's: a bad X-Sim-Time,
    404, 405, 413...) into the gateway's error shape; the shared one by default.

    `hang_on_timeout`: seconds to wait before answering an injected `timeout` fault (504
    `response_lost`), so that a real HTTP client with a shorter timeout sees a genuine read
    timeout. 0 answers at once; adapters treat both the same way."""
    app = Flask(import_name)
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.config["HANG_ON_TIMEOUT"] = hang_on_timeout
    # True under a real server (set by `serve`): an injected reset then really drops the
    # connection mid-response; in process (WSGITransport) it stays a 502 `connection_reset`.
    app.config["ABORT_ON_RESET"] = False
    app.extensions["gateway_core"] = core

    @app.before_request
    def _sim_time() -> None:
        raw = request.headers.get(SIM_TIME_HEADER)
        if raw is None:
            return
        try:
            when = parse_instant(raw)
        except ValueError as err:
            raise bad_request("invalid_sim_time", f"{SIM_TIME_HEADER}: {err}") from None
        # A clock without `set` is owned by the process (the simulator's): it is the truth.
        setter = getattr(core.clock, "set", None)
        if setter is not None:
            with core.lock:
                setter(when)

    @app.after_request
    def _stamp(response: Response) -> Response:
        response.headers[SIM_TIME_HEADER] = format_instant(core.now())
        # Paths and statuses only: bodies may hold card data and are never logged.
        log.info("%s %s %s -> %s", import_name, request.method, request.path, response.status_code)
        return response

    @app.errorhandler(GatewayError)
    def _gateway_error(err: GatewayError) -> Response:
        err = error_shape(err)
        if isinstance(err, ResponseLost) and current_app.config["HANG_ON_TIMEOUT"] > 0:
            time.sleep(current_app.config["HANG_ON_TIMEOUT"])
        if err.code == "connection_reset" and current_app.config["ABORT_ON_RESET"]:
            return _cut_short(err)
        response = jsonify(err.to_body())
        response.status_code = err.status
        if err.code == "connection_reset":
            response.headers["Connection"] = "close"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Response:
        code = _HTTP_CODES.get(err.code or 500, "http_error")
        body = error_shape(GatewayError(code, err.description or err.name, status=err.code or 500))
        response = jsonify(body.to_body())
        response.status_code = body.status
        # a 405 names the methods the path takes (RFC 9110), as werkzeug's own answer would
        allowed = getattr(err, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        # Never the exception text: it might quote a request body.
        log.error("%s: unhandled %s on %s", import_name, type(err).__name__, request.path)
        response = jsonify({"error": {"code": "internal_error", "message": "internal error"}})
        response.status_code = 500
        return response

    @app.get("/openapi.json")
    def _openapi() -> Response:
        return jsonify(openapi)

    app.register_blueprint(admin_blueprint(core))
    return app


def _cut_short(err: GatewayError) -> Response:
    """Half of the body against a Content-Length for all of it: waitress closes the connection
    and the client sees a broken response, as after a connection reset."""
    payload = json.dumps(err.to_body()).encode()
    response = Response(
        iter([payload[: len(payload) // 2]]),
        status=err.status,
        mimetype="application/json",
        direct_passthrough=True,
    )
    response.headers["Content-Length"] = str(len(payload))
    return response


_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def mount_lookup(app: Flask, core: GatewayCore, prefix: str = "/v1/idempotency") -> None:
    """GET {prefix}/<key>: what the request committed under that key answered
    (`GatewayCore.lookup`); document it with `openapi.lookup_paths(prefix)`."""

    @app.get(f"{prefix}/<path:idempotency_key>", endpoint="lookup")
    def lookup(idempotency_key: str) -> Response:
        return reply(core.lookup(idempotency_key))


def core_of(app: Flask) -> GatewayCore:
    """The core an app was built over (tests and `serve` use it)."""
    return cast(GatewayCore, app.extensions["gateway_core"])
