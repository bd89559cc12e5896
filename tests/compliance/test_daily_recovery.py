"""The daily compliance run SIGKILLed part-way, then recovered, generates each
task exactly once per requirement, subject and period.

The run is the workflow the 06:00 schedule starts, started with a schedule-like
workflow id in a process of its own (tests/compliance/daily_run.py, the
platform started as the server starts it, its own DBOS executor id). The test
holds a row lock on the second association (in the run's order), so the first
association's step commits and the second's insert waits on its foreign key;
the process is killed there. DBOS's recovery (in the test process, as
tests/api/test_crash_recovery.py does it) replays the workflow: the first
step's checkpoint stands, the second runs — and had the first committed
without its checkpoint, the replayed step would find its tasks already there
(unique per association, requirement, subject and period) and create none.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.ids import encode
from graph.telemetry import set_scope
from tests import live
from tests.accounting.books import open_books
from tests.api.test_crash_recovery import _status, _until, _wf_done
from tests.compliance.test_obligations import new_association
from tests.receivables.books import raw

pytestmark = pytest.mark.slow


def _start_run(workflow_id: str, scheduled_at: datetime, executor: str) -> live.LiveServer:
    fd, name = tempfile.mkstemp(prefix="hestami-daily-run-", suffix=".log")
    log_path = Path(name)
    log_file = log_path.open("wb")
    env = {**os.environ, "DBOS__VMID": executor, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [live.PYTHON, "-m", "tests.compliance.daily_run", workflow_id, scheduled_at.isoformat()],
        cwd=live.ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    os.close(fd)
    return live.LiveServer(process, 0, log_path, log_file)


async def test_the_daily_run_killed_half_way_and_recovered_creates_each_task_once(api, settings) -> None:
    b = await open_books(api)
    second, _ = await new_association(api, b.c.admin, "CA")
    today = datetime.now(UTC).date()
    month = (today.replace(day=1) - timedelta(days=1)).month
    for association in (b.c.association, second):
        await api.call("complianceSettings/v1/set", {"associationId": association, "annualMeetingMonth": month}, b.c.admin)
    # The run goes through associations in id order: the later one is where it blocks.
    first_id, blocked_id = sorted((raw(b.c.association), raw(second)))

    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    blocker = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))

    async def tasks(association: uuid.UUID) -> int:
        return int(await owner.fetchval("SELECT count(*) FROM compliance_tasks WHERE association_id = $1", association))

    async def lock_waits() -> int:
        return int(
            await owner.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
            )
        )

    scheduled_at = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=6)
    workflow_id = f"sched-compliance-crash-{uuid.uuid4().hex[:8]}-{scheduled_at.isoformat()}"
    executor = f"compliance-crash-{uuid.uuid4().hex[:8]}"
    holding = blocker.transaction()
    await holding.start()
    assert await blocker.fetchval("SELECT id FROM associations WHERE id = $1 FOR UPDATE", blocked_id) == blocked_id
    run = await asyncio.to_thread(_start_run, workflow_id, scheduled_at, executor)
    try:

        async def half_way() -> bool:
            return await tasks(first_id) > 0 and await lock_waits() > 0 and await tasks(blocked_id) == 0

        try:
            await _until(half_way, live.READY_TIMEOUT, "the first association to commit and the second to block", 0.2)
        except AssertionError as timed_out:
            raise AssertionError(f"{timed_out}; the run's log:\n{run.log()}") from None
        run.kill()
        await holding.rollback()
    finally:
        run.kill()
        run.cleanup()
        await blocker.close()

    async def backend_gone() -> bool:
        return await lock_waits() == 0

    await _until(backend_gone, 10, "the killed run's transaction to end")
    before = await tasks(first_id)
    assert await tasks(blocked_id) == 0
    assert await _status(workflow_id) == "PENDING"

    # Recovered with no request around it, the ambient scope pointing elsewhere.
    set_scope(uuid.uuid4(), None)
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert workflow_id in [h.get_workflow_id() for h in handles]
        await _until(lambda: _wf_done(workflow_id), 60, "the recovered run to finish", 0.1)
    finally:
        set_scope(None, None)
    assert await _status(workflow_id) == "SUCCESS"

    # Each obligation once; the first association's tasks were not made again; both
    # associations' calendars have the same obligations.
    for raw_id in (first_id, blocked_id):
        rows = await owner.fetch(
            "SELECT requirement::text AS r, subject, period_start, count(*) AS n FROM compliance_tasks "
            "WHERE association_id = $1 GROUP BY 1, 2, 3",
            raw_id,
        )
        assert rows and all(row["n"] == 1 for row in rows), rows
        events = await owner.fetchval(
            "SELECT count(*) FROM compliance_task_events WHERE association_id = $1 AND event = 'created'", raw_id
        )
        assert events == len(rows)
        audits = await owner.fetchval(
            "SELECT count(*) FROM audit_events WHERE operation = 'complianceCalendar/generate' "
            "AND summary::jsonb ->> 'associationId' = $1 AND summary::jsonb ->> 'day' = $2",
            encode("asn", raw_id),
            today.isoformat(),
        )
        assert audits == 1
    assert await tasks(first_id) == before == await tasks(blocked_id)
    await owner.close()
