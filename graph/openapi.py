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

from graph import refusals
from graph.docs import member_docs
from graph.ids import PREFIXES, id_json_schema
from graph.operations import REGISTRY, Operation, Scope
from graph.settings import Settings

# The error responses every operation shares: which codes an operation answers is
# its `x-error-codes` (graph/refusals.py), each code's status is in the catalog
# (the ErrorCode schema), so one response per status class says the rest.
ERROR_RESPONSES = {
    "4XX": (
        "ClientError",
        "Refused: the error's `code` says why (the operation's `x-error-codes` lists those it can answer; "
        "the `ErrorCode` schema gives each code's status and meaning).",
    ),
    "5XX": (
        "ServerError",
        "INTERNAL_ERROR (500; quote the trace id) or SERVICE_UNAVAILABLE (503: a dependency is briefly down; "
        "retry after Retry-After, with the same Idempotency-Key for a change: it is applied exactly once).",
    ),
}

RETRY_AFTER = {
    "description": (
        "Seconds to wait before retrying: sent with 429 RATE_LIMITED, 409 IDEMPOTENCY_KEY_IN_FLIGHT and 503 SERVICE_UNAVAILABLE."
    ),
    "schema": {"type": "string", "pattern": "^[0-9]+$", "examples": ["1"]},
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": (
        "Unique per intended change; reuse it only to retry the same request. A retry with the same key and body "
        "returns the first response with `Idempotent-Replayed: true`; the same key with another body is a 422 "
        "IDEMPOTENCY_KEY_REUSED; a retry while the first is running is a 409 IDEMPOTENCY_KEY_IN_FLIGHT."
    ),
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
                "code": {"$ref": "#/components/schemas/ErrorCode"},
                "message": {"type": "string", "description": "Human-readable explanation."},
                "details": {
                    "anyOf": [{"$ref": "#/components/schemas/ErrorDetails"}, {"type": "null"}],
                    "description": "Structured details, or null.",
                },
                "traceId": {"type": ["string", "null"], "description": "OpenTelemetry trace id to quote in reports."},
            },
        }
    },
}

ERROR_DETAILS = {
    "type": "object",
    "description": (
        "What an error's code needs to be acted on. `field` names the input at fault; VALIDATION_FAILED lists every "
        "`problems`; RATE_LIMITED says `retryAfterSeconds` and `scope`; other keys are the code's own (e.g. "
        "POSSIBLE_DUPLICATE_INVOICE's `invoiceIds`, a refused step's `allowedFrom`), described with the code."
    ),
    "properties": {
        "field": {
            "type": "array",
            "items": {"type": "string"},
            "description": 'Path of the input field at fault, e.g. `["lines", "0", "amount"]`.',
        },
        "problems": {
            "type": "array",
            "description": "Each problem with the input (VALIDATION_FAILED).",
            "items": {
                "type": "object",
                "required": ["field", "message", "type"],
                "properties": {
                    "field": {
                        "type": "array",
                        "items": {"type": ["string", "integer"]},
                        "description": "Path of the field: names and list positions.",
                    },
                    "message": {"type": "string", "description": "What is wrong with it."},
                    "type": {"type": "string", "description": "Kind of problem, e.g. `missing`, `string_too_long`."},
                },
            },
        },
        "retryAfterSeconds": {"type": "number", "description": "RATE_LIMITED: seconds until a request is allowed."},
        "scope": {"type": "string", "description": "RATE_LIMITED: which limit refused it (e.g. `user`, `org`)."},
    },
    "additionalProperties": True,
}


def _error_code_schema() -> dict[str, Any]:
    known = refusals.catalog()
    return {
        "type": "string",
        "description": (
            "Stable machine-readable code of an error; `x-error-statuses` gives each one's HTTP status. An operation "
            "answers the codes in its `x-error-codes` and in those of the components it uses: its error responses, "
            "the bearer scheme, the Idempotency-Key parameter."
        ),
        "enum": list(known),
        # Arrays in the order of `enum`, as openapi-generator reads x-enum-descriptions.
        "x-enum-descriptions": [r.description for r in known.values()],
        "x-error-statuses": [r.status for r in known.values()],
    }


def _path_item(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {
        "description": "Success.",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.output.__name__}"}}},
    }
    if op.idempotent:
        success["headers"] = {"Idempotent-Replayed": {"$ref": "#/components/headers/IdempotentReplayed"}}
    responses: dict[str, Any] = {"200": success}
    for status, (name, _) in ERROR_RESPONSES.items():
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    item: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.resource],
        "summary": op.summary,
        "description": op.description + f"\n\nGraphQL: `{op.graphql_name}`.",
    }
    if op.idempotent:
        item["parameters"] = [{"$ref": "#/components/parameters/IdempotencyKey"}]
    item |= {
        # Every operation takes a JSON object, `{}` when it has no fields: SDKs must not make it optional.
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.input.__name__}"}}},
        },
        "responses": responses,
        "x-error-codes": _own_codes(op),
    }
    if op.scope is Scope.PUBLIC:
        item["security"] = []  # the document's default is the bearer scheme
    if op.deprecated:
        item["deprecated"] = True
        item["description"] += f"\n\nDeprecated: {op.deprecated}"
    return item


def _own_codes(op: Operation) -> list[str]:
    """The codes `op` answers beyond those its components bring: every error
    response, the bearer scheme and the Idempotency-Key parameter each list
    theirs (`x-error-codes`) once for all the operations that use them."""
    brought: set[str] = {*refusals.CLIENT_ERRORS, *refusals.SERVER_ERRORS}
    if op.scope is not Scope.PUBLIC:
        brought.update(refusals.BEARER_ERRORS)
    if op.idempotent:
        brought.update(refusals.IDEMPOTENCY_ERRORS)
    return sorted(refusals.codes(op) - brought)


def _error_response(text: str, codes: tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": text,
        "x-error-codes": sorted(codes),
        "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    }


_DECIMAL_MARK = "x-hestami-decimal"
_BOUNDS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
# Constraint keys pydantic copies into the schema verbatim where it can't place
# them (a hand-written Optional with a constrained, validated type; graph/schemas.py
# puts the derived ones inside the Optional); no JSON Schema validator reads them.
_PYDANTIC_ONLY = {*_BOUNDS, "decimal_places", "max_digits"}


def _limits(constraints: dict[str, Any]) -> str:
    parts = [f"{_BOUNDS[k]} {constraints[k]}" for k in _BOUNDS if constraints.get(k) is not None]
    if constraints.get("decimal_places") is not None:
        parts.append(f"at most {constraints['decimal_places']} decimals")
    return ", ".join(parts)


class _GeneratorFriendly(GenerateJsonSchema):
    """Decimals as one named string schema, their bounds said in words (on a
    string, JSON Schema's numeric bounds would apply to nothing); enums with
    their values' descriptions."""

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        # Each value's description, in the order of `enum` (openapi-generator's x-enum-descriptions).
        out = super().enum_schema(schema)
        docs = member_docs(schema["cls"])
        if docs:
            out["x-enum-descriptions"] = [docs.get(m.name, "") for m in schema["members"]]
        return out

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
    return _nullable(out)


_COMPOSED = {"$ref", "enum", "const", "anyOf", "oneOf", "allOf"}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """pydantic's `anyOf: [{type: T, …}, {type: null}]` for an optional scalar as
    OpenAPI 3.1's `type: [T, "null"]`: a fifth of the size, and one type, not a union, to generators."""
    branches = node.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches):
        return node
    (other,) = [b for b in branches if b != {"type": "null"}]
    if not isinstance(other.get("type"), str) or _COMPOSED & set(other) or set(other) & set(node):
        return node
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    return {**other, "type": [other["type"], "null"], **rest}


def _field(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    schema.pop("title", None)  # pydantic's "Amountpaid": generators make wrapper classes of it
    if not required and "default" in schema:
        # The server fills an omitted field in; said in words, because generators read
        # `default` as "always present" and make callers send it.
        default = schema.pop("default")
        said = f"Default: `{json.dumps(default)}`."
        schema["description"] = f"{schema['description']} {said}" if schema.get("description") else said
    return schema


_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _reachable(schemas: dict[str, Any], roots: set[str]) -> set[str]:
    """The schemas `roots` reference, directly or through others, and the roots."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        stack.extend(_REF.findall(json.dumps(schemas[name])))
    return seen


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
    inputs = _reachable(schemas, {o.input.__name__ for o in ops})
    for name, schema in schemas.items():
        schema.pop("title", None)  # it only repeats the component's name
        if name not in inputs:
            # An answer may gain fields in a later release without breaking a client that validates it.
            schema.pop("additionalProperties", None)
    used = json.dumps(schemas)
    schemas.update((name, schema) for name, schema in id_schemas().items() if f'"#/components/schemas/{name}"' in used)
    schemas = dict(sorted(schemas.items()))
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE
    schemas["ErrorDetails"] = ERROR_DETAILS
    schemas["ErrorCode"] = _error_code_schema()
    schemas["Decimal"] = DECIMAL
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
        "security": [{"bearer": []}],
        "paths": {op.path: {"post": _path_item(op)} for op in ops},
        "components": {
            "schemas": schemas,
            "responses": {
                "ClientError": _error_response(ERROR_RESPONSES["4XX"][1], refusals.CLIENT_ERRORS),
                "ServerError": _error_response(ERROR_RESPONSES["5XX"][1], refusals.SERVER_ERRORS),
            },
            "parameters": {"IdempotencyKey": IDEMPOTENCY_KEY | {"x-error-codes": sorted(refusals.IDEMPOTENCY_ERRORS)}},
            "headers": {"IdempotentReplayed": IDEMPOTENT_REPLAYED, "RetryAfter": RETRY_AFTER},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An access token from auth/v1/login, or a service account's API key (hsk_…).",
                    "x-error-codes": sorted(refusals.BEARER_ERRORS),
                }
            },
        },
    }
