"""The MCP server for agents: a third transport over the operation registry.

Mounted at `/mcp` in the same Starlette app (Streamable HTTP, stateless, JSON
responses) and authenticated like RPC: `Authorization: Bearer <access token or
API key>`, rate-limited per principal and organization. Its tools are generated
from the registry, one per operation, named by the operation's OpenAPI
operationId (`delinquencyListGetV1`), described by the operation's own summary
and description, with its input's JSON Schema (the OpenAPI component, made
self-contained). A call goes through `graph.pipeline.run`, as GraphQL and RPC
calls do: scope, validation, Cerbos, idempotency, the durable step and its
audit row are the same code, not a copy.

Read-only operations are tools for every caller. Mutations are listed and
callable only where the organization allows agents to change things
(`organizationSettings/v1/set`, `agentMutationsAllowed`); their tools then take
the idempotency key as a required `idempotencyKey` argument.

Two discovery tools spare an agent the whole schema: `search_operations(text)`
ranks operations by their names, descriptions and field names, and
`describe_type(name)` answers one type's JSON Schema (or a tool's input and
output types) and which tools take or return it.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from domains.organizations.service import settings as organization_settings
from graph.context import RequestContext
from graph.db import scoped_transaction
from graph.errors import AppError, ErrorCode, Forbidden, NotFound, Unauthenticated, ValidationFailed, error_body
from graph.http import admit, error_response, internal_error
from graph.operations import REGISTRY, Operation
from graph.operations import Scope as OperationScope
from graph.pipeline import run_found
from graph.platform import Platform
from graph.telemetry import current_trace_id

# The request an MCP message arrived with (set by `McpEndpoint` around the SDK's handling).
_REQUEST: ContextVar[RequestContext] = ContextVar("hestami_mcp_request")
_REF = re.compile(r"#/components/schemas/([A-Za-z0-9_.-]+)")
SEARCH = "search_operations"
DESCRIBE = "describe_type"
KEY = "idempotencyKey"


def exposed(op: Operation) -> bool:
    """Operations an agent may call: all but the public and session ones (register,
    login, refresh, logout, selecting an organization), which are a person's."""
    return op.scope is OperationScope.ORGANIZATION or (op.scope is OperationScope.ACCOUNT and not op.mutates)


def _stem(word: str) -> str:
    """A crude stem, enough to let `delinquent` find `delinquency` and `units` find `unit`."""
    if len(word) >= 7:
        return word[: len(word) - 2]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def tool_name(op: Operation) -> str:
    return op.operation_id


class Catalog:
    """The tools, built once from the registry and the OpenAPI document."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self.components: dict[str, Any] = openapi["components"]["schemas"]
        self.operations = {tool_name(op): op for op in REGISTRY.values() if exposed(op)}
        self.tools = {name: self._tool(op) for name, op in self.operations.items()}
        self._index = {name: self._words(op) for name, op in self.operations.items()}

    # --- schemas ---------------------------------------------------------------------

    def _refs(self, schema: Any) -> Iterator[str]:
        text = json.dumps(schema)
        yield from _REF.findall(text)

    def closure(self, name: str) -> dict[str, Any]:
        """Component `name` and every component it reaches, by name."""
        found: dict[str, Any] = {}
        todo = [name]
        while todo:
            current = todo.pop()
            if current in found or current not in self.components:
                continue
            found[current] = self.components[current]
            todo.extend(self._refs(found[current]))
        return found

    def self_contained(self, name: str) -> dict[str, Any]:
        """A component as a standalone JSON Schema: its references as `$defs`."""
        reached = self.closure(name)
        root = json.loads(_REF.sub(r"#/$defs/\1", json.dumps(reached.pop(name))))
        if reached:
            root["$defs"] = {k: json.loads(_REF.sub(r"#/$defs/\1", json.dumps(v))) for k, v in sorted(reached.items())}
        return root  # type: ignore[no-any-return]

    def _tool(self, op: Operation) -> types.Tool:
        schema = self.self_contained(op.input.__name__)
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        if op.idempotent:
            schema["properties"][KEY] = {
                "type": "string",
                "minLength": 8,
                "maxLength": 200,
                "description": "Idempotency key: a fresh unique value per intended change; "
                "repeating a call with the same key and arguments answers the first result without acting twice.",
            }
            schema["required"] = [*schema.get("required", []), KEY]
        kind = "Changes data" if op.mutates else "Read-only"
        description = (
            f"{op.summary}. {kind}.\n\n{op.description}\n\n"
            f"Input type `{op.input.__name__}`, result type `{op.output.__name__}` (describe_type). "
            f"Same operation as RPC `POST {op.path}` and GraphQL `{op.graphql_name}`."
        )
        return types.Tool(
            name=tool_name(op),
            title=op.summary,
            description=description,
            input_schema=schema,
            annotations=types.ToolAnnotations(
                title=op.summary,
                read_only_hint=not op.mutates,
                destructive_hint=False,
                idempotent_hint=op.idempotent or not op.mutates,
            ),
        )

    # --- discovery ---------------------------------------------------------------------

    def _fields(self, name: str) -> set[str]:
        names: set[str] = set()
        for schema in self.closure(name).values():
            names.update((schema.get("properties") or {}).keys())
        return names

    def _words(self, op: Operation) -> dict[str, str]:
        return {
            "name": " ".join([op.name, op.operation_id, op.graphql_name, op.kind]).lower(),
            "summary": op.summary.lower(),
            "description": op.description.lower(),
            "fields": " ".join(self._fields(op.input.__name__) | self._fields(op.output.__name__)).lower(),
        }

    def search(self, text: str, allowed: set[str], limit: int = 10) -> list[dict[str, Any]]:
        """Operations ranked by the query's words, each counted where it occurs
        (name > summary > description, field names) and weighted by how rare it is
        among operations, so "delinquent units" ranks the delinquency report above
        every operation that merely has units. Long words match by their stem."""
        terms = [_stem(t) for t in re.split(r"[^a-z0-9]+", text.lower()) if len(t) > 1]
        weights = {"name": 4, "summary": 3, "description": 1, "fields": 1}
        candidates = {name: where for name, where in self._index.items() if name in allowed}
        rarity = {
            term: math.log(
                (1 + len(candidates)) / (1 + sum(any(term in w for w in where.values()) for where in candidates.values()))
            )
            for term in terms
        }
        ranked = []
        for name, where in candidates.items():
            score, matched = 0.0, set()
            for term in terms:
                for part, words in where.items():
                    if term in words:
                        score += weights[part] * rarity[term]
                        matched.add(part)
            if score > 0:
                ranked.append((score, name, sorted(matched)))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        return [
            {
                "tool": name,
                "operation": self.operations[name].name,
                "summary": self.operations[name].summary,
                "mutates": self.operations[name].mutates,
                "inputType": self.operations[name].input.__name__,
                "outputType": self.operations[name].output.__name__,
                "matched": matched,
            }
            for _, name, matched in ranked[:limit]
        ]

    def describe(self, name: str, allowed: set[str]) -> dict[str, Any]:
        if name in self.operations and name in allowed:
            op = self.operations[name]
            return {
                "tool": name,
                "summary": op.summary,
                "description": op.description,
                "mutates": op.mutates,
                "inputType": op.input.__name__,
                "input": self.components.get(op.input.__name__),
                "outputType": op.output.__name__,
                "output": self.components.get(op.output.__name__),
            }
        if name not in self.components:
            near = sorted(n for n in self.components if name.lower() in n.lower())[:10]
            raise NotFound(f"No type or tool named {name!r}." + (f" Similar: {', '.join(near)}." if near else ""))
        takes = [t for t, op in self.operations.items() if t in allowed and name in self.closure(op.input.__name__)]
        gives = [t for t, op in self.operations.items() if t in allowed and name in self.closure(op.output.__name__)]
        return {
            "name": name,
            "schema": self.components[name],
            "references": sorted(set(self._refs(self.components[name])) - {name}),
            "inputOf": takes,
            "resultOf": gives,
        }


DISCOVERY = [
    types.Tool(
        name=SEARCH,
        title="Search operations",
        description="Find the tools for a task: ranks operations by how well `text` matches their names, summaries, "
        "descriptions and field names (e.g. 'delinquent units', 'owner statement', 'record payment'). "
        "Answers each tool's name, summary, whether it changes data, and its input and result type names.",
        input_schema={
            "type": "object",
            "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Words describing the task."},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "At most this many (default 10)."},
            },
            "required": ["text"],
        },
        annotations=types.ToolAnnotations(read_only_hint=True, idempotent_hint=True),
    ),
    types.Tool(
        name=DESCRIBE,
        title="Describe a type or a tool",
        description="The JSON Schema of one type (e.g. `DelinquencyListInput`, `OwnerStatement`), the types it "
        "references and the tools that take or return it; or, given a tool's name, its description and its input "
        "and result schemas.",
        input_schema={
            "type": "object",
            "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "A type or tool name."}},
            "required": ["name"],
        },
        annotations=types.ToolAnnotations(read_only_hint=True, idempotent_hint=True),
    ),
]


def _result(body: Any) -> types.CallToolResult:
    structured = body if isinstance(body, dict) else {"result": body}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False))],
        structured_content=structured,
    )


def _error(err: AppError, trace_id: str | None) -> types.CallToolResult:
    body = error_body(err, trace_id)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False))],
        structured_content=body,
        is_error=True,
    )


class AgentMutationsDisabled(Forbidden):
    code = "AGENT_MUTATIONS_DISABLED"


async def _mutations_allowed(rctx: RequestContext) -> bool:
    org = rctx.organization_id
    if org is None:
        return False
    principal = rctx.require_principal()
    async with scoped_transaction(rctx.platform.sessions, org, principal.user_id) as session:
        return await organization_settings.agent_mutations_allowed(session, org)


def build_server(catalog: Catalog) -> Server[Any]:
    async def allowed_tools(rctx: RequestContext) -> set[str]:
        mutations = await _mutations_allowed(rctx)
        return {name for name, op in catalog.operations.items() if mutations or not op.mutates}

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        allowed = await allowed_tools(_REQUEST.get())
        return types.ListToolsResult(tools=[*DISCOVERY, *(catalog.tools[name] for name in sorted(allowed))])

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        rctx = _REQUEST.get()
        arguments = dict(params.arguments or {})
        try:
            if params.name == SEARCH:
                limit = int(arguments.get("limit") or 10)
                return _result({"operations": catalog.search(str(arguments.get("text", "")), await allowed_tools(rctx), limit)})
            if params.name == DESCRIBE:
                return _result(catalog.describe(str(arguments.get("name", "")), await allowed_tools(rctx)))
            op = catalog.operations.get(params.name)
            if op is None:
                raise NotFound(f"No tool {params.name!r}; use {SEARCH} to find one.")
            key = None
            if op.mutates:
                if not await _mutations_allowed(rctx):
                    raise AgentMutationsDisabled(
                        "This organization does not let agents change data "
                        "(an admin can allow it: organizationSettings/v1/set, agentMutationsAllowed)."
                    )
                key = arguments.pop(KEY, None)
                if not isinstance(key, str):
                    raise ValidationFailed(f"`{KEY}` is required for a tool that changes data.", field=[KEY])
            outcome = await run_found(op, rctx, arguments, key)
            if outcome.error is not None:
                return _error(outcome.error, rctx.trace_id)
            return _result(outcome.body)
        except AppError as err:
            return _error(err, rctx.trace_id)
        except Exception as exc:  # noqa: BLE001 - masked like RPC's, logged with the trace id
            return _error(internal_error(exc, rctx.trace_id), rctx.trace_id)

    return Server(
        "hestami",
        version="1",
        title="Hestami",
        instructions=(
            f"Hestami's API for community associations. Start with {SEARCH} to find the tool for a task, "
            f"{DESCRIBE} to read a type; ids are typed strings like asn_… (associations) and unt_… (units)."
        ),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


class McpEndpoint:
    """Authenticates and rate-limits each HTTP request before the SDK sees it (401
    without a valid bearer token or API key), hands its `RequestContext` to the
    tool handlers, and closes it after."""

    def __init__(self, catalog: Catalog) -> None:
        self.manager = StreamableHTTPSessionManager(app=build_server(catalog), json_response=True, stateless=True)
        self._started: asyncio.Event | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _ensure_started(self) -> None:
        """Run the SDK's manager (a task group living as long as the app) from the first request."""
        if self._started is None:
            self._started = asyncio.Event()

            async def keep() -> None:
                async with self.manager.run():
                    assert self._started is not None
                    self._started.set()
                    await self._stop.wait()

            self._task = asyncio.ensure_future(keep())
        await self._started.wait()

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        platform: Platform = scope["app"].state.platform
        request = Request(scope, receive)
        trace_id = current_trace_id()
        try:
            if "authorization" not in request.headers:
                raise Unauthenticated("Use `Authorization: Bearer <access token or API key>`.", code=ErrorCode.UNAUTHENTICATED)
            principal = await admit(platform, request)
        except AppError as err:
            await error_response(err, trace_id)(scope, receive, send)
            return
        await self._ensure_started()
        rctx = RequestContext(platform, principal, trace_id)
        token = _REQUEST.set(rctx)
        try:
            await self.manager.handle_request(scope, receive, send)
        finally:
            _REQUEST.reset(token)
            await rctx.close()
