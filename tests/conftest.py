"""Test harness: real Postgres, Redis, Cerbos and DBOS, in a database of our own.

The services come from `make test` (via .hestami/env.test); run straight from
pytest, we start them the same way. Each run gets a fresh database
`hestami_test_<id>` (and its DBOS system database), migrated by Alembic as the
owner role; the app connects as the RLS-bound application role.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import uvloop
from sqlalchemy import event

from devtools import sandbox
from graph.settings import Settings

RUN_ID = uuid.uuid4().hex[:10]
TEST_DB = f"hestami_test_{RUN_ID}"


# Generous limits so functional tests never trip the rate limiter by accident;
# the limiter's own tests use tight ones.
sandbox.configure("test", RUN_ID, TEST_DB, rate_limit_capacity=100_000)
# Webhooks reach the tests' own receivers on loopback over plain http, and retry
# within a second instead of a day (a child server process inherits these).
os.environ["HESTAMI_WEBHOOK_ALLOWED_NETWORKS"] = '["127.0.0.0/8"]'
os.environ["HESTAMI_WEBHOOK_ALLOW_HTTP"] = "true"
os.environ["HESTAMI_WEBHOOK_RETRY_SECONDS"] = "[0.1, 0.2, 0.3]"
# Email goes to the suite's own SMTP sink (and printed letters to a temporary directory).
import tests.mail  # noqa: E402, F401


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], object]]:
    """The suite runs on the event loop `hestami serve` runs on."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def span_exporter(settings: Settings):
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter,
    )

    from graph.telemetry import setup_tracing

    exporter = InMemorySpanExporter()
    setup_tracing(settings, [SimpleSpanProcessor(exporter)])
    return exporter


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[str]:
    import asyncio

    from devtools.database_setup import bootstrap, drop_databases, migrate

    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    yield TEST_DB
    await drop_databases(settings, TEST_DB)


def _run_dbos_on_this_loop() -> Callable[[], None]:
    """DBOS runs queued, scheduled and recovered async workflows on the loop that
    launched it while that loop is running, and on a private loop of its own
    otherwise. A server's loop always runs; the suite's session loop runs only
    while an async test does, so the minute sweeps that fired between tests or
    during a sync one (the fuzzer's) ran on the private loop with this engine's
    pool, whose asyncpg connections belong to one loop: "attached to a different
    loop", and idempotency records not found by the step that had just claimed
    them. Here that work always targets the session loop, waiting until the next
    async test runs it, as it would queue behind a busy server."""
    import asyncio

    from dbos._dbos import _get_dbos_instance

    background = _get_dbos_instance()._background_event_loop
    session_loop = asyncio.get_running_loop()
    private = background.target_loop

    def target_loop() -> asyncio.AbstractEventLoop | None:
        return session_loop if not session_loop.is_closed() else private()

    background.target_loop = target_loop  # type: ignore[method-assign]

    def restore() -> None:
        background.target_loop = private  # type: ignore[method-assign]

    return restore


@pytest.fixture(scope="session")
async def platform(database: str, settings: Settings, span_exporter):
    from dbos import DBOS

    from app.discovery import load_domains
    from graph.platform import Platform

    load_domains()  # before the platform starts: hooks and workflows register on import
    platform = await Platform.start(settings)
    restore = _run_dbos_on_this_loop()
    yield platform
    restore()
    await platform.close()
    DBOS.destroy(destroy_registry=False)


@pytest.fixture(scope="session")
def app(platform, settings: Settings):
    from app.server import create_app

    return create_app(settings, platform=platform)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def api(client: httpx.AsyncClient):
    from tests.helpers import Api

    return Api(client)


@pytest.fixture(params=["compiled", "resolvers"])
def read_path(request, platform):
    """Run the test on both read paths: compiled SQL (graph/compiler.py) and the resolvers."""
    saved = platform.settings.compiled_reads
    platform.settings.compiled_reads = request.param == "compiled"
    yield request.param
    platform.settings.compiled_reads = saved


@pytest.fixture
def statements(platform):
    """Every SQL statement the application engine sends for requests while the test
    runs (not the background workflows' that earlier tests or setup started)."""
    from graph.context import REQUEST_OPTION
    from graph.db import driver_statement_listeners

    seen: list[str] = []
    sync_engine = platform.engine.sync_engine

    def record(conn, cursor, statement, parameters, context, executemany):
        if conn.get_execution_options().get(REQUEST_OPTION):
            seen.append(statement)

    def record_driver(engine, statement, seconds):
        if engine is platform.engine:  # graph.db.driver_read serves requests only
            seen.append(statement)

    event.listen(sync_engine, "before_cursor_execute", record)
    driver_statement_listeners.append(record_driver)
    yield seen
    driver_statement_listeners.remove(record_driver)
    event.remove(sync_engine, "before_cursor_execute", record)


@pytest.fixture
def fast_answers(monkeypatch) -> list[bool]:
    """For each GraphQL POST while the test runs, whether graph/fastpath.py answered
    it (False: Strawberry did)."""
    from graph.fastpath import FastReads

    answered: list[bool] = []
    respond = FastReads.respond

    async def recording(self: FastReads, ctx, body: bytes) -> bytes | None:
        out = await respond(self, ctx, body)
        answered.append(out is not None)
        return out

    monkeypatch.setattr(FastReads, "respond", recording)
    return answered
