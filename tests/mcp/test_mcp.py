"""The MCP endpoint, used with the official SDK's client over Streamable HTTP:
tools generated from the registry, the same pipeline as GraphQL and RPC (answers,
errors, Cerbos, idempotency, audit), mutations only with the organization's
consent and an idempotency key, and a scripted agent that finds its way with
the two discovery tools alone."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from sqlalchemy import text

from app.mcp import exposed, tool_name
from graph.db import scoped_transaction
from graph.operations import REGISTRY
from tests.associations.community import build, unit_fields
from tests.receivables.books import levy, open_receivables, pay, raw


@asynccontextmanager
async def agent(app: Any, token: str) -> AsyncIterator[Client]:
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    async with http, Client(streamable_http_client("http://testserver/mcp", http_client=http), cache=None) as client:
        yield client


async def call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, (name, result.content)
    return result.structured_content


async def refused(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert result.is_error, (name, result.structured_content)
    error: dict[str, Any] = result.structured_content["error"]
    assert json.loads(result.content[0].text)["error"] == error  # type: ignore[union-attr]
    return error


async def test_tools_are_the_registrys_read_operations_by_default(app, api) -> None:
    admin, _ = await api.admin_of_new_org()
    async with agent(app, admin.token) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    reads = {tool_name(op): op for op in REGISTRY.values() if exposed(op) and not op.mutates}
    assert set(tools) == set(reads) | {"search_operations", "describe_type"}
    for name, op in reads.items():
        tool = tools[name]
        assert op.description in (tool.description or "") and tool.annotations.read_only_hint  # type: ignore[union-attr]
        schema = tool.input_schema
        assert schema["type"] == "object" and "idempotencyKey" not in schema.get("properties", {})
        fields = {info.alias or n for n, info in op.input.model_fields.items()}
        assert set(schema.get("properties", {})) == fields, name


async def test_graphql_rpc_and_mcp_answer_one_operation_identically(app, api) -> None:
    c = await build(api, 2)
    rpc = await api.call("association/v1/get", {"id": c.association}, c.admin)
    fields = "id code legalName kind status region country fiscalYearStartMonth organizationId"
    query = f"query($id: ID!) {{ association(id: $id) {{ {fields} }} }}"
    gql = await api.gql(query, {"id": c.association}, token=c.admin.token)
    missing = "asn_" + "a" * 26
    rpc_missing = await api.rpc("association/v1/get", {"id": missing}, token=c.admin.token)
    gql_missing = await api.gql(query, {"id": missing}, token=c.admin.token)
    async with agent(app, c.admin.token) as client:
        mcp = await call(client, "associationGetV1", {"id": c.association})
        mcp_missing = await refused(client, "associationGetV1", {"id": missing})
        mcp_invalid = await refused(client, "associationGetV1", {"id": "nonsense"})
    assert mcp == rpc
    # GraphQL spells enum values by name (HOA for hoa); everything else is the same value.
    graph = gql["data"]["association"] | {k: gql["data"]["association"][k].lower() for k in ("kind", "status")}
    assert graph == {k: rpc[k] for k in graph}
    assert rpc_missing.status_code == 404
    assert (mcp_missing["code"], mcp_missing["message"]) == (
        rpc_missing.json()["error"]["code"],
        rpc_missing.json()["error"]["message"],
    )
    assert gql_missing["errors"][0]["extensions"]["code"] == mcp_missing["code"] == "NOT_FOUND"
    assert mcp_invalid["code"] == "VALIDATION_FAILED" and mcp_invalid["details"]["field"] == ["id"]


async def test_mutations_need_the_organizations_consent_and_a_key(app, api, platform) -> None:
    c = await build(api, 1)
    unit = {"associationId": c.association} | unit_fields("MCP-1", "0")
    async with agent(app, c.admin.token) as client:
        assert "unitCreateV1" not in {t.name for t in (await client.list_tools()).tools}
        error = await refused(client, "unitCreateV1", unit | {"idempotencyKey": "k" * 16})
        assert error["code"] == "AGENT_MUTATIONS_DISABLED"

    await api.call("organizationSettings/v1/set", {"agentMutationsAllowed": True}, c.admin)
    member, _ = await api.add_member(c.admin, ["member"])
    await api.select(member, c.org)
    key = uuid.uuid4().hex
    async with agent(app, c.admin.token) as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["unitCreateV1"]
        assert "idempotencyKey" in tool.input_schema["required"] and not tool.annotations.read_only_hint  # type: ignore[union-attr]
        assert (await refused(client, "unitCreateV1", unit))["code"] == "VALIDATION_FAILED"
        first = await call(client, "unitCreateV1", unit | {"idempotencyKey": key})
        again = await call(client, "unitCreateV1", unit | {"idempotencyKey": key})
        reused = await refused(client, "unitCreateV1", unit | {"unitNumber": "MCP-2", "idempotencyKey": key})
    assert again == first and reused["code"] == "IDEMPOTENCY_KEY_REUSED"
    async with agent(app, member.token) as client:  # Cerbos: a plain member may not create units
        assert (await refused(client, "unitCreateV1", unit | {"unitNumber": "MCP-3", "idempotencyKey": uuid.uuid4().hex}))[
            "code"
        ] == "FORBIDDEN"
    async with scoped_transaction(platform.sessions, raw(c.org), None) as session:
        audit = await session.scalar(text("SELECT count(*) FROM audit_events WHERE idempotency_key = :k"), {"k": key})
        units = await session.scalar(text("SELECT count(*) FROM units WHERE unit_number LIKE 'MCP-%'"))
    assert (audit, units) == (1, 1)


async def test_an_api_key_authenticates_and_nothing_else_does(app, api, client) -> None:
    c = await build(api, 1)
    created = await api.call("serviceAccount/v1/create", {"name": "agent", "roles": ["auditor"]}, c.admin)
    async with agent(app, created["apiKey"]) as mcp:
        listed = await call(mcp, "associationListV1", {})
    assert [a["id"] for a in listed["nodes"]] == [c.association]
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        r = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers)
        assert r.status_code == 401, r.text


async def test_a_scripted_agent_finds_delinquent_units_and_reads_a_statement(app, api) -> None:
    """No model: the agent only searches, describes and calls, filling required
    fields from what it knows (ids it has read, the dates of its task)."""
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    await pay(api, r, 0, "100.00", "2026-01-05")
    known: dict[str, Any] = {"asOf": "2026-02-15", "fromDate": "2026-01-01", "toDate": "2026-02-28"}

    async def use(client: Client, task: str) -> dict[str, Any]:
        """Find the best read-only tool for `task`, learn its input, call it."""
        found = (await call(client, "search_operations", {"text": task}))["operations"]
        tool = next(t for t in found if not t["mutates"])
        described = await call(client, "describe_type", {"name": tool["tool"]})
        required = described["input"].get("required", [])
        assert set(required) <= set(known), (tool, required, known)
        return await call(client, tool["tool"], {k: known[k] for k in required})

    async with agent(app, r.c.admin.token) as client:
        associations = await use(client, "list associations")
        known["associationId"] = associations["nodes"][0]["id"]
        delinquent = await use(client, "delinquent units of an association")
        assert [row["unitNumber"] for row in delinquent["rows"]] == ["2", "3"]
        known["id"] = delinquent["rows"][0]["unitId"]
        statement = await use(client, "owner statement of a unit")
        types = await call(client, "describe_type", {"name": "OwnerStatement"})
    assert statement["unitId"] == r.c.units[1] and statement["closingBalance"] == "100.00"
    assert "ownerStatementGetV1" in types["resultOf"] and "closingBalance" in types["schema"]["properties"]
