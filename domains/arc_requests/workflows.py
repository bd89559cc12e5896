"""The ARC request deadline workflow: one per request. It waits, on a durable
timer that survives restarts, for the day after the decision deadline; a step
of a request (a decision, a request for more information, a reply that moves
the deadline) wakes it to look again. When the deadline passes undecided, the
request is deemed approved where the rules say so (service/requests.py).
`workflow_day_seconds` is how long a day is (shorter in tests)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.arc_requests.models import ENDED, UNDECIDED
from domains.arc_requests.service import requests
from graph.clock import today
from graph.db import scoped_transaction
from graph.durable import audit, long_running, pending, perform
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope

# With nothing to wait for (a paused clock, a decided request), look again after this many days anyway.
IDLE_DAYS = 30


@DBOS.step(name="plan_arc_request_step")
async def plan_arc_request_step(organization_id: str, request_id: str) -> dict[str, Any]:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        request = await requests.lock(session, UUID(request_id))
        due = await requests.pending_deadline(session, request)
        return {
            "status": request.status.value,
            # Decided requests have no deadline left to keep: the workflow's job is done.
            "done": request.status in ENDED or (request.status not in UNDECIDED),
            "due": None if due is None else due.isoformat(),
            "wait_days": None if due is None else max(0, (due - today()).days),
        }


@DBOS.step(name="arc_request_deadline_step")
async def arc_request_deadline_step(organization_id: str, request_id: str, due: str) -> tuple[str, list[dict[str, Any]]]:
    """The deadline kept: the request's status after it, and the deliveries of a
    deemed approval's letters to start."""
    org, rid = UUID(organization_id), UUID(request_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        event = await requests.deadline_passed(session, rid, date.fromisoformat(due))
        if event is not None:
            audit(
                session,
                org,
                f"arcRequest/{event.kind.value}",
                [encode("arc", rid)],
                {"decisionDueBy": event.details["decisionDueBy"]},
            )
        return (event.to_status.value if event is not None else "unchanged"), pending(session)


@long_running(requests.WORKFLOW)
async def arc_request_deadline_workflow(organization_id: str, request_id: str, day_seconds: float) -> str:
    """Keep one request's decision deadline until it is decided."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_arc_request_step(organization_id, request_id)
        if plan["done"]:
            return str(plan["status"])
        if plan["due"] is not None and plan["wait_days"] == 0:
            await perform((await arc_request_deadline_step(organization_id, request_id, plan["due"]))[1])
            continue
        days = IDLE_DAYS if plan["due"] is None else plan["wait_days"]
        event = await DBOS.recv_async(topic=requests.TOPIC, timeout_seconds=days * day_seconds)
        if event is None and plan["due"] is not None:
            await perform((await arc_request_deadline_step(organization_id, request_id, plan["due"]))[1])
