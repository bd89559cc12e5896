"""A work order's lifecycle workflow survives a SIGKILL of the server running it:
the replacement server (same DBOS executor id, tests/live.py) recovers it, its
durable timer still fires at the response deadline and escalates once, and it
still answers to transitions; nothing of the opening is written twice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.ids import decode
from tests import live
from tests.work_orders.site import move, open_site, until

pytestmark = pytest.mark.slow


async def _status(wf_id: str) -> str | None:
    status = await DBOS.get_workflow_status_async(wf_id)
    return status.status if status else None


async def test_the_lifecycle_workflow_outlives_a_sigkill(api, platform, settings) -> None:
    s = await open_site(api, units=2)
    # 12 s to respond: long enough to kill and replace the server before it passes.
    await api.call("workOrderSettings/v1/set", {"associationId": s.association, "emergencyResponseMinutes": "0.2"}, s.manager)
    executor = f"wo-crash-{uuid.uuid4().hex[:8]}"
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    first = await asyncio.to_thread(live.start_server, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/rpc/workOrder/v1/create",
                json=s.request(0, priority="emergency"),
                headers={"Authorization": f"Bearer {s.owner.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert r.status_code == 200, r.text
        wo = r.json()
        wf = wo["workflowId"]
        await until(lambda: _pending(wf), what="the lifecycle workflow to wait on its timer")
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    wo_id = decode(wo["id"])[1]

    async def count(sql: str) -> int:
        return int(await owner.fetchval(sql, wo_id))

    try:
        assert await _status(wf) == "PENDING"
        assert await count("SELECT count(*) FROM work_order_notices WHERE work_order_id = $1") == 0
        second = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:

            async def escalated() -> bool:
                return await count("SELECT count(*) FROM work_order_notices WHERE work_order_id = $1") > 0

            await until(escalated, timeout=40, what="the recovered workflow's timer to escalate")
            got = await api.call("workOrder/v1/get", {"id": wo["id"]}, s.manager)
            assert got["escalated"] is True and got["responseEscalatedAt"] >= wo["respondBy"]
            # The recovered workflow still follows the work order: canceling ends it.
            await move(api, s.manager, wo["id"], "canceled", note="Fixed by the owner")
            await until(lambda: _ended(wf), timeout=20, what="the workflow to end after the cancel")
        finally:
            second.cleanup()
        assert await count("SELECT count(*) FROM work_orders WHERE id = $1") == 1
        assert await count("SELECT count(*) FROM work_order_transitions WHERE work_order_id = $1 AND from_status IS NULL") == 1
        assert await count("SELECT count(*) FROM work_order_notices WHERE work_order_id = $1") == 1
        assert (
            await owner.fetchval(
                "SELECT count(*) FROM audit_events WHERE operation = 'workOrder/escalated' AND $1 = ANY(target_ids)", wo["id"]
            )
            == 1
        )
    finally:
        await owner.close()


async def _pending(wf: str) -> bool:
    return await _status(wf) == "PENDING"


async def _ended(wf: str) -> Any:
    return await _status(wf) == "SUCCESS"
