"""Public identifiers: one opaque, typed string per row, the same in GraphQL and RPC.

A row's UUID is shown as `<prefix>_<26 base32 chars>` (e.g. `org_…`), so a client
never has to map between a Relay global id and a REST id, and `node(id:)` can tell
the type from the prefix without a lookup.
"""

from __future__ import annotations

import base64
import re
from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_PATTERN = re.compile(r"^([a-z]{2,8})_([a-z2-7]{26})$")
PREFIXES: dict[str, str] = {}


def encode(prefix: str, value: UUID) -> str:
    return f"{prefix}_{base64.b32encode(value.bytes).decode().rstrip('=').lower()}"


def decode(public_id: object) -> tuple[str, UUID]:
    """Split a public id into (prefix, uuid); raise ValueError on anything malformed."""
    match = _PATTERN.match(public_id) if isinstance(public_id, str) else None
    if match is None:
        raise ValueError("malformed id")
    raw = base64.b32decode(match.group(2).upper() + "======")
    return match.group(1), UUID(bytes=raw)


def decode_as(prefix: str, public_id: Any) -> UUID:
    if isinstance(public_id, UUID):
        return public_id
    got, value = decode(public_id)
    if got != prefix:
        raise ValueError(f"expected an id starting with '{prefix}_'")
    return value


def id_json_schema(prefix: str) -> dict[str, Any]:
    """The JSON Schema of a public id with `prefix` (OpenAPI names one per type)."""
    return {
        "type": "string",
        "pattern": f"^{prefix}_[a-z2-7]{{26}}$",
        "description": f"Id of a {PREFIXES[prefix]}.",
        "examples": [encode(prefix, UUID("0193a6f0-7c1e-7d2a-9b4e-2f5c8d1e3a70"))],
    }


def public_id(prefix: str, type_name: str) -> Any:
    """A pydantic type: UUID inside, `<prefix>_…` on the wire and in JSON Schema."""
    PREFIXES[prefix] = type_name
    return Annotated[
        UUID,
        BeforeValidator(lambda v: decode_as(prefix, v)),
        PlainSerializer(lambda v: encode(prefix, v), return_type=str, when_used="json"),
        WithJsonSchema(id_json_schema(prefix)),
        IdPrefix(prefix),
    ]


class IdPrefix(str):
    """Marker in `Annotated` metadata: GraphQL shows the field as an `ID`."""
