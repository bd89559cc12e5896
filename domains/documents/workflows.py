"""The records request deadline workflow: one per request. It sleeps, on a
durable timer that survives restarts, until the day after the request's due
date; an answer wakes it and it ends. Unanswered by then, the request is
escalated (an audit row for the organization's staff), once.
`workflow_day_seconds` is how long a day is (shorter in tests)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.documents.models import RecordsRequestStatus
from domains.documents.service import records
from graph.clock import today
from graph.db import scoped_transaction
from graph.durable import audit, long_running
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="plan_records_request_step")
async def plan_records_request_step(organization_id: str, request_id: str) -> dict[str, Any]:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        request = await records.lock(session, UUID(request_id))
        return {
            "done": request.status is not RecordsRequestStatus.OPEN or request.escalated_on is not None,
            "status": "escalated" if request.escalated_on is not None else request.status.value,
            # Escalated on the first day after the due date.
            "wait_days": max(0, (request.due_on - today()).days + 1),
        }


@DBOS.step(name="escalate_records_request_step")
async def escalate_records_request_step(organization_id: str, request_id: str) -> str:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        request = await records.escalate(session, UUID(request_id))
        if request is None:
            return "unchanged"
        audit(session, org, "recordsRequest/escalated", [encode("rrq", request.id)], {"dueOn": request.due_on.isoformat()})
        return "escalated"


@long_running(records.WORKFLOW)
async def records_request_deadline_workflow(organization_id: str, request_id: str, day_seconds: float) -> str:
    """Keep one records request's deadline until it is answered or escalated."""
    set_scope(UUID(organization_id), None)
    plan = await plan_records_request_step(organization_id, request_id)
    if plan["done"]:
        return str(plan["status"])
    if plan["wait_days"] > 0 and await DBOS.recv_async(topic=records.TOPIC, timeout_seconds=plan["wait_days"] * day_seconds):
        return "answered"
    return await escalate_records_request_step(organization_id, request_id)
