"""Where a small query's server CPU goes: the app called over ASGI with no client
and no HTTP, beside each of its parts called alone, in alternating rounds.

`bench/nested.py` estimates the API's server CPU as this process's CPU less the
client's, measured in another phase, so load moving between phases moves it.
Here nothing but the server runs, and the parts are measured in the same rounds
as the whole (medians over rounds), so their shares add up within one run.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from app.server import GraphQLEndpoint
from graph.context import RequestContext
from graph.db import driver_read
from graph.http import admit

ROUNDS = 10


async def small_query_cpu(app: Any, token: str, query: str, variables: dict[str, Any], n: int) -> str:
    """A report: ms of CPU per request for the whole and each part (median of
    `ROUNDS` rounds of `n // ROUNDS` requests each, after a warm-up)."""
    platform = app.state.platform
    endpoint = next(r.endpoint for r in app.router.routes if isinstance(getattr(r, "endpoint", None), GraphQLEndpoint))
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"authorization", f"Bearer {token}".encode()),
    ]
    sent: list[Any] = []

    def scope() -> dict[str, Any]:
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    principal = await admit(platform, Request(scope(), receive))  # charged: it then knows its roles version
    assert principal is not None
    read: dict[str, Any] = {}

    async def respond() -> None:
        ctx = RequestContext(platform, principal, None)
        original = ctx.driver_read

        async def seen(sql: str, args: Any) -> Any:
            read["statement"] = (sql, args)
            return await original(sql, args)

        ctx.driver_read = seen  # type: ignore[method-assign]
        try:
            assert await endpoint.fast.respond(ctx, body) is not None
        finally:
            await ctx.close()

    await app(scope(), receive, send)
    assert sent[0]["status"] == 200 and b'"errors"' not in sent[-1]["body"], sent
    await respond()
    sql, args = read["statement"]  # the request's one statement, as the fast path sent it

    async def whole() -> None:
        await app(scope(), receive, send)

    async def graphql_endpoint() -> None:
        await endpoint(scope(), receive, send)

    async def admitted() -> None:
        await admit(platform, Request(scope(), receive))

    async def the_read() -> None:
        await driver_read(platform.engine, principal.active_organization_id, principal.user_id, sql, args)

    parts: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("whole app over ASGI (no client, no HTTP)", whole),
        ("GraphQL endpoint (no middleware)", graphql_endpoint),
        ("admit: token, session and rate limit (one Redis round trip)", admitted),
        ("fast path: RequestContext + FastReads.respond", respond),
        ("its SQL: graph.db.driver_read (checkout, 3 round trips)", the_read),
    ]
    spent: dict[str, list[float]] = {name: [] for name, _ in parts}
    per_round = max(n // ROUNDS, 1)
    for _, part in parts:
        for _ in range(min(per_round, 200)):
            await part()
    for _ in range(ROUNDS):
        for name, part in parts:
            started = time.process_time()
            for _ in range(per_round):
                await part()
            spent[name].append((time.process_time() - started) / per_round * 1000)
        sent.clear()
    ms = {name: statistics.median(values) for name, values in spent.items()}
    names = [name for name, _ in parts]
    whole_ms, endpoint_ms, admit_ms, respond_ms, sql_ms = (ms[name] for name in names)
    lines = [
        f"server CPU of the small query, itemized (this process, ms per request, median of {ROUNDS} rounds "
        f"of {per_round}; uvicorn's HTTP handling is not included):"
    ]
    lines += [f"  {name:62} {ms[name]:6.3f}" for name in names]
    lines += [
        f"  {'middleware: OpenTelemetry ASGI + Starlette (whole − endpoint)':62} {whole_ms - endpoint_ms:6.3f}",
        f"  {'fast path beyond its SQL (respond − SQL)':62} {respond_ms - sql_ms:6.3f}",
        f"  {'rest of the endpoint: request, body, response':62} {endpoint_ms - admit_ms - respond_ms:6.3f}",
        f"  {'whole beyond its SQL':62} {whole_ms - sql_ms:6.3f}",
    ]
    return "\n".join(lines)
