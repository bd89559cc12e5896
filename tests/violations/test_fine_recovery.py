"""A server SIGKILLed between the delivered decision and the fine's posting,
then recovered, posts the fine exactly once.

The violation is logged through a real server process, so its lifecycle
workflow runs there. The test holds a row lock on the violation's unit, so
when the decision is delivered the workflow's fine step (receivables' posting
path locks the unit) blocks before committing; the server is killed there.
DBOS's recovery (in the test process, as tests/api/test_crash_recovery.py
does it) replays the workflow: the step runs again and posts the fine — once,
and had the first attempt committed without its checkpoint, the violation's
status (fine_pending no more) and the unique key on (violation, kind, day)
would stop a second posting.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.telemetry import set_scope
from tests import live
from tests.api.test_crash_recovery import _status, _until, _wf_done
from tests.receivables.books import raw
from tests.violations.enforcement import day, get, open_enforcement, wait_status

pytestmark = pytest.mark.slow


async def test_a_crash_between_the_decision_and_the_fine_posts_it_once(api, settings) -> None:
    e = await open_enforcement(api, "CA")
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    blocker = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    executor = f"fine-crash-{uuid.uuid4().hex[:8]}"

    async def lock_waits() -> int:
        return int(
            await owner.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
            )
        )

    async def fines() -> int:
        return int(await owner.fetchval("SELECT count(*) FROM violation_fines WHERE violation_id = $1", raw(violation)))

    server = await asyncio.to_thread(live.start_server, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:

            async def call(name: str, body: dict[str, Any], token: str) -> dict[str, Any]:
                r = await client.post(
                    f"/api/v1/rpc/{name}",
                    json=body,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
                )
                assert r.status_code == 200, r.text
                return r.json()

            sighting = {"unitId": e.units[0], "ruleId": e.rule, "observedOn": day(-60), "description": "Tall grass"}
            violation = (await call("violation/v1/observe", sighting, e.manager.token))["violation"]["id"]
            mail = {"method": "first_class_mail"}
            await call("violation/v1/sendNotice", {"id": violation, "sentOn": day(-50)} | mail, e.manager.token)
            await call("violation/v1/reinspect", {"id": violation, "inspectedOn": day(-30), "cured": False}, e.manager.token)
            hearing = {"id": violation, "hearingOn": day(-1), "noticeSentOn": day(-15)} | mail
            await call("violation/v1/scheduleHearing", hearing, e.manager.token)
            await call("violation/v1/decide", {"id": violation, "heldOn": day(-1), "outcome": "fine"}, e.board.token)
            holding = blocker.transaction()
            await holding.start()
            # The lock the posting path takes on the unit (FOR NO KEY UPDATE): the
            # decision's own foreign-key checks (FOR KEY SHARE) pass it, the fine step waits.
            await blocker.execute("SELECT id FROM units WHERE id = $1 FOR NO KEY UPDATE", raw(e.units[0]))
            delivered = await call(
                "violation/v1/deliverDecision", {"id": violation, "deliveredOn": day(0)} | mail, e.manager.token
            )
            assert delivered["status"] == "fine_pending"
            workflow = delivered["workflowId"]

        async def blocked() -> bool:
            return await lock_waits() > 0

        await _until(blocked, 20, "the fine step to block on the unit")
        server.kill()
        await holding.rollback()
    finally:
        server.kill()
        server.cleanup()
        await blocker.close()

    async def backend_gone() -> bool:
        return await lock_waits() == 0

    await _until(backend_gone, 10, "the killed server's transaction to end")
    assert await fines() == 0
    assert await _status(workflow) == "PENDING"

    set_scope(uuid.uuid4(), None)  # recovered with no request around it, the ambient scope elsewhere
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert workflow in [h.get_workflow_id() for h in handles]
        done = await wait_status(api, e, violation, "fined")
    finally:
        set_scope(None, None)
    assert await fines() == 1 and len(done["fines"]) == 1
    entries = await owner.fetch(
        "SELECT amount FROM owner_ledger_entries WHERE unit_id = $1 AND account_id = $2",
        raw(e.units[0]),
        raw(e.accounts["4120"]),
    )
    assert [str(r["amount"]) for r in entries] == ["100.00"]
    # Cured: the recovered workflow ends; still one fine.
    await api.call("violation/v1/reinspect", {"id": violation, "inspectedOn": day(0), "cured": True}, e.manager)
    await _until(lambda: _wf_done(workflow), 20, "the recovered workflow to finish", 0.1)
    assert await _status(workflow) == "SUCCESS"
    assert await fines() == 1 and (await get(api, e, violation))["status"] == "closed"
    await owner.close()
