"""The OpenAPI document states the error answers the service really gives.

FastAPI documents 422 as its own `HTTPValidationError` shape and knows nothing of
the answers made by middleware (401, 403, 413, 429) or of 503. Clients and the
schema fuzzer rely on the document, so it is corrected here once for all routes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from service.api.keys import required_scope

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What was wrong, for a person to read."},
        "errors": {
            "type": "array",
            "description": "Validation errors one by one (422 only).",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}

_COMMON_ERRORS = {
    "401": "API key missing or unknown (only when keys are configured)",
    "403": "The API key lacks the scope this route needs",
    "429": "Rate limit exceeded; see the Retry-After header",
    "503": "No index loaded",
}
_BODY_ERRORS = {
    "400": "Content-Length is not a number",
    "413": "Request body too large",
}


def install_error_contract(app: FastAPI) -> None:
    """Wrap `app.openapi` so every operation documents the errors it can answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        # 422 bodies come from service.api.errors, not FastAPI's default handler.
        schemas["HTTPValidationError"] = ERROR_SCHEMA
        components.setdefault("securitySchemes", {}).update(
            {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }
        )
        reference = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                errors = dict(_COMMON_ERRORS)
                if method in ("post", "put", "patch"):
                    errors.update(_BODY_ERRORS)
                if "{" in path:
                    errors["404"] = "No such item"
                for status, description in errors.items():
                    responses.setdefault(status, {"description": description, **reference})
                for status, body in responses.items():
                    if status.startswith(("4", "5")) and "content" not in body:
                        body.update(reference)
                if required_scope(method.upper(), path) is not None:
                    # Keys are optional: either scheme, or none when keys are off.
                    operation["security"] = [{"bearer": []}, {"apiKey": []}, {}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
