"""A crash mid-dispatch neither loses nor duplicates the job. The server running
a service request's dispatch workflow is SIGKILLed after the job was committed
in the provider's organization but before the step that wrote it was recorded
(`dispatch_crash_pause_file`, in the steps' shared `deliver`): the request's
dispatch record exists, the provider's job exists, DBOS holds the workflow
PENDING. A replacement server (same DBOS executor id, tests/live.py) recovers
it, runs the step again — which finds the job by its id and writes nothing —
and the recovered workflow still carries the provider's answers back."""

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
from tests.service_requests.world import org_of, provider, request, status

pytestmark = pytest.mark.slow


async def test_sigkill_after_the_job_is_written_leaves_one_job_on_each_side(api, settings, tmp_path: Path) -> None:
    ace, ace_org, _ = await provider(api)
    ivy, ivy_org, _ = await org_of(api, "individual")
    pause = tmp_path / "dispatch-paused"
    executor = f"service-crash-{uuid.uuid4().hex[:8]}"
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    first = await asyncio.to_thread(live.start_server, {"HESTAMI_DISPATCH_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/rpc/serviceRequest/v1/create",
                json=request(title="Boiler out", providerOrganizationId=ace_org),
                headers={"Authorization": f"Bearer {ivy.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert r.status_code == 200, r.text
        made = r.json()
        deadline = time.monotonic() + 60
        while not pause.exists():
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.05)
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    dispatch_id = uuid.UUID(pause.read_text())
    workflow = f"service-request-dispatch-{dispatch_id}"

    async def counts() -> tuple[int, int, int]:
        row = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM service_request_dispatches WHERE service_request_id = $1) AS dispatches,
                      (SELECT count(*) FROM jobs WHERE organization_id = $2 AND customer_organization_id = $3) AS jobs,
                      (SELECT count(*) FROM job_transitions WHERE job_id = $4 AND from_status IS NULL) AS arrivals""",
            decode(made["id"])[1],
            decode(ace_org)[1],
            decode(ivy_org)[1],
            dispatch_id,
        )
        assert row is not None
        return row["dispatches"], row["jobs"], row["arrivals"]

    try:
        assert await counts() == (1, 1, 1)
        assert (await DBOS.get_workflow_status_async(workflow)).status == "PENDING"  # type: ignore[union-attr]
        second = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:
            [job] = (await api.call("job/v1/list", {}, ace))["nodes"]
            assert decode(job["id"])[1] == dispatch_id
            await api.call("job/v1/accept", {"id": job["id"]}, ace)
            await status(api, ivy, made["id"], "accepted")
        finally:
            second.cleanup()
        assert await counts() == (1, 1, 1), second.log()
        steps = await DBOS.list_workflow_steps_async(workflow)
        sent = [s["output"] for s in steps if s["function_name"] == "send_service_request_job_step"]
        assert sent == [str(decode(ace_org)[1])]
    finally:
        await owner.close()
