"""The OpenAPI 3.1 document of the RPC mirror, generated from the registry.

Request and response schemas come from the operations' pydantic models, which
come from the SQLAlchemy models: nothing here restates a type. What pydantic's
JSON Schema says in ways SDK generators trip over is tidied here, once, for every
operation: decimals become one named `Decimal` schema (a string), optional fields
say their default in words instead of `default` (strict TypeScript generators
read a default as "required"),
property titles go (generators turn them into wrapper classes), and the error
responses, the Idempotency-Key parameter and their headers are components
referenced by each operation rather than copies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from graph.ids import PREFIXES, id_json_schema
from graph.operations import REGISTRY, Operation, Scope
from graph.settings import Settings

# status → (component name, description, whether it carries Retry-After)
ERROR_RESPONSES = {
    "400": ("BadRequest", "Malformed or invalid input, or a missing/malformed Idempotency-Key.", False),
    "401": ("Unauthenticated", "Missing, invalid or expired credentials, or an ended session.", False),
    "403": ("Forbidden", "Not allowed: no active organization, or the role lacks the permission.", False),
    "404": ("NotFound", "Not found, or not visible to you (the two are indistinguishable).", False),
    "409": ("Conflict", "Conflict with the current state, or the same Idempotency-Key is still in flight.", True),
    "413": ("PayloadTooLarge", "Request body too large.", False),
    "415": ("UnsupportedMediaType", "Body is not application/json.", False),
    "422": ("Unprocessable", "Idempotency-Key reused with a different body, or a business rule refused it.", False),
    "429": ("RateLimited", "Rate limited; retry after the seconds in Retry-After.", True),
    "500": ("InternalError", "Unexpected error; the message carries a trace id.", False),
    "503": (
        "ServiceUnavailable",
        "A dependency (session store, authorization service, database) is briefly unavailable; retry after "
        "Retry-After seconds (with the same Idempotency-Key for a change: it is applied exactly once).",
        True,
    ),
}

RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "string", "pattern": "^[0-9]+$", "examples": ["1"]},
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "Unique per intended change; reuse it only to retry the same request.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}

IDEMPOTENT_REPLAYED = {
    "description": "`true` when this is a stored response replayed for a retried key.",
    "schema": {"type": "string", "enum": ["true"]},
}

DECIMAL = {
    "type": "string",
    "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
    "description": (
        'An exact decimal number written as a string, e.g. "1450.00" (never a float). Money has two '
        "decimals; shares and rates say their scale in the field's description. Inputs also accept a JSON number."
    ),
    "examples": ["1450.00"],
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
            "\n\nIdempotent: send an `Idempotency-Key` header. A retry with the same key and body "
            "returns the first response with `Idempotent-Replayed: true`; the same key with another "
            "body is a 422; a retry while the first is running is a 409."
        )
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    request_media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{op.input.__name__}"}}
    example = _example(op.input)
    if example is not None:
        request_media["example"] = example
    success: dict[str, Any] = {
        "description": "Success.",
        "content": {"application/json": {"schema": _result_schema(op)}},
    }
    if op.idempotent:
        success["headers"] = {"Idempotent-Replayed": {"$ref": "#/components/headers/IdempotentReplayed"}}
    responses: dict[str, Any] = {"200": success}
    for status, (name, _, _) in ERROR_RESPONSES.items():
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    item: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.resource],
        "summary": op.summary,
        "description": description + f"\n\nGraphQL: `{op.graphql_name}`. Cerbos: `{op.kind}:{op.action}`.",
        "parameters": parameters,
        # Every operation takes a JSON object, `{}` when it has no fields: SDKs must not make it optional.
        "requestBody": {"required": True, "content": {"application/json": request_media}},
        "responses": responses,
        "security": [] if op.scope is Scope.PUBLIC else [{"bearer": []}],
    }
    if op.deprecated:
        item["deprecated"] = True
        item["description"] += f"\n\nDeprecated: {op.deprecated}"
    return item


def _error_response(text: str, retry_after: bool) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    }
    if retry_after:
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
    return response


_DECIMAL_MARK = "x-hestami-decimal"
_BOUNDS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
# Constraint keys pydantic copies into the schema verbatim where it can't place
# them (a constrained Optional[Annotated[...]]); no validator reads them.
_PYDANTIC_ONLY = {*_BOUNDS, "decimal_places", "max_digits"}


def _limits(constraints: dict[str, Any]) -> str:
    parts = [f"{_BOUNDS[k]} {constraints[k]}" for k in _BOUNDS if constraints.get(k) is not None]
    if constraints.get("decimal_places") is not None:
        parts.append(f"at most {constraints['decimal_places']} decimals")
    return ", ".join(parts)


class _GeneratorFriendly(GenerateJsonSchema):
    """Decimals as one named string schema, their bounds said in words (on a
    string, JSON Schema's numeric bounds would apply to nothing)."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        # A marker, not yet the $ref: pydantic resolves every $ref it meets among its own definitions.
        return {_DECIMAL_MARK: _limits(dict(schema))}


_ID_PATTERN = re.compile(r"^\^([a-z]+)_\[a-z2-7\]\{26\}\$$")


def _id_schema_name(prefix: str) -> str:
    return f"{PREFIXES[prefix]}Id"


def id_schemas() -> dict[str, Any]:
    """One named schema per public-id type (`AssociationId`), which every id
    field references instead of repeating its pattern and example."""
    return {_id_schema_name(prefix): id_json_schema(prefix) for prefix in PREFIXES}


def _tidy(node: Any) -> Any:
    """The generator-facing form of one pydantic JSON Schema (see the module doc)."""
    if isinstance(node, list):
        return [_tidy(n) for n in node]
    if not isinstance(node, dict):
        return node
    id_match = _ID_PATTERN.match(str(node.get("pattern", ""))) if node.get("type") == "string" else None
    if id_match:
        ref: dict[str, Any] = {"$ref": f"#/components/schemas/{_id_schema_name(id_match[1])}"}
        if node.get("description") not in (None, id_json_schema(id_match[1])["description"]):
            ref["description"] = node["description"]
        return ref
    out: dict[str, Any] = {}
    limits = [node[_DECIMAL_MARK]] if node.get(_DECIMAL_MARK) else []
    if any(k in node for k in _PYDANTIC_ONLY):
        limits.append(_limits(node))
    if _DECIMAL_MARK in node:
        out["$ref"] = "#/components/schemas/Decimal"
    for key, value in node.items():
        if key in _PYDANTIC_ONLY or key == _DECIMAL_MARK or (key == "default" and value is None):
            continue
        if key == "properties":
            required = set(node.get("required", ()))
            out[key] = {name: _field(_tidy(v), name in required) for name, v in value.items()}
        else:
            out[key] = _tidy(value)
    if limits:
        out["description"] = f"{out.get('description', 'A decimal.')} ({'; '.join(limits)})"
    return out


def _field(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    schema.pop("title", None)  # pydantic's "Amountpaid": generators make wrapper classes of it
    if not required and "default" in schema:
        # The server fills an omitted field in; said in words, because generators read
        # `default` as "always present" and make callers send it.
        default = schema.pop("default")
        said = f"Default: `{json.dumps(default)}`."
        schema["description"] = f"{schema['description']} {said}" if schema.get("description") else said
    return schema


def build_openapi(settings: Settings) -> dict[str, Any]:
    """The document for every registered operation (load the domains first)."""
    ops = sorted(REGISTRY.values(), key=lambda o: o.name)
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = {(o.input, "validation") for o in ops}
    models |= {(o.output, "serialization") for o in ops}
    _, defs = models_json_schema(
        sorted(models, key=lambda m: (m[0].__name__, m[1])),
        by_alias=True,
        ref_template="#/components/schemas/{model}",
        schema_generator=_GeneratorFriendly,
    )
    schemas = {name: _tidy(schema) for name, schema in sorted(defs.get("$defs", {}).items())}
    used = json.dumps(schemas)
    schemas.update((name, schema) for name, schema in id_schemas().items() if f'"#/components/schemas/{name}"' in used)
    schemas = dict(sorted(schemas.items()))
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE
    schemas["Decimal"] = DECIMAL
    tags = sorted({o.resource for o in ops})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hestami RPC API",
            "version": "1",
            "license": {"name": "Proprietary", "identifier": "LicenseRef-Hestami"},
            "description": (
                "The RPC mirror of the Hestami GraphQL API: every operation is `POST /api/v1/rpc/<resource>/v<n>/<action>` "
                "with a JSON body. Authenticate with `Authorization: Bearer <access token or API key>`; org-scoped "
                "operations act in the organization chosen with `organization/v1/select` (API keys are bound to one). "
                f"Mutating operations need an `Idempotency-Key`, kept at least {settings.idempotency_retention_hours} hours."
            ),
        },
        "servers": [{"url": "/", "description": "The server this document was fetched from."}],
        "tags": [{"name": t, "description": f"Operations on {t}."} for t in tags],
        "paths": {op.path: {"post": _path_item(op, settings.idempotency_retention_hours)} for op in ops},
        "components": {
            "schemas": schemas,
            "responses": {name: _error_response(text, retry_after) for name, text, retry_after in ERROR_RESPONSES.values()},
            "parameters": {"IdempotencyKey": IDEMPOTENCY_KEY},
            "headers": {"IdempotentReplayed": IDEMPOTENT_REPLAYED, "RetryAfter": RETRY_AFTER},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An access token from auth/v1/login, or a service account's API key (hsk_…).",
                }
            },
        },
    }
