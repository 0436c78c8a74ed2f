"""The admin API every gateway app mounts under /__admin/: clock, faults, state, reset."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from mock_gateways.common.clock import format_instant, parse_instant
from mock_gateways.common.core import GatewayCore
from mock_gateways.common.errors import GatewayError, bad_request
from mock_gateways.common.web import json_body


def admin_blueprint(core: GatewayCore) -> Blueprint:
    """GET/POST /__admin/clock {"now": ISO}; GET/POST/DELETE /__admin/faults {"faults": [...]};
    GET /__admin/state; POST /__admin/reset {"seed"?: int}."""
    bp = Blueprint("admin", __name__, url_prefix="/__admin")

    def clock_json() -> dict[str, Any]:
        return {"now": format_instant(core.now()), "settable": hasattr(core.clock, "set")}

    @bp.get("/clock")
    def get_clock() -> Response:
        return jsonify(clock_json())

    @bp.post("/clock")
    def set_clock() -> Response:
        raw = json_body().get("now")
        if not isinstance(raw, str):
            raise bad_request("missing_field", "now is required: an ISO 8601 instant string")
        try:
            when = parse_instant(raw)
        except ValueError as err:
            raise bad_request("invalid_field", f"now: {err}") from None
        setter = getattr(core.clock, "set", None)
        if setter is None:
            raise GatewayError(
                "clock_not_settable", "this gateway reads the simulator's clock", status=409
            )
        with core.lock:
            setter(when)
        return jsonify(clock_json())

    @bp.get("/faults")
    def get_faults() -> Response:
        with core.lock:
            return jsonify(
                {
                    "faults": core.faults.to_json(),
                    "fired": core.faults.times_fired(),
                    "log": list(core.fault_log),
                }
            )

    @bp.post("/faults")
    def set_faults() -> Response:
        body = json_body()
        if "faults" not in body:
            raise bad_request("missing_field", "faults is required: a JSON array of rules")
        with core.lock:
            core.faults.replace(body["faults"])
            return jsonify({"faults": core.faults.to_json()})

    @bp.delete("/faults")
    def clear_faults() -> Response:
        with core.lock:
            core.faults.replace([])
        return jsonify({"faults": []})

    @bp.get("/state")
    def state() -> Response:
        return jsonify(core.admin_state())

    @bp.post("/reset")
    def reset() -> Response:
        seed = json_body().get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise bad_request("invalid_field", "seed: expected an integer")
        core.reset(seed)
        return jsonify({"reset": True, "seed": core.seed})

    return bp
