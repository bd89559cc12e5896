"""Test harness: real Postgres, Redis, Cerbos and DBOS, in a database of our own.

The services come from `make test` (via .hestami/env.test); run straight from
pytest, we start them the same way. Each run gets a fresh database
`hestami_test_<id>` (and its DBOS system database), migrated by Alembic as the
owner role; the app connects as the RLS-bound application role.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RUN_ID = uuid.uuid4().hex[:10]
TEST_DB = f"hestami_test_{RUN_ID}"


def _load_services_env() -> None:
    if all(k in os.environ for k in ("HESTAMI_ADMIN_DATABASE_URL", "HESTAMI_REDIS_URL", "HESTAMI_CERBOS_ADDRESS")):
        return
    subprocess.run(
        [sys.executable, "-m", "graph.devservices", "up", "--for", "test"],
        cwd=ROOT, check=True, capture_output=True,
    )
    for line in (ROOT / ".hestami" / "env.test").read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            os.environ.setdefault(name, value.strip("'\""))


def _configure() -> None:
    _load_services_env()
    from graph.auth.tokens import generate_jwks

    admin = make_url(os.environ["HESTAMI_ADMIN_DATABASE_URL"])
    owner = admin.set(username="hestami_owner", password=None, database=TEST_DB)
    os.environ["HESTAMI_DATABASE_URL"] = owner.render_as_string(hide_password=False)
    os.environ.pop("HESTAMI_APP_DATABASE_URL", None)
    os.environ.pop("HESTAMI_DBOS_SYSTEM_DATABASE_URL", None)
    os.environ["HESTAMI_ENVIRONMENT"] = "test"
    os.environ["HESTAMI_REDIS_PREFIX"] = f"hestami-test-{RUN_ID}"
    os.environ["HESTAMI_JWT_KEYS"] = json.dumps(generate_jwks(["test-1"]))
    os.environ["HESTAMI_JWT_ACTIVE_KID"] = "test-1"
    os.environ["HESTAMI_APPLICATION_VERSION"] = f"test-{RUN_ID}"
    # Generous limits so functional tests never trip the rate limiter by accident;
    # the limiter's own tests use tight ones.
    os.environ.setdefault("HESTAMI_RATE_LIMIT_CAPACITY", "100000")
    os.environ.setdefault("HESTAMI_ORG_RATE_LIMIT_CAPACITY", "100000")


_configure()

from graph.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def span_exporter(settings: Settings):  # type: ignore[no-untyped-def]
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from graph.telemetry import setup_tracing

    exporter = InMemorySpanExporter()
    setup_tracing(settings, [SimpleSpanProcessor(exporter)])
    return exporter


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[str]:
    import asyncio

    from graph.database_setup import bootstrap, drop_databases, migrate

    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    yield TEST_DB
    await drop_databases(settings, TEST_DB)


@pytest.fixture(scope="session")
async def platform(database: str, settings: Settings, span_exporter):  # type: ignore[no-untyped-def]
    from dbos import DBOS

    from graph.platform import Platform

    platform = await Platform.start(settings)
    yield platform
    await platform.close()
    DBOS.destroy(destroy_registry=False)


@pytest.fixture(scope="session")
def app(platform, settings: Settings):  # type: ignore[no-untyped-def]
    from graph.server import create_app

    return create_app(settings, platform=platform)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def api(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    from tests.helpers import Api

    return Api(client)
