"""The OpenAPI document tells the truth: every error a route can answer, in the one error shape.

FastAPI documents only `200` and its own `422` shape (`{"detail": [...]}`), which is not what
the studio answers. This post-processing step replaces that 422 with the studio's error schema
and adds the statuses every operation can give by what it is: a body (400 unparsable, 413 too
large, 422), a bearer token (401), a path id (404). Statuses a
route's own rules give (402, 409, 429, 503...) are declared on the route with `responses=`;
their content is replaced by the one error schema here as well.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA_NAME = "ErrorResponse"
FIELD_ERROR_SCHEMA_NAME = "FieldError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}

ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "Every error: one sentence a person can act on and a machine code; "
    "validation errors add `errors`, other errors may add fields (balance, cost, limit...).",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "One sentence saying what to change."},
        "code": {"type": "string", "description": "A machine-readable error code."},
        "errors": {
            "type": "array",
            "items": {"$ref": f"#/components/schemas/{FIELD_ERROR_SCHEMA_NAME}"},
        },
    },
    "additionalProperties": True,
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "title": FIELD_ERROR_SCHEMA_NAME,
    "type": "object",
    "required": ["field", "message"],
    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
}

DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "The request could not be read (malformed body or headers)",
    401: "Not signed in, or the access token is invalid, expired or revoked",
    402: "Not enough credits",
    403: "Not allowed",
    404: "Not found",
    409: "The resource's state does not allow this",
    413: "The request body or a file is too large",
    415: "Unsupported file type",
    422: "Invalid input (each field's problem in `errors`)",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "A service this needs is not configured or not reachable",
}

FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


def statuses_for(operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer because of what it takes and who may call
    it: input (422), a body (400, 413), a bearer token (401), a path id (404)."""
    parameters = operation.get("parameters", [])
    statuses: set[int] = set()
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses |= {400, 413}
    if operation.get("security"):
        statuses.add(401)
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.add(404)
    return statuses


def _error_response(existing: dict[str, Any] | None, status: int) -> dict[str, Any]:
    description = (existing or {}).get("description") or DEFAULT_DESCRIPTIONS.get(status, "Error")
    if status == 422 and description == "Validation Error":
        description = DEFAULT_DESCRIPTIONS[422]
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document so every operation lists its errors with the one schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    components[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    components[FIELD_ERROR_SCHEMA_NAME] = FIELD_ERROR_SCHEMA
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            wanted = statuses_for(operation) | {
                int(code) for code in responses if code.isdigit() and int(code) >= 400
            }
            for status in sorted(wanted):
                responses[str(status)] = _error_response(responses.get(str(status)), status)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the rewritten document at the app's openapi_url (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = document_errors(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
