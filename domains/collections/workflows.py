"""Collections' durable processes: the nightly run (a DBOS schedule, and
`collectionCase/v1/run`), one workflow per association and night with a step
per unit; and each case's workflow from the notice of intent on, which keeps
the statutory wait and the policy's wait on durable timers and takes the
board's approvals as events (service/cases.py says what each step does).
`workflow_day_seconds` is how long a day is (shorter in tests)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID

from domains.collections.service import cases
from graph import durable
from graph.db import scoped_transaction
from graph.durable import long_running, pending, perform
from graph.errors import AppError
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)

# With nothing due (awaiting the board, suspended), look again after this many days anyway.
IDLE_DAYS = 30


@DBOS.step(name="collection_units_step")
async def collection_units_step(organization_id: str, association_id: str, night: str) -> list[str]:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        return [str(u) for u in await cases.units_to_visit(session, UUID(association_id), date.fromisoformat(night))]


@DBOS.step(name="advance_collection_step")
async def advance_collection_step(
    organization_id: str, association_id: str, unit_id: str, night: str, day_seconds: float
) -> dict[str, Any]:
    """One unit's move tonight, in one transaction; the workflow starts or wakes it asks for."""
    org = UUID(organization_id)
    platform = current_platform()
    try:
        async with scoped_transaction(platform.sessions, org, None) as session:
            moved = await cases.advance(session, org, UUID(association_id), UUID(unit_id), date.fromisoformat(night), day_seconds)
            actions = pending(session)
    except AppError as err:  # e.g. the unit has no owner to write to, or the month is closed: skip it tonight
        log.warning("collections: unit %s not moved on %s: %s", unit_id, night, err.code)
        return {"moved": None, "error": err.code, "pending": []}
    # Test-only: the unit's move is committed, the step not yet recorded.
    settings = platform.settings
    await durable.pause_for_crash_test(settings.collections_crash_pause_file, settings.environment, unit_id)
    return {"moved": moved, "pending": actions}


@long_running(cases.RUN_WORKFLOW)
async def run_collections_workflow(organization_id: str, association_id: str, night: str, day_seconds: float) -> dict[str, int]:
    """One association's run for one night: each unit moved once at most."""
    set_scope(UUID(organization_id), None)
    moved: dict[str, int] = {}
    for unit_id in await collection_units_step(organization_id, association_id, night):
        result = await advance_collection_step(organization_id, association_id, unit_id, night, day_seconds)
        await perform(result["pending"])
        if result["moved"] is not None:
            moved[result["moved"]] = moved.get(result["moved"], 0) + 1
    return moved


@DBOS.step(name="collection_targets_step")
async def collection_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await cases.targets(session)]


@scheduled(cases.SCHEDULE, "45 6 * * *", name="run_collections_nightly_workflow")
async def run_collections_nightly_workflow(scheduled_at: datetime, context: Any) -> int:
    """Every night, after late fees and the payment plans' review: each association's run."""
    night = scheduled_at.date()
    day_seconds = current_platform().settings.workflow_day_seconds
    runs = 0
    for organization_id, association_id in await collection_targets_step():
        with SetWorkflowID(cases.run_id(UUID(association_id), night)):
            handle = await DBOS.start_workflow_async(
                run_collections_workflow, organization_id, association_id, night.isoformat(), day_seconds
            )
        await handle.get_result()
        runs += 1
    return runs


@DBOS.step(name="plan_collection_case_step")
async def plan_collection_case_step(organization_id: str, case_id: str) -> dict[str, Any]:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        return cases.plan(await cases.lock(session, UUID(case_id)))


@DBOS.step(name="act_collection_case_step")
async def act_collection_case_step(organization_id: str, case_id: str, action: str, expected: str, day_seconds: float) -> str:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        return await cases.act(session, UUID(case_id), action, expected, day_seconds)


@long_running(cases.WORKFLOW)
async def collection_case_workflow(organization_id: str, case_id: str, day_seconds: float) -> str:
    """Follow one case from its notice of intent until it is referred or closed."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_collection_case_step(organization_id, case_id)
        if plan["terminal"]:
            return str(plan["status"])
        if plan["action"] is not None and plan["wait_seconds"] == 0:
            await act_collection_case_step(organization_id, case_id, plan["action"], plan["status"], day_seconds)
            continue
        timeout = plan["wait_seconds"] if plan["action"] is not None else IDLE_DAYS * day_seconds
        # A durable wait: the timer survives restarts; an approval or the nightly run's exit ends it early.
        await DBOS.recv_async(topic=cases.TOPIC, timeout_seconds=timeout)
