"""A crash mid-dispatch neither loses nor duplicates the job. The server running
the dispatch workflow is SIGKILLed after the job was committed in the provider's
organization but before the step that wrote it was recorded
(`dispatch_crash_pause_file`): the association's dispatch record exists, the
provider's job exists, DBOS holds the workflow PENDING. A replacement server
(same DBOS executor id, tests/live.py) recovers it and runs the step again,
which finds the job by its id (the dispatch's) and writes nothing; the recovered
workflow still carries the provider's answers back. Each side holds exactly one
record of the dispatch, with one arrival transition."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.ids import decode
from tests import live
from tests.work_orders.site import move, open_site, until
from tests.work_orders.test_dispatch import _provider, _status

pytestmark = pytest.mark.slow


async def _workflow_status(wf_id: str) -> str | None:
    status = await DBOS.get_workflow_status_async(wf_id)
    return status.status if status else None


async def test_sigkill_after_the_job_is_written_leaves_one_job_on_each_side(api, settings, tmp_path: Path) -> None:
    s = await open_site(api, units=2)
    provider, provider_org, vendor = await _provider(api, s)
    wo = await api.call("workOrder/v1/create", s.request(0, title="Burst pipe in the garage", priority="emergency"), s.owner)
    await move(api, s.manager, wo["id"], "review")
    await move(api, s.manager, wo["id"], "vendor_chosen", vendorId=vendor)
    pause = tmp_path / "dispatch-paused"
    executor = f"dispatch-crash-{uuid.uuid4().hex[:8]}"
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    first = await asyncio.to_thread(live.start_server, {"HESTAMI_DISPATCH_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/rpc/workOrder/v1/transition",
                json={"id": wo["id"], "to": "assigned"},
                headers={"Authorization": f"Bearer {s.manager.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 60
        while not pause.exists():
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.05)
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    dispatch_id = uuid.UUID(pause.read_text())
    wf = f"work-order-dispatch-{dispatch_id}"
    wo_id = decode(wo["id"])[1]

    async def counts() -> tuple[int, int, int]:
        row = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM work_order_dispatches WHERE work_order_id = $1) AS dispatches,
                      (SELECT count(*) FROM jobs WHERE organization_id = $2 AND customer_organization_id = $3) AS jobs,
                      (SELECT count(*) FROM job_transitions WHERE job_id = $4 AND from_status IS NULL) AS arrivals""",
            wo_id,
            decode(provider_org)[1],
            decode(s.c.org)[1],
            dispatch_id,
        )
        assert row is not None
        return row["dispatches"], row["jobs"], row["arrivals"]

    try:
        # Killed mid-step: both sides written, the step not recorded, the workflow pending.
        assert await counts() == (1, 1, 1)
        assert await _workflow_status(wf) == "PENDING"
        second = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:
            # The recovered workflow re-ran the step (finding the job) and waits for answers.
            async def accepted() -> bool:
                return bool(
                    await owner.fetchval("SELECT status = 'accepted' FROM work_order_dispatches WHERE id = $1", dispatch_id)
                )

            [job] = (await api.call("job/v1/list", {}, provider))["nodes"]
            assert decode(job["id"])[1] == dispatch_id
            await api.call("job/v1/accept", {"id": job["id"]}, provider)
            await until(accepted, timeout=60, what="the recovered workflow to carry the acceptance back")
            await api.call("job/v1/schedule", {"id": job["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, provider)
            await _status(api, s, wo, "scheduled")
        finally:
            second.cleanup()
        assert await counts() == (1, 1, 1), second.log()
        # The step that wrote the job is recorded once, with the provider's organization as its output.
        steps = [st for st in await DBOS.list_workflow_steps_async(wf) if st["function_name"] == "send_job_step"]
        assert [st["output"] for st in steps] == [str(decode(provider_org)[1])]
    finally:
        await owner.close()
