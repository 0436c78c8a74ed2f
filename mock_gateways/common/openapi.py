"""Building blocks for each gateway's OpenAPI 3 document: the error schema, the admin paths and
small helpers for operations, so every app documents errors and admin the same way."""

from __future__ import annotations

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
) -> dict[str, Any]:
    """One OpenAPI operation. `ok` is (status, schema); `errors` maps status to what it means
    (all errors use the Error schema)."""
    responses: dict[str, Any] = {}
    if ok is not None:
        responses[str(ok[0])] = {"description": "success", "content": json_content(ok[1])}
    for status, meaning in sorted((errors or {}).items()):
        responses[str(status)] = {"description": meaning, "content": json_content(ref("Error"))}
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
    params.append(
        {
            "name": "X-Sim-Time",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "format": "date-time"},
            "description": "sets the gateway's simulated clock before the request is handled",
        }
    )
    op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": json_content(body)}
    return op


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


def admin_paths() -> dict[str, Any]:
    any_object = {"type": "object"}
    return {
        "/__admin/clock": {
            "get": operation("adminGetClock", "the simulated time", ok=(200, any_object)),
            "post": operation(
                "adminSetClock",
                "set the simulated time",
                ok=(200, any_object),
                errors={400: "bad instant", 409: "clock owned by the simulator"},
                body={
                    "type": "object",
                    "required": ["now"],
                    "properties": {"now": {"type": "string", "format": "date-time"}},
                },
            ),
        },
        "/__admin/faults": {
            "get": operation(
                "adminGetFaults", "fault rules and the log of fired faults", ok=(200, any_object)
            ),
            "post": operation(
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
            "delete": operation("adminClearFaults", "remove all fault rules", ok=(200, any_object)),
        },
        "/__admin/state": {
            "get": operation("adminState", "inspect the gateway's state", ok=(200, any_object))
        },
        "/__admin/reset": {
            "post": operation(
                "adminReset",
                "forget all state and faults (optionally a new seed)",
                ok=(200, any_object),
                errors={400: "bad seed"},
                body={"type": "object", "properties": {"seed": {"type": "integer"}}},
            )
        },
    }


def lookup_paths(prefix: str = "/v1/idempotency") -> dict[str, Any]:
    """The path `mount_lookup` serves."""
    lookup_schema = {
        "type": "object",
        "properties": {
            "idempotency_key": {"type": "string"},
            "operation": {"type": "string"},
            "status": {"type": "integer", "description": "200 for a success, else the error's"},
            "body": {"type": "object"},
        },
    }
    return {
        f"{prefix}/{{key}}": {
            "get": operation(
                "lookup",
                "what the request made with this idempotency key answered",
                ok=(200, lookup_schema),
                errors={404: "unknown_idempotency_key"},
                parameters=[path_param("key", "the idempotency key, percent-encoded")],
            )
        }
    }


FAULT_RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"enum": ["latency", "decline", "server_error", "timeout", "reset"]},
        "endpoint": {"type": "string", "description": "operation name or *"},
        "rate": {"type": "string", "description": "probability 0..1, decimal string or number"},
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "latency_ms": {"type": "integer"},
        "decline_code": {"type": "string"},
    },
}


def document(
    title: str, description: str, paths: dict[str, Any], schemas: dict[str, Any]
) -> dict[str, Any]:
    """The whole OpenAPI 3.0 document: the gateway's paths plus admin and shared schemas."""
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0", "description": description},
        "paths": {**paths, **admin_paths()},
        "components": {
            "schemas": {**schemas, "Error": ERROR_SCHEMA, "FaultRule": FAULT_RULE_SCHEMA}
        },
    }
