"""A v2 of an operation lives beside v1, and a deprecation shows in both
GraphQL and OpenAPI — from the one declaration."""

from __future__ import annotations

import dataclasses

from app.discovery import load_domains
from app.schema import build_schema
from graph.openapi import build_openapi
from graph.operations import REGISTRY, operation


def test_v2_beside_deprecated_v1(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    load_domains()
    v1 = REGISTRY["organization/v1/create"]
    monkeypatch.setitem(REGISTRY, v1.name, dataclasses.replace(v1, deprecated="Use organizationCreateV2."))
    try:

        @operation(
            "organization/v2/create",
            input=v1.input,
            output=v1.output,
            kind=v1.kind,
            action=v1.action,
            scope=v1.scope,
            summary="Create an organization (v2)",
        )
        async def create_v2(ctx, data):  # type: ignore[no-untyped-def]
            """Create an organization, v2."""
            return await v1.handler(ctx, data)

        schema = build_schema(settings)._schema
        fields = schema.mutation_type.fields
        assert fields["organizationCreate"].deprecation_reason == "Use organizationCreateV2."
        assert fields["organizationCreateV2"].deprecation_reason is None
        paths = build_openapi(settings)["paths"]
        assert paths["/api/v1/rpc/organization/v1/create"]["post"]["deprecated"] is True
        v2 = paths["/api/v1/rpc/organization/v2/create"]["post"]
        assert v2["operationId"] == "organizationCreateV2" and "deprecated" not in v2
    finally:
        REGISTRY.pop("organization/v2/create", None)
