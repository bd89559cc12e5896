"""The Starlette application: GraphQL at /graphql, the RPC mirror under
/api/v1/rpc, its OpenAPI document, the MCP endpoint for agents at /mcp
(app/mcp.py), and health endpoints."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.starlette import StarletteInstrumentor
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app.calendar import calendar_feed
from app.files import files
from app.schema import build_schema
from graph.context import RequestContext
from graph.errors import AppError, ErrorCode, NotFound
from graph.fastpath import FastReads
from graph.graphql_fields import graphql_error
from graph.http import (
    admit,
    error_response,
    internal_error,
    parse_json,
    read_body,
    require_json,
)
from graph.openapi import build_openapi
from graph.operations import REGISTRY
from graph.pipeline import run_found
from graph.platform import Platform
from graph.settings import Settings
from graph.telemetry import current_trace_id, setup_tracing


class _GraphQL(GraphQL[RequestContext, None]):
    async def get_context(self, request: Any, response: Any) -> RequestContext:
        ctx: RequestContext = request.scope["hestami.ctx"]
        return ctx


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send, err: AppError) -> None:
    # Closing before accepting answers the handshake with HTTP 403; the reason is logged, not sent.
    await WebSocket(scope, receive, send).close(code=4401 if err.status == 401 else 4403, reason=str(err.code))


def _is_mutation(query: str | None) -> bool:
    """Whether a GET's query holds a mutation (GET must never change anything)."""
    if not query:
        return False
    try:
        document = parse(query, max_tokens=10_000)
    except GraphQLError:
        return False  # strawberry answers the syntax error
    return any(isinstance(d, OperationDefinitionNode) and d.operation is OperationType.MUTATION for d in document.definitions)


class GraphQLEndpoint:
    """Authenticates and rate-limits before Strawberry sees the request, so a bad
    token is a 401 for every operation, and closes the request's transaction after."""

    def __init__(self, app: Starlette, graphql: _GraphQL, fast: FastReads | None = None) -> None:
        self.app = app
        self.graphql = graphql
        self.fast = fast

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        platform: Platform = self.app.state.platform
        request = Request(scope, receive)
        trace_id = current_trace_id()
        body = b""
        try:
            if request.method == "POST":
                require_json(request)
                body = await read_body(request, platform.settings.max_body_bytes)
            elif _is_mutation(request.query_params.get("query")):
                raise AppError("Mutations need POST.", code=ErrorCode.METHOD_NOT_ALLOWED, status=405, headers={"Allow": "POST"})
            principal = await admit(platform, request, charge=request.method == "POST" or "query" in request.query_params)
        except AppError as err:
            payload = {"errors": [graphql_error(err).formatted | {"extensions": {"code": str(err.code), "traceId": trace_id}}]}
            await JSONResponse(payload, status_code=err.status, headers=err.headers)(scope, receive, send)
            return
        ctx = RequestContext(platform, principal, trace_id)
        scope["hestami.ctx"] = ctx
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            answered = await self.fast.respond(ctx, body) if self.fast is not None and body else None
            if answered is not None:
                await Response(answered, media_type="application/json")(scope, receive, send)
                return
            await self.graphql(scope, replay if request.method == "POST" else receive, send)
        finally:
            await ctx.close()

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The same checks at the handshake (`Authorization` header). The context lives
        as long as the connection; its read transaction ends with each operation."""
        platform: Platform = self.app.state.platform
        connection = HTTPConnection(scope)
        try:
            principal = await admit(platform, connection)  # type: ignore[arg-type]
        except AppError as err:
            await _refuse_websocket(scope, receive, send, err)
            return
        ctx = RequestContext(platform, principal, current_trace_id())
        scope["hestami.ctx"] = ctx
        try:
            await self.graphql(scope, receive, send)
        finally:
            await ctx.close()


async def rpc(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    trace_id = current_trace_id()
    ctx: RequestContext | None = None
    try:
        op = REGISTRY.get(request.path_params["name"])
        if op is None:
            raise NotFound(f"No operation {request.path_params['name']}; see /api/v1/openapi.json.")
        body = await read_body(request, platform.settings.max_body_bytes)
        if body:
            # Any body must be JSON, declared length or not (chunked, HTTP/2).
            require_json(request)
        raw = parse_json(body)
        principal = await admit(platform, request)
        ctx = RequestContext(platform, principal, trace_id)
        outcome = await run_found(op, ctx, raw, request.headers.get("idempotency-key"))
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        if outcome.error is not None:
            headers |= outcome.error.headers
        return JSONResponse(outcome.body, status_code=outcome.status, headers=headers)
    except AppError as err:
        return error_response(err, trace_id)
    except Exception as exc:  # noqa: BLE001 - masked, logged with the trace id
        return error_response(internal_error(exc, trace_id), trace_id)
    finally:
        if ctx is not None:
            await ctx.close()


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    checks = await request.app.state.platform.readiness()
    ready = all(checks.values())
    return JSONResponse({"status": "ready" if ready else "unavailable", "checks": checks}, status_code=200 if ready else 503)


async def method_not_allowed(request: Request) -> Response:
    err = AppError("Use POST.", code=ErrorCode.METHOD_NOT_ALLOWED, status=405)
    return error_response(err, current_trace_id())


class LazyMcp:
    """The MCP endpoint (app/mcp.py), built on the first request to /mcp: the SDK's
    imports take about a second, which a server's start need not wait for."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.endpoint: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.endpoint is None:
            from app.mcp import Catalog, McpEndpoint  # lazy: see the class doc

            self.endpoint = McpEndpoint(Catalog(self.document))
        await self.endpoint(scope, receive, send)

    async def close(self) -> None:
        if self.endpoint is not None:
            await self.endpoint.close()


def tune_gc() -> None:
    """Freeze what startup built (schema, models, pools: ~280k objects) out of the
    collector's reach and collect the youngest generation less often. A nested
    read of 100 units allocates ~1,100 ORM objects and ~700 resolver calls; with
    the defaults, full collections re-scanning the startup heap took half of
    such a request's CPU (bench/nested.py: 75 of 144 ms)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def create_app(settings: Settings, *, platform: Platform | None = None) -> Starlette:
    """The ASGI app. With `platform` given (tests), the caller owns its lifecycle."""
    setup_tracing(settings)
    schema = build_schema(settings)
    document = build_openapi(settings)
    mcp = LazyMcp(document)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if platform is not None:
            app.state.platform = platform
            yield
            return
        app.state.platform = await Platform.start(settings)
        tune_gc()
        try:
            yield
        finally:
            await mcp.close()
            await app.state.platform.close()

    graphql = _GraphQL(schema, graphql_ide="graphiql", allow_queries_via_get=True)
    app = Starlette(lifespan=lifespan)
    fast = FastReads(schema._schema, settings.max_query_cost, settings.max_page_size)
    endpoint = GraphQLEndpoint(app, graphql, fast)
    app.router.routes.extend(
        [
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", endpoint),
            Route("/api/v1/rpc/{name:path}", rpc, methods=["POST"]),
            Route("/api/v1/rpc/{name:path}", method_not_allowed, methods=["GET", "PUT", "PATCH", "DELETE"]),
            Route("/api/v1/openapi.json", openapi, methods=["GET"]),
            Route("/mcp", mcp, methods=["GET", "POST", "DELETE"]),
            Route("/api/v1/files/{token}", files, methods=["GET", "PUT"]),
            Route("/calendar/{token}.ics", calendar_feed, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ]
    )
    app.state.schema = schema
    app.state.openapi = document
    if platform is not None:
        app.state.platform = platform
    StarletteInstrumentor.instrument_app(app)
    # The request's server span stays; the `http send` and `http receive` spans it
    # would open for every ASGI message tell nothing more and cost a third of the
    # middleware's CPU (0.07 of 0.2 ms per request with spans recorded).
    for cls, _, kwargs in app.user_middleware:
        if cls is OpenTelemetryMiddleware:
            kwargs["exclude_spans"] = ["receive", "send"]
    return app
