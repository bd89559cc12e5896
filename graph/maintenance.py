"""Scheduled workflows: the platform's housekeeping (pruning idempotency keys,
graph/idempotency.py) and any a domain declares with `scheduled` (late fees).
They run as DBOS workflows so a missed run is not lost to a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from dbos import DBOS

ScheduledWorkflow = Callable[[datetime, Any], Awaitable[Any]]
# schedule name → (workflow, cron), created once in DBOS's system database.
SCHEDULES: dict[str, tuple[ScheduledWorkflow, str]] = {}


def scheduled(schedule_name: str, cron: str, *, name: str) -> Callable[[ScheduledWorkflow], ScheduledWorkflow]:
    """Register a DBOS workflow `name` run on `cron` (UTC) with (scheduled time, context)."""

    def register(fn: ScheduledWorkflow) -> ScheduledWorkflow:
        workflow = DBOS.workflow(name=name)(fn)
        SCHEDULES[schedule_name] = (workflow, cron)
        return workflow

    return register


async def ensure_schedules() -> None:
    """Create each schedule once; DBOS keeps them in its system database."""
    for schedule_name, (workflow, cron) in SCHEDULES.items():
        if await DBOS.get_schedule_async(schedule_name) is None:
            await DBOS.create_schedule_async(schedule_name=schedule_name, workflow_fn=workflow, schedule=cron)
