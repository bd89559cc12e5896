"""Crash recovery of mutations: real server processes, real SIGKILLs, DBOS recovery.

Setup (user, organization, selection) goes through the in-process app: the
server subprocesses share its database, DBOS system database, Redis session store
and JWT keys, so its tokens work against them. Each crashed server and its
replacement share one DBOS executor id of their own (tests/live.py), so the
replacement recovers exactly the crashed server's PENDING workflows.

What each test proves:

- test_sigkill_after_commit_replays_stored_response: the server is SIGKILLed after
  the step's transaction (service account + audit row + stored response) committed
  but before the HTTP response was written (the `_pause_for_crash_test` point), so
  the client got no answer. A restarted server (same executor id) recovers the
  PENDING workflow, which ends SUCCESS without applying the effect again; the
  client's retry with the same key is a 200 with `Idempotent-Replayed: true` whose
  body is the stored response and names the one service account in the database;
  there is exactly one service account and one audit row for the key.

- test_workflow_recovered_before_its_step_runs_in_its_own_organization: the server
  is SIGKILLed after the workflow started (DBOS status PENDING, key claimed) but
  while its step was blocked before committing (the test holds a lock on
  service_accounts), so nothing of the effect committed. The workflow is then
  recovered the way DBOS's own tests do it (`DBOS._recover_pending_workflows`),
  here in the test process, which has no request for that organization — its
  ambient telemetry scope is set to a second organization B. The recovered step
  applies the effect from the workflow's inputs alone: the service account and
  its audit row land in organization A, readable under A's RLS scope and
  invisible under B's; the key's stored response names that account; a retry
  replays it; the effect exists once.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from dbos import DBOS
from sqlalchemy import select

from domains.organizations.models import ServiceAccount
from graph.db import libpq_url, scoped_transaction
from graph.ids import decode
from graph.telemetry import set_scope
from tests import live

pytestmark = pytest.mark.slow

SA_CREATE = "serviceAccount/v1/create"


def _uuid(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


async def _until(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def _status(wf_id: str) -> str | None:
    status = await DBOS.get_workflow_status_async(wf_id)
    return status.status if status else None


@pytest.fixture
async def owner(settings) -> Any:
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    yield conn
    await conn.close()


async def _record(owner: asyncpg.Connection, key: str) -> dict[str, Any] | None:
    row = await owner.fetchrow(
        "SELECT response_status, response_body, workflow_id, organization_id FROM idempotency_keys "
        "WHERE key = $1 AND operation = $2",
        key,
        SA_CREATE,
    )
    if row is None:
        return None
    record = dict(row)
    record["response_body"] = json.loads(row["response_body"]) if row["response_body"] else None
    return record


async def test_sigkill_after_commit_replays_stored_response(api, owner, platform, tmp_path: Path) -> None:
    caller, org = await api.admin_of_new_org()
    pause = tmp_path / "crash" / "paused"
    pause.parent.mkdir()
    executor = f"crash-{uuid.uuid4().hex[:8]}"
    key = f"crash-{uuid.uuid4().hex}"
    body = {"name": "Crash-safe sync", "roles": ["integration"]}
    headers = {"Authorization": f"Bearer {caller.token}", "Idempotency-Key": key}

    first = await asyncio.to_thread(live.start_server, {"HESTAMI_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            request = asyncio.create_task(client.post(f"/api/v1/rpc/{SA_CREATE}", json=body, headers=headers))

            async def paused() -> bool:
                assert not request.done(), f"answered before the pause point: {request.result().text}"
                return pause.exists()

            await _until(paused, 20, "the server to reach the pause point")
            first.kill()
            with pytest.raises(httpx.HTTPError):
                await request  # the client never got its response
    finally:
        first.kill()
        first.cleanup()

    # At the crash: effect and stored response committed, the workflow still PENDING.
    record = await _record(owner, key)
    assert record is not None and record["response_status"] == 200
    wf_id = record["workflow_id"]
    assert await _status(wf_id) == "PENDING"
    [sa_row] = await owner.fetch("SELECT id FROM service_accounts WHERE organization_id = $1", _uuid(org))

    second = await asyncio.to_thread(live.start_server, executor_id=executor)  # no pause this time
    try:
        await _until(lambda: _wf_done(wf_id), 20, "the restarted server to recover the workflow", 0.1)
        st = await DBOS.get_workflow_status_async(wf_id)
        assert st is not None, second.log()
        assert st.status == "SUCCESS", (st.executor_id, st.error, second.log())

        async with httpx.AsyncClient(base_url=second.url, timeout=30) as client:
            retry = await client.post(f"/api/v1/rpc/{SA_CREATE}", json=body, headers=headers)
        assert retry.status_code == 200, retry.text
        assert retry.headers["Idempotent-Replayed"] == "true"
        replayed = retry.json()
        stored = record["response_body"]
        # The stored copy is the same response with the API key sealed (never at rest in the clear).
        assert stored["apiKey"].startswith("sealed:v1:")
        assert {**replayed, "apiKey": None} == {**stored, "apiKey": None}
        assert _uuid(replayed["serviceAccount"]["id"]) == sa_row["id"]
        assert replayed["apiKey"].startswith("hsk_")
    finally:
        second.cleanup()

    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org)) == 1
    assert await owner.fetchval("SELECT count(*) FROM audit_events WHERE idempotency_key = $1", key) == 1


async def _wf_done(wf_id: str) -> bool:
    return await _status(wf_id) not in ("PENDING", "ENQUEUED", None)


async def test_workflow_recovered_before_its_step_runs_in_its_own_organization(api, owner, platform, settings) -> None:
    admin_a, org_a = await api.admin_of_new_org()
    admin_b, org_b = await api.admin_of_new_org()
    executor = f"crash-{uuid.uuid4().hex[:8]}"
    key = f"recover-{uuid.uuid4().hex}"
    body = {"name": "Recovered in A", "roles": ["integration"]}
    headers = {"Authorization": f"Bearer {admin_a.token}", "Idempotency-Key": key}

    blocker = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    server = await asyncio.to_thread(live.start_server, executor_id=executor)
    try:
        blocking = blocker.transaction()
        await blocking.start()
        # SHARE blocks INSERT (the step's first write to the table) and lets reads through.
        await blocker.execute("LOCK TABLE service_accounts IN SHARE MODE")
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            request = asyncio.create_task(client.post(f"/api/v1/rpc/{SA_CREATE}", json=body, headers=headers))

            async def step_blocked() -> bool:
                assert not request.done(), request.result().text
                record = await _record(owner, key)
                waiting = await owner.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'service_accounts'::regclass"
                )
                return record is not None and waiting > 0 and await _status(record["workflow_id"]) == "PENDING"

            await _until(step_blocked, 20, "the step to block on the service_accounts lock")
            server.kill()
            with pytest.raises(httpx.HTTPError):
                await request
        await blocking.rollback()
    finally:
        server.kill()
        server.cleanup()
        await blocker.close()

    # The dead server's backend notices its client is gone and rolls back.
    async def backend_gone() -> bool:
        return not await owner.fetchval("SELECT count(*) FROM pg_locks WHERE relation = 'service_accounts'::regclass")

    await _until(backend_gone, 10, "the killed server's transaction to end")
    record = await _record(owner, key)
    assert record is not None
    assert record["response_status"] is None, "nothing of the step committed"
    assert record["organization_id"] == _uuid(org_a)
    wf_id = record["workflow_id"]
    assert await _status(wf_id) == "PENDING"
    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org_a)) == 0

    # Recover here, with no request for A and the ambient scope pointing at B.
    set_scope(_uuid(org_b), _uuid(admin_b.user_id))
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert [h.get_workflow_id() for h in handles] == [wf_id]
        await _until(lambda: _wf_done(wf_id), 20, "the recovered workflow to finish", 0.1)
    finally:
        set_scope(None, None)
    assert await _status(wf_id) == "SUCCESS"

    record = await _record(owner, key)
    assert record is not None and record["response_status"] == 200, record
    sa_id = _uuid(record["response_body"]["serviceAccount"]["id"])
    rows = await owner.fetch("SELECT id, organization_id FROM service_accounts WHERE id = $1", sa_id)
    assert [(r["id"], r["organization_id"]) for r in rows] == [(sa_id, _uuid(org_a))]
    audit = await owner.fetch("SELECT organization_id, actor_id FROM audit_events WHERE idempotency_key = $1", key)
    assert [(r["organization_id"], str(r["actor_id"])) for r in audit] == [(_uuid(org_a), str(_uuid(admin_a.user_id)))]
    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org_b)) == 0

    # Through RLS as the application role: visible in A, not in B.
    for org, user, expected in ((org_a, admin_a, [sa_id]), (org_b, admin_b, [])):
        async with scoped_transaction(platform.sessions, _uuid(org), _uuid(user.user_id)) as session:
            assert list(await session.scalars(select(ServiceAccount.id).where(ServiceAccount.id == sa_id))) == expected

    # The client's retry gets the recovered response.
    retry = await api.rpc(SA_CREATE, body, token=admin_a.token, key=key)
    assert retry.status_code == 200, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert {**retry.json(), "apiKey": None} == {**record["response_body"], "apiKey": None}  # stored sealed
    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org_a)) == 1
