"""Postgres restarted under concurrent mutations: every key completes exactly once.

A real server (`hestami serve`) runs against a Postgres of this test's own (the
embedded one, on a free port, so the shared test database is never restarted),
holding its app database and its DBOS system database, as in production. Four
clients create parties with fresh idempotency keys while Postgres is restarted
with `pg_ctl restart -m fast` several times — what a managed database's failover
or a minor-version upgrade does — and then stopped for a few seconds, a longer
outage. Each client retries a key on 503 or 409 (both carry Retry-After), as a
client must. Afterwards:

- no answer was a 500, and every key ended in a 200;
- each key created exactly one party, and replaying it returns that party;
- no idempotency key is left without its response, and no operation workflow is
  left in ERROR or PENDING;
- the restarts did meet requests in flight (the server retried a step, or a
  client was told 503), so the above is not vacuous; during the outage clients
  were told 503 rather than held, and a GraphQL read SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from devtools import devservices
from graph.db import libpq_url
from tests import live
from tests.helpers import Api, Caller

pytestmark = pytest.mark.slow

CLIENTS = 4
RESTARTS = 3
OUTAGE_SECONDS = 3.0
DATABASE = "hestami_restart"


@pytest.fixture
def own_postgres() -> Iterator[tuple[devservices.Paths, str]]:
    state = Path(tempfile.mkdtemp(prefix="hestami-pgrestart-"))
    paths = devservices.Paths(state=state)
    paths.logs.mkdir(parents=True)
    try:
        yield paths, devservices.ensure_postgres(paths, port=live.free_port())
    finally:
        devservices.down(paths)
        shutil.rmtree(state, ignore_errors=True)


async def _setup(api: Api) -> Caller:
    admin = await api.register()
    org = await api.create_org(admin, "management_company")
    await api.select(admin, org)
    return admin


async def _create_until_done(api: Api, caller: Caller, key: str, seen: dict[int, int]) -> str:
    body = {"kind": "person", "name": f"restart-{key}", "deliveryPreference": "postal"}
    deadline = time.monotonic() + 90
    while True:
        try:
            r = await api.rpc("party/v1/create", body, token=caller.token, key=key)
        except httpx.TransportError:
            seen[-1] = seen.get(-1, 0) + 1
            await asyncio.sleep(0.2)
            continue
        seen[r.status_code] = seen.get(r.status_code, 0) + 1
        if r.status_code == 200:
            return str(r.json()["id"])
        assert r.status_code in (409, 503), (key, r.status_code, r.text)
        assert r.headers.get("Retry-After"), r.headers
        assert time.monotonic() < deadline, f"key {key} never completed: last {r.status_code} {r.text}"
        await asyncio.sleep(0.1)


async def test_keys_complete_exactly_once_across_postgres_restarts(own_postgres: Any) -> None:
    paths, admin_url = own_postgres
    port = make_url(admin_url).port
    assert port is not None
    owner_url = make_url(admin_url).set(username="hestami_owner", database=DATABASE)
    env = {
        "HESTAMI_ADMIN_DATABASE_URL": admin_url,
        "HESTAMI_DATABASE_URL": owner_url.render_as_string(hide_password=False),
        "HESTAMI_APPLICATION_VERSION": f"restart-{uuid.uuid4().hex[:8]}",
    }
    await live.cli(env, "db", "bootstrap")
    await live.cli(env, "migrate")

    server = live.start_server(env, timeout=60)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            api = Api(http)
            caller = await _setup(api)
            seen: dict[int, int] = {}
            done: dict[str, str] = {}
            stop = asyncio.Event()

            async def client() -> None:
                while not stop.is_set():
                    key = uuid.uuid4().hex
                    done[key] = await _create_until_done(api, caller, key, seen)

            clients = [asyncio.create_task(client()) for _ in range(CLIENTS)]
            for _ in range(RESTARTS):
                await asyncio.sleep(0.7)
                await asyncio.to_thread(devservices.pg_ctl, paths, "restart")
            await asyncio.sleep(0.7)
            unavailable_before = seen.get(503, 0)
            await asyncio.to_thread(devservices.pg_ctl, paths, "stop")
            await asyncio.sleep(OUTAGE_SECONDS / 2)
            read = await api.gql("{ associations(first: 1) { nodes { id } } }", token=caller.token)
            assert read["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", read
            await asyncio.sleep(OUTAGE_SECONDS / 2)
            unavailable_during = seen.get(503, 0) - unavailable_before
            await asyncio.to_thread(devservices.ensure_postgres, paths, port)
            await asyncio.sleep(0.7)
            stop.set()
            await asyncio.gather(*clients)
            assert unavailable_during >= CLIENTS, f"clients were held, not told 503, during the outage: {seen}"

            assert 500 not in seen, seen
            for key, party_id in done.items():
                replay = await api.rpc(
                    "party/v1/create",
                    {"kind": "person", "name": f"restart-{key}", "deliveryPreference": "postal"},
                    token=caller.token,
                    key=key,
                )
                assert replay.status_code == 200, replay.text
                assert replay.json()["id"] == party_id
                assert replay.headers["Idempotent-Replayed"] == "true"

        admin = make_url(admin_url)
        app_db = await asyncpg.connect(libpq_url(admin.set(database=DATABASE).render_as_string(hide_password=False)))
        sys_db = await asyncpg.connect(libpq_url(admin.set(database=f"{DATABASE}_dbos").render_as_string(hide_password=False)))
        try:
            names = await app_db.fetch("SELECT name, count(*) AS n FROM parties WHERE name LIKE 'restart-%' GROUP BY name")
            assert {r["name"]: r["n"] for r in names} == {f"restart-{k}": 1 for k in done}
            assert await app_db.fetchval("SELECT count(*) FROM idempotency_keys WHERE response_status IS NULL") == 0

            async def unfinished() -> list[Any]:
                return await sys_db.fetch(
                    "SELECT workflow_uuid, status FROM dbos.workflow_status"
                    " WHERE name = 'operation_workflow' AND status IN ('ERROR', 'PENDING', 'ENQUEUED')"
                )

            deadline = time.monotonic() + 30
            while (left := await unfinished()) and time.monotonic() < deadline:  # noqa: ASYNC110 - polls the database
                await asyncio.sleep(0.2)
            assert left == [], left
        finally:
            await app_db.close()
            await sys_db.close()

        retried = server.log().count("transient database failure, retrying")
        assert retried or seen.get(503), (
            f"no request was in flight during {RESTARTS} restarts (answers {seen}); the test proved nothing"
        )
        assert len(done) >= CLIENTS * RESTARTS, done
    finally:
        server.cleanup()
