"""Scheduled workflows: housekeeping here, and any a domain declares with
`scheduled` (late fees). They run as DBOS workflows so a missed run is not lost
to a restart. Idempotency keys are pruned once they are past their retention
(never before 24 hours; the SQL function enforces the floor too)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from dbos import DBOS
from sqlalchemy import text

from graph.platform import current_platform

PRUNE_SCHEDULE = "prune-idempotency-keys"
ScheduledWorkflow = Callable[[datetime, Any], Coroutine[Any, Any, Any]]
# schedule name → (workflow, cron), created once in DBOS's system database.
SCHEDULES: dict[str, tuple[ScheduledWorkflow, str]] = {}


def scheduled(schedule_name: str, cron: str, *, name: str) -> Callable[[ScheduledWorkflow], ScheduledWorkflow]:
    """Register a DBOS workflow `name` run on `cron` (UTC) with (scheduled time, context)."""

    def register(fn: ScheduledWorkflow) -> ScheduledWorkflow:
        workflow = DBOS.workflow(name=name)(fn)
        SCHEDULES[schedule_name] = (workflow, cron)
        return workflow

    return register


@DBOS.step(name="prune_idempotency_keys_step")
async def prune_idempotency_keys_step() -> int:
    platform = current_platform()
    async with platform.sessions() as session, session.begin():
        pruned = await session.scalar(
            text("SELECT prune_idempotency_keys(make_interval(hours => :hours))"),
            {"hours": platform.settings.idempotency_retention_hours},
        )
    return int(pruned or 0)


@scheduled(PRUNE_SCHEDULE, "17 * * * *", name="prune_idempotency_keys_workflow")
async def prune_idempotency_keys_workflow(scheduled_at: datetime, context: Any) -> int:
    return await prune_idempotency_keys_step()


async def ensure_schedules() -> None:
    """Create each schedule once; DBOS keeps them in its system database."""
    for schedule_name, (workflow, cron) in SCHEDULES.items():
        if await DBOS.get_schedule_async(schedule_name) is None:
            await DBOS.create_schedule_async(schedule_name=schedule_name, workflow_fn=workflow, schedule=cron)
