"""Scheduled housekeeping, run as DBOS workflows so a missed hour is not lost
to a restart: idempotency keys are pruned once they are past their retention
(never before 24 hours; the SQL function enforces the floor too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dbos import DBOS
from sqlalchemy import text

from graph.platform import current_platform

PRUNE_SCHEDULE = "prune-idempotency-keys"


@DBOS.step(name="prune_idempotency_keys_step")
async def prune_idempotency_keys_step() -> int:
    platform = current_platform()
    async with platform.sessions() as session, session.begin():
        pruned = await session.scalar(
            text("SELECT prune_idempotency_keys(make_interval(hours => :hours))"),
            {"hours": platform.settings.idempotency_retention_hours},
        )
    return int(pruned or 0)


@DBOS.workflow(name="prune_idempotency_keys_workflow")
async def prune_idempotency_keys_workflow(scheduled_at: datetime, context: Any) -> int:
    return await prune_idempotency_keys_step()


async def ensure_schedules() -> None:
    """Create the hourly schedule once; DBOS keeps it in its system database."""
    if await DBOS.get_schedule_async(PRUNE_SCHEDULE) is None:
        await DBOS.create_schedule_async(
            schedule_name=PRUNE_SCHEDULE,
            workflow_fn=prune_idempotency_keys_workflow,
            schedule="17 * * * *",
        )
