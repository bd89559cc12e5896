"""The committed contracts match the code, and every part of them is described.

Regenerate with `.venv/bin/hestami export-schema` and `.venv/bin/hestami export-openapi`.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from app.discovery import load_domains
from app.schema import build_schema
from graph.openapi import build_openapi
from graph.operations import REGISTRY, Scope
from graph.schema import sdl

ROOT = Path(__file__).resolve().parent.parent
SPECIFIED = {"String", "Int", "Float", "Boolean", "ID"}


@pytest.fixture(autouse=True)
def _registry() -> None:
    """The operations register when their domains load: load them here rather
    than count on another test having done it first."""
    load_domains()


def test_schema_graphql_is_current(settings) -> None:
    live = sdl(build_schema(settings))
    assert (ROOT / "schema.graphql").read_text() == live, "schema.graphql is stale: run `hestami export-schema`"


def test_schema_graphql_loads_in_plain_graphql_tools() -> None:
    """A client's codegen or an agent reads the committed SDL with graphql-core,
    which refuses directives it was not given; the federation ones are declared."""
    from graphql import build_schema as plain_build_schema

    schema = plain_build_schema((ROOT / "schema.graphql").read_text())
    assert schema.get_type("Association") is not None
    assert "key" in {d.name for d in schema.directives}


def test_openapi_json_is_current(settings) -> None:
    live = build_openapi(settings)
    assert json.loads((ROOT / "openapi.json").read_text()) == live, "openapi.json is stale: run `hestami export-openapi`"


def test_every_type_field_and_argument_is_described(settings) -> None:
    schema = build_schema(settings)._schema
    missing = []
    for name, gql_type in schema.type_map.items():
        if name in SPECIFIED or name.startswith(("_", "link__", "federation__")):
            continue
        if not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                if field_name.startswith("_"):
                    continue
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(gql_type, GraphQLUnionType | GraphQLEnumType) and not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLEnumType):
            missing.extend(f"{name}.{value}" for value, member in gql_type.values.items() if not member.description)
    assert not missing, f"undocumented: {missing}"


def test_committed_sdl_describes_every_enum_value() -> None:
    """What a client's codegen reads: every enum value in schema.graphql has a
    description (graph/docs.py reads them from the members' docstrings)."""
    from graphql import build_schema as plain_build_schema

    schema = plain_build_schema((ROOT / "schema.graphql").read_text())
    enums = [t for name, t in schema.type_map.items() if isinstance(t, GraphQLEnumType) and not name.startswith("__")]
    values = [(enum.name, name, value.description) for enum in enums for name, value in enum.values.items()]
    assert len(enums) > 70 and len(values) > 300
    assert [(e, v) for e, v, description in values if not description] == []


def test_every_mutation_comes_from_the_registry(settings) -> None:
    schema = build_schema(settings)._schema
    expected = {op.graphql_name for op in REGISTRY.values() if op.mutates}
    assert schema.mutation_type is not None
    assert set(schema.mutation_type.fields) == expected


def test_only_auth_operations_skip_idempotency() -> None:
    exempt = {op.name for op in REGISTRY.values() if op.mutates and not op.idempotent}
    assert exempt == {"auth/v1/register", "auth/v1/login", "auth/v1/refresh", "auth/v1/logout"}


def test_every_operation_has_a_cerbos_rule_for_its_kind_and_action() -> None:
    policies = ROOT / "cerbos" / "policies"
    actions_by_kind: dict[str, set[str]] = {}
    for path in policies.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        policy = doc.get("resourcePolicy")
        if policy:
            acts = actions_by_kind.setdefault(policy["resource"], set())
            for rule in policy.get("rules", []):
                acts.update(rule["actions"])
    assert REGISTRY
    for op in REGISTRY.values():
        assert op.kind and op.action, op.name
        if op.scope is Scope.PUBLIC:
            continue  # checked before anyone is authenticated
        assert op.action in actions_by_kind.get(op.kind, set()) or "*" in actions_by_kind.get(op.kind, set()), (
            f"{op.name}: no Cerbos rule for {op.kind}:{op.action}"
        )


def test_operation_names_and_ids_are_unique_and_consistent() -> None:
    ids = [op.operation_id for op in REGISTRY.values()]
    assert len(ids) == len(set(ids))
    for op in REGISTRY.values():
        if op.mutates:
            assert op.graphql_name.startswith(op.resource), op.graphql_name


async def test_every_published_path_reaches_its_operation(client: httpx.AsyncClient) -> None:
    """Each path openapi.json publishes is routed to an operation (an anonymous call
    is refused or found invalid, never answered "no such operation"), and a path
    it doesn't publish is not."""
    paths = json.loads((ROOT / "openapi.json").read_text())["paths"]
    assert set(paths) == {op.path for op in REGISTRY.values()}
    for path in paths:
        r = await client.post(path, json={})
        assert r.json()["error"]["code"] != "NOT_FOUND", (path, r.text)
    r = await client.post("/api/v1/rpc/organization/v1/explode", json={})
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND", r.text
