"""Building blocks for each gateway's OpenAPI 3 document: the error schema, the admin paths and
small helpers for operations, so every app documents errors and admin the same way."""

from __future__ import annotations

from functools import partial
from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable snake_case code"},
                "message": {"type": "string"},
            },
        }
    },
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def operation(
    operation_id: str,
    summary: str,
    *,
    ok: tuple[int, dict[str, Any]] | None = None,
    errors: dict[int, str] | None = None,
    body: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    idempotency_header: str | None = None,
    error: dict[str, Any] | None = None,
    faults: bool = False,
) -> dict[str, Any]:
    """One OpenAPI operation. `ok` is (status, schema); `errors` maps status to what it means,
    each answered in `error` (the Error schema unless given). `faults`: the fault plan may
    answer the operation 502, 503 or 504, always in the shared Error shape (clients tell
    "nothing was done" from "maybe done" by its code). `document` adds the shell's answers."""
    error = error or ref("Error")
    responses: dict[str, Any] = {}
    if ok is not None:
        responses[str(ok[0])] = {"description": "success", "content": json_content(ok[1])}
    for status, meaning in sorted((errors or {}).items()):
        responses[str(status)] = {"description": meaning, "content": json_content(error)}
    if faults:
        responses.update(FAULT_RESPONSES)
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "responses": responses}
    params = list(parameters or [])
    if idempotency_header:
        params.append(
            {
                "name": idempotency_header,
                "in": "header",
                "required": True,
                "schema": {"type": "string", "maxLength": 255},
                "description": "a replay returns the first answer; other parameters give 409",
            }
        )
    op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": json_content(body)}
    return op


def add_examples(paths: dict[str, Any], examples: dict[str, tuple[Any, Any]]) -> None:
    """Give each operation named in `examples` (by operationId) its example request body and
    its example success answer (the lowest status under 400; None leaves either out)."""
    for item in paths.values():
        for op in item.values():
            found = examples.get(op["operationId"])
            if found is None:
                continue
            request, answer = found
            # content maps are copied, not written to: answers may share one (PayPal's page)
            if request is not None:
                body = op["requestBody"]
                body["content"] = {
                    name: {**media, "example": request} for name, media in body["content"].items()
                }
            if answer is not None:
                status = min((code for code in op["responses"] if int(code) < 400), key=int)
                ok = op["responses"][status]
                json_media = {**ok["content"]["application/json"], "example": answer}
                ok["content"] = {**ok["content"], "application/json": json_media}


#: what an injected transport fault answers (mock_gateways.common.errors.TransportFault)
FAULT_RESPONSES: dict[str, Any] = {
    "502": {
        "description": "injected connection_reset: nothing was done; look the key up or resend",
        "content": json_content(ref("Error")),
    },
    "503": {
        "description": "injected server_error: nothing was done; resend with the same key",
        "content": json_content(ref("Error")),
    },
    "504": {
        "description": "injected response_lost: the work was done; look the key up or resend",
        "content": json_content(ref("Error")),
    },
}

SIM_TIME = "X-Sim-Time"
SIM_TIME_PARAM: dict[str, Any] = {
    "name": SIM_TIME,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "format": "date-time"},
    "description": "sets the gateway's simulated clock before the request is handled (years "
    "1970 to 9000); anything else is 400 invalid_sim_time",
}
#: every answer carries the simulated time it was given at
SIM_TIME_HEADER: dict[str, Any] = {
    "description": "the gateway's simulated time after the request",
    "required": True,
    "schema": {"type": "string", "format": "date-time"},
}


def _with_shell(op: dict[str, Any], error: dict[str, Any]) -> None:
    """Add what the shared shell answers to `op`: the X-Sim-Time header (400 when bad), 413
    above the body limit, and the X-Sim-Time response header; an error status the operation
    answers in another shape is documented as either."""
    params = op.setdefault("parameters", [])
    if not any(p.get("name") == SIM_TIME for p in params):
        params.append(SIM_TIME_PARAM)
    responses = op["responses"]
    shell = {"400": "a bad X-Sim-Time header (invalid_sim_time)"}
    if "requestBody" in op:
        shell["413"] = "the body is over the gateway's limit (64 KiB)"
    for status, meaning in shell.items():
        answer = responses.setdefault(status, {"description": meaning, "content": {}})
        if meaning not in answer["description"]:
            answer["description"] = f"{answer['description']}; or {meaning}"
        content = answer.setdefault("content", {})
        current = content.get("application/json", {}).get("schema")
        if current is None:
            content["application/json"] = {"schema": error}
        elif current != error and error not in current.get("anyOf", ()):
            content["application/json"] = {"schema": {"anyOf": [current, error]}}
    for answer in responses.values():
        answer.setdefault("headers", {})[SIM_TIME] = SIM_TIME_HEADER


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


def admin_paths(error: dict[str, Any]) -> dict[str, Any]:
    """The shared admin API, its errors in `error` (the gateway's own error shape)."""
    any_object = {"type": "object"}
    clock = {
        "type": "object",
        "required": ["now", "settable"],
        "properties": {
            "now": {"type": "string", "format": "date-time"},
            "settable": {"type": "boolean"},
        },
    }
    op = partial(operation, error=error)
    return {
        "/__admin/clock": {
            "get": op("adminGetClock", "the simulated time", ok=(200, clock)),
            "post": op(
                "adminSetClock",
                "set the simulated time",
                ok=(200, clock),
                errors={400: "bad instant", 409: "clock owned by the simulator"},
                body={
                    "type": "object",
                    "required": ["now"],
                    "properties": {"now": {"type": "string", "format": "date-time"}},
                },
            ),
        },
        "/__admin/faults": {
            "get": op(
                "adminGetFaults", "fault rules and the log of fired faults", ok=(200, any_object)
            ),
            "post": op(
                "adminSetFaults",
                "replace the fault rules",
                ok=(200, any_object),
                errors={400: "invalid rule"},
                body={
                    "type": "object",
                    "required": ["faults"],
                    "properties": {"faults": {"type": "array", "items": ref("FaultRule")}},
                },
            ),
            "delete": op("adminClearFaults", "remove all fault rules", ok=(200, any_object)),
        },
        "/__admin/state": {
            "get": op("adminState", "inspect the gateway's state", ok=(200, any_object))
        },
        "/__admin/reset": {
            "post": op(
                "adminReset",
                "forget all state and faults (optionally a new seed)",
                ok=(200, any_object),
                errors={400: "bad seed"},
                body={"type": "object", "properties": {"seed": {"type": "integer"}}},
            )
        },
    }


#: what a look-up by idempotency key answers (card, 3DS and PayPal alike)
LOOKUP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["idempotency_key", "operation", "status", "body"],
    "properties": {
        "idempotency_key": {"type": "string"},
        "operation": {"type": "string"},
        "status": {"type": "integer", "description": "200 for a success, else the error's"},
        "body": {
            "type": "object",
            "description": "the answer within the replay window; after it, for a payment, the "
            "payment as it is now (a refusal as it was)",
        },
    },
}


def lookup_paths(prefix: str = "/v1/idempotency") -> dict[str, Any]:
    """The path `mount_lookup` serves."""
    return {
        f"{prefix}/{{key}}": {
            "get": operation(
                "lookup",
                "what the request made with this idempotency key answered",
                ok=(200, LOOKUP_SCHEMA),
                errors={
                    400: "an unusable key (invalid_idempotency_key)",
                    404: "unknown_idempotency_key: no request was committed with this key (a "
                    "payment's key is known for good; others for the replay window)",
                },
                parameters=[path_param("key", "the idempotency key, percent-encoded")],
                faults=True,
            )
        }
    }


#: the fields of a scenario file's fault (less `gateway`); any other field is refused
FAULT_RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["latency", "decline", "server_error", "timeout", "reset"]},
        "endpoint": {"type": "string", "description": "operation name or *"},
        "rate": {"type": "string", "description": "probability 0..1, decimal string or number"},
        "from": {
            "type": "string",
            "format": "date-time",
            "description": "start of the window, inclusive",
        },
        "until": {
            "type": "string",
            "format": "date-time",
            "description": "end of the window, exclusive",
        },
        "latency_ms": {"type": "integer"},
        "decline_code": {"type": "string"},
    },
}


SHELL_NOTE = (
    " Every answer carries X-Sim-Time. The shell answers a path it does not serve 404 "
    "not_found, another method 405 method_not_allowed, a body over 64 KiB 413 body_too_large "
    "and a bad X-Sim-Time header 400 invalid_sim_time, in this gateway's error shape "
    "(components.responses)."
)


def _shell_responses(error: dict[str, Any]) -> dict[str, Any]:
    answers = {
        "BadSimTime": "400 invalid_sim_time: X-Sim-Time is not an instant of 1970 to 9000",
        "NotFound": "404 not_found: no such path",
        "MethodNotAllowed": "405 method_not_allowed: the path takes other methods",
        "PayloadTooLarge": "413 body_too_large: the body is over 64 KiB",
        "UnsupportedMediaType": "415 unsupported_media_type",
    }
    return {
        name: {"description": meaning, "content": json_content(error)}
        for name, meaning in answers.items()
    }


def document(
    title: str,
    description: str,
    paths: dict[str, Any],
    schemas: dict[str, Any],
    *,
    error: dict[str, Any] | None = None,
    security_schemes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole OpenAPI 3.0 document: the gateway's paths plus admin and shared schemas, with
    what the shared shell answers added to every operation. `error`: the schema the gateway
    answers errors in (the shared Error unless given)."""
    error = error or ref("Error")
    every_path = {**paths, **admin_paths(error)}
    for item in every_path.values():
        for op in item.values():
            _with_shell(op, error)
    components: dict[str, Any] = {
        "schemas": {**schemas, "Error": ERROR_SCHEMA, "FaultRule": FAULT_RULE_SCHEMA},
        "responses": _shell_responses(error),
    }
    if security_schemes:
        components["securitySchemes"] = security_schemes
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0", "description": description + SHELL_NOTE},
        "paths": every_path,
        "components": components,
    }
