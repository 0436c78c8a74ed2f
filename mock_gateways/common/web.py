"""Request helpers for gateway views: the JSON body as an object, and JSON replies."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request

from mock_gateways.common.errors import bad_request


def json_body() -> dict[str, Any]:
    """The request's JSON object, or 400 `invalid_json` / `invalid_body`. An empty body is {}."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise bad_request("invalid_json", "the request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise bad_request("invalid_body", "the request body must be a JSON object")
    return parsed


def reply(payload: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response
