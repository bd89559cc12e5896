"""A server SIGKILLed while a records request's deadline workflow waits, then
recovered: the recovered workflow keeps the same deadline and escalates the
unanswered request once (one escalation, one audit row)."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.telemetry import set_scope
from tests import live
from tests.api.test_crash_recovery import _status, _until, _wf_done
from tests.documents.library import open_library

pytestmark = pytest.mark.slow

DAY_SECONDS = "0.4"


async def test_a_crash_while_the_deadline_waits_escalates_once_after_recovery(api, settings) -> None:
    lib = await open_library(api)
    executor = f"records-crash-{uuid.uuid4().hex[:8]}"
    server = await asyncio.to_thread(live.start_server, {"HESTAMI_WORKFLOW_DAY_SECONDS": DAY_SECONDS}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/rpc/recordsRequest/v1/submit",
                json={"associationId": lib.association, "description": "The reserve study"},
                headers={"Authorization": f"Bearer {lib.owner.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 200, r.text
            request = r.json()

        async def waiting() -> bool:
            return await _status(request["workflowId"]) == "PENDING"

        await _until(waiting, 20, "the deadline workflow to start")
        server.kill()
    finally:
        server.kill()
        server.cleanup()
    assert request["escalatedOn"] is None

    set_scope(uuid.uuid4(), None)  # recovered with no request around it
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert request["workflowId"] in [h.get_workflow_id() for h in handles]
        await _until(lambda: _wf_done(request["workflowId"]), 60, "the recovered workflow to escalate", 0.1)
    finally:
        set_scope(None, None)
    assert await _status(request["workflowId"]) == "SUCCESS"
    got = await api.call("recordsRequest/v1/get", {"id": request["id"]}, lib.e.manager)
    assert (got["status"], got["escalatedOn"] is not None) == ("open", True)
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        escalations = await owner.fetchval(
            "SELECT count(*) FROM audit_events WHERE operation = 'recordsRequest/escalated' AND $1 = ANY(target_ids)",
            request["id"],
        )
    finally:
        await owner.close()
    assert escalations == 1
