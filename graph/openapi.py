"""The OpenAPI 3.1 document of the RPC mirror, generated from the registry.

Request and response schemas come from the operations' pydantic models, which
come from the SQLAlchemy models: nothing here restates a type.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from graph.operations import REGISTRY, Operation, Scope
from graph.settings import Settings

ERROR_STATUSES = {
    "400": "Malformed or invalid input, or a missing/malformed Idempotency-Key.",
    "401": "Missing, invalid or expired credentials, or an ended session.",
    "403": "Not allowed: no active organization, or the role lacks the permission.",
    "404": "Not found, or not visible to you (the two are indistinguishable).",
    "409": "Conflict with the current state, or the same Idempotency-Key is still in flight.",
    "413": "Request body too large.",
    "415": "Body is not application/json.",
    "422": "Idempotency-Key reused with a different body, or a business rule refused it.",
    "429": "Rate limited; see Retry-After.",
    "500": "Unexpected error; the message carries a trace id.",
    "503": "A dependency (session store, authorization service, database) is unavailable; retry.",
}

ERROR_ENVELOPE = {
    "type": "object",
    "description": "Every error, whatever its status, has this shape.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "traceId"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code.", "examples": ["VALIDATION_FAILED"]},
                "message": {"type": "string", "description": "Human-readable explanation."},
                "details": {"description": "Structured details (e.g. the field at fault), or null."},
                "traceId": {"type": ["string", "null"], "description": "OpenTelemetry trace id to quote in reports."},
            },
        }
    },
}


def _example(model: Any) -> Any:
    examples = model.model_json_schema(by_alias=True).get("examples")
    return examples[0] if examples else None


def _result_schema(op: Operation) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{op.output.__name__}"}
    return {"anyOf": [ref, {"type": "null"}]} if op.nullable else ref


def _path_item(op: Operation, retention_hours: int) -> dict[str, Any]:
    description = op.description
    parameters: list[dict[str, Any]] = []
    if op.idempotent:
        description += (
            f"\n\nIdempotent: send an `Idempotency-Key` header (1–255 printable characters). "
            f"Keys are scoped to your organization, principal and this operation and kept at least "
            f"{retention_hours} hours. A retry with the same key and body returns the first response "
            "with `Idempotent-Replayed: true`; the same key with another body is a 422; a retry "
            "while the first is running is a 409."
        )
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "description": "Unique per intended change; reuse it only to retry the same request.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
            }
        )
    request_media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{op.input.__name__}"}}
    example = _example(op.input)
    if example is not None:
        request_media["example"] = example
    responses: dict[str, Any] = {
        "200": {
            "description": "Success.",
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when this is a stored response replayed for a retried key.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
            if op.idempotent
            else {},
            "content": {"application/json": {"schema": _result_schema(op)}},
        }
    }
    for status, text in ERROR_STATUSES.items():
        responses[status] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
        }
    item: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.resource],
        "summary": op.summary,
        "description": description + f"\n\nGraphQL: `{op.graphql_name}`. Cerbos: `{op.kind}:{op.action}`.",
        "parameters": parameters,
        "requestBody": {"required": False, "content": {"application/json": request_media}},
        "responses": responses,
        "security": [] if op.scope is Scope.PUBLIC else [{"bearer": []}],
    }
    if op.deprecated:
        item["deprecated"] = True
        item["description"] += f"\n\nDeprecated: {op.deprecated}"
    return item


def build_openapi(settings: Settings) -> dict[str, Any]:
    """The document for every registered operation (load the domains first)."""
    ops = sorted(REGISTRY.values(), key=lambda o: o.name)
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = {(o.input, "validation") for o in ops}
    models |= {(o.output, "serialization") for o in ops}
    _, defs = models_json_schema(
        sorted(models, key=lambda m: (m[0].__name__, m[1])),
        by_alias=True,
        ref_template="#/components/schemas/{model}",
    )
    schemas = dict(sorted(defs.get("$defs", {}).items()))
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE
    tags = sorted({o.resource for o in ops})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hestami RPC API",
            "version": "1",
            "description": (
                "The RPC mirror of the Hestami GraphQL API: every operation is `POST /api/v1/rpc/<resource>/v<n>/<action>` "
                "with a JSON body. Authenticate with `Authorization: Bearer <access token or API key>`; org-scoped "
                "operations act in the organization chosen with `organization/v1/select` (API keys are bound to one). "
                f"Mutating operations need an `Idempotency-Key`, kept at least {settings.idempotency_retention_hours} hours."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t, "description": f"Operations on {t}."} for t in tags],
        "paths": {op.path: {"post": _path_item(op, settings.idempotency_retention_hours)} for op in ops},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An access token from auth/v1/login, or a service account's API key (hsk_…).",
                }
            },
        },
    }
