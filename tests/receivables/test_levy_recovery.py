"""A levy whose server is SIGKILLed half-way, then recovered, charges each unit
exactly once.

The levy runs in a real server process posting two units per step. The test
holds a row lock on a unit of the second batch, so the first batch commits and
the second blocks; the server is killed there. DBOS's recovery (here in the
test process, as DBOS's own tests and tests/api/test_crash_recovery.py do it)
replays the workflow: the first step's checkpoint stands, the second step runs
— and had the first committed without its checkpoint, it would skip the units
already charged (a unique index on levy and unit stands behind that).
"""

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
from tests.receivables.books import check_books, open_receivables, raw

pytestmark = pytest.mark.slow


async def test_levy_killed_half_way_and_recovered_charges_each_unit_once(api, platform, settings) -> None:
    r = await open_receivables(api, 4, method="fixed", amount="100.00")
    third_unit = raw(r.c.units[2])  # units 1–2 are the first batch, 3–4 the second
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    blocker = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    executor = f"levy-crash-{uuid.uuid4().hex[:8]}"

    async def lock_waits() -> int:
        return int(
            await owner.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
            )
        )

    async def charges() -> int:
        return int(await owner.fetchval("SELECT count(*) FROM owner_ledger_entries WHERE levy_id = $1", raw(levy["id"])))

    server = await asyncio.to_thread(live.start_server, {"HESTAMI_LEVY_BATCH_UNITS": "2"}, executor_id=executor)
    try:
        holding = blocker.transaction()
        await holding.start()
        await blocker.execute("SELECT id FROM units WHERE id = $1 FOR UPDATE", third_unit)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            response = await client.post(
                "/api/v1/rpc/levy/v1/post",
                json={"scheduleId": r.schedule, "period": "2026-05-01"},
                headers={"Authorization": f"Bearer {r.c.admin.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert response.status_code == 200, response.text
        levy = response.json()

        async def half_way() -> bool:
            return await lock_waits() > 0 and await charges() == 2

        await _until(half_way, 20, "the first batch to commit and the second to block")
        server.kill()
        await holding.rollback()
    finally:
        server.kill()
        server.cleanup()
        await blocker.close()

    async def backend_gone() -> bool:
        return await lock_waits() == 0

    await _until(backend_gone, 10, "the killed server's transaction to end")
    assert await charges() == 2
    assert await _status(levy["workflowId"]) == "PENDING"

    # Recovered with no request around it, the ambient scope pointing elsewhere.
    set_scope(uuid.uuid4(), None)
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert levy["workflowId"] in [h.get_workflow_id() for h in handles]
        await _until(lambda: _wf_done(levy["workflowId"]), 20, "the recovered levy to finish", 0.1)
    finally:
        set_scope(None, None)
    assert await _status(levy["workflowId"]) == "SUCCESS"
    assert await charges() == 4
    per_unit = await owner.fetch(
        "SELECT unit_id, count(*) AS n FROM owner_ledger_entries WHERE levy_id = $1 GROUP BY unit_id", raw(levy["id"])
    )
    assert sorted((row["unit_id"], row["n"]) for row in per_unit) == sorted((raw(u), 1) for u in r.c.units)
    await owner.close()
    # Asked again, the levy is the same and charges nothing more.
    again = await api.call("levy/v1/post", {"scheduleId": r.schedule, "period": "2026-05-01"}, r.c.admin)
    assert (again["id"], again["postedUnits"]) == (levy["id"], 4)
    owed = await check_books(platform, r)
    assert sorted(owed.values()) == [100] * 4
