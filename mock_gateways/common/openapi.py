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


#: one character at least that is not white space
NOT_BLANK = r"\S"
#: a text field as the gateways read it: no control character, and one at least that is not
#: white space (Python's isprintable also refuses unassigned and format characters: the
#: description says so, a pattern cannot list them)
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


def text(max_length: int, **extra: Any) -> dict[str, Any]:
    """A text field of 1 to `max_length` printable characters, not all white space (what
    mock_gateways.common.fields.get_str takes); `extra`: more keywords of its schema."""
    said = extra.pop("description", "")
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": PRINTABLE,
        "description": f"{said} (printable characters, as Python's str.isprintable)".lstrip(),
        **extra,
    }


#: an amount as mock_gateways.common.fields.get_amount takes it: a decimal string of at most 16
#: digits before the point and two after it, above 0 and at most 1,000,000.00
AMOUNT: dict[str, Any] = {
    "type": "string",
    "pattern": r"^(0{0,10}[1-9][0-9]{0,5}(\.[0-9]{1,2})?|0{0,9}1000000(\.00?)?)$"
    r"|^0{1,16}\.(0[1-9]|[1-9][0-9]?)$",
    "description": "a decimal string above 0 and at most 1000000.00, two places at most",
}


def optional(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field of `schema`: null reads as leaving it out."""
    return {**schema, "nullable": True}


#: an ISO 4217 code, any case
CURRENCY: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z]{3}$"}
#: an absolute http(s) URL (mock_gateways.common.fields.get_url)
ABSOLUTE_URL = "^[hH][tT][tT][pP][sS]?://[^/?#]"

#: an idempotency key (mock_gateways.common.idempotency.check_key): printable ASCII
IDEMPOTENCY_KEY: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "pattern": "^[ -~]+$",
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
                "schema": IDEMPOTENCY_KEY,
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

#: an instant a gateway accepts: ISO 8601 with an offset, of the years 1970 to 9000 (once in
#: UTC: holds and challenges add days to it, kept far from datetime's limits)
INSTANT: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19[7-9][0-9]|[2-8][0-9]{3}|9000)-",
}

SIM_TIME = "X-Sim-Time"
SIM_TIME_PARAM: dict[str, Any] = {
    "name": SIM_TIME,
    "in": "header",
    "required": False,
    "schema": INSTANT,
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
    """The shared admin API, its errors in `error` (the gateway's own error shape); the fault
    rules it takes are the document's FaultRule (see `fault_rule_schema`)."""
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
    reset = op(
        "adminReset",
        "forget all state and faults (optionally a new seed); no body is {}",
        ok=(200, any_object),
        errors={400: "bad seed"},
        body={"type": "object", "properties": {"seed": {"type": "integer", "nullable": True}}},
    )
    return {
        "/__admin/clock": {
            "get": op("adminGetClock", "the simulated time", ok=(200, clock)),
            "post": op(
                "adminSetClock",
                "set the simulated time",
                ok=(200, clock),
                errors={400: "bad instant", 409: "clock owned by the simulator"},
                body={"type": "object", "required": ["now"], "properties": {"now": INSTANT}},
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
        "/__admin/reset": {"post": _optional_body(reset)},
    }


def _optional_body(op: dict[str, Any]) -> dict[str, Any]:
    """`op` with its body optional (an empty body reads as {})."""
    op["requestBody"]["required"] = False
    return op


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
                parameters=[
                    {
                        **path_param("key", "the idempotency key, percent-encoded"),
                        "schema": IDEMPOTENCY_KEY,
                    }
                ],
                faults=True,
            )
        }
    }


def fault_rule_schema(operations: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a scenario file's fault (less `gateway`), as the gateway checks them; any
    other field is refused. `endpoint` is '*' or one of `operations` (any name if empty). A
    window's `until` must be after its `from`: the schema cannot say so, the description does."""
    endpoint: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64}
    if operations:
        endpoint = {"enum": ["*", *operations]}
    return {
        "type": "object",
        "required": ["kind"],
        "additionalProperties": False,
        "description": "until, when given with from, must be after it",
        "properties": {
            "kind": {"enum": ["latency", "decline", "server_error", "timeout", "reset"]},
            "endpoint": {**endpoint, "description": "operation name or *"},
            "rate": {
                "description": "probability 0..1, decimal string or number",
                "anyOf": [
                    {"type": "number", "minimum": 0, "maximum": 1},
                    {"type": "string", "pattern": r"^(0(\.[0-9]*)?|\.[0-9]+|1(\.0*)?)$"},
                ],
            },
            "from": {**INSTANT, "nullable": True, "description": "window start, inclusive"},
            "until": {**INSTANT, "nullable": True, "description": "window end, exclusive"},
            "latency_ms": {"type": "integer", "minimum": 0, "maximum": 10_000_000},
            "decline_code": {
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$",
                "description": "a snake_case reason code",
            },
        },
    }


SHELL_NOTE = (
    " Every answer carries X-Sim-Time. The shell answers a path it does not serve 404 "
    "not_found, another method 405 method_not_allowed (its Allow header names the path's "
    "methods), a body over 64 KiB 413 body_too_large and a bad X-Sim-Time header 400 "
    "invalid_sim_time, in this gateway's error shape (components.responses)."
)


def _shell_responses(error: dict[str, Any]) -> dict[str, Any]:
    answers = {
        "BadSimTime": "400 invalid_sim_time: X-Sim-Time is not an instant of 1970 to 9000",
        "NotFound": "404 not_found: no such path",
        "MethodNotAllowed": "405 method_not_allowed: the path takes other methods",
        "PayloadTooLarge": "413 body_too_large: the body is over 64 KiB",
        "UnsupportedMediaType": "415 unsupported_media_type",
    }
    responses = {
        name: {"description": meaning, "content": json_content(error)}
        for name, meaning in answers.items()
    }
    responses["MethodNotAllowed"]["headers"] = {
        "Allow": {
            "description": "the methods the path takes (RFC 9110)",
            "required": True,
            "schema": {"type": "string"},
        }
    }
    return responses


def document(
    title: str,
    description: str,
    paths: dict[str, Any],
    schemas: dict[str, Any],
    *,
    error: dict[str, Any] | None = None,
    security_schemes: dict[str, Any] | None = None,
    operations: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The whole OpenAPI 3.0 document: the gateway's paths plus admin and shared schemas, with
    what the shared shell answers added to every operation. `error`: the schema the gateway
    answers errors in (the shared Error unless given); `operations`: those a fault rule may
    name (mock_gateways.operations)."""
    error = error or ref("Error")
    every_path = {**paths, **admin_paths(error)}
    for item in every_path.values():
        for op in item.values():
            _with_shell(op, error)
    components: dict[str, Any] = {
        "schemas": {**schemas, "Error": ERROR_SCHEMA, "FaultRule": fault_rule_schema(operations)},
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
