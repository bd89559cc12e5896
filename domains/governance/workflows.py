"""The meeting workflow: one per meeting, from scheduling until it opens or
ends. Requests move a meeting (service/meetings.py checks each move against the
state map) and wake the workflow; on its own, with durable timers that survive
restarts, it lapses a meeting whose notice did not go out by the last day the
rules allow (notice_lapsed) and one noticed but never opened by the day after
it was to start (not_held). `workflow_day_seconds` is how long a day is
(shorter in tests)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.governance.models import MeetingStatus
from domains.governance.service import meetings
from graph.db import scoped_transaction
from graph.durable import audit, long_running
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope

# With nothing to wait for, look again after this many days anyway.
IDLE_DAYS = 30


@DBOS.step(name="plan_meeting_step")
async def plan_meeting_step(organization_id: str, meeting_id: str) -> dict[str, Any]:
    """The meeting's status, and what the workflow does next on its own and when."""
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        meeting = await meetings.lock(session, UUID(meeting_id))
        to, due = meetings.next_deadline(meeting)
        return {
            "status": meeting.status.value,
            # Once open the meeting runs on people's steps alone.
            "done": meeting.status in meetings.FINAL or meeting.status is MeetingStatus.IN_SESSION,
            "to": None if to is None else to.value,
            "due": None if due is None else due.isoformat(),
            "wait_days": None if due is None else max(0, (due - meetings.today()).days),
        }


@DBOS.step(name="lapse_meeting_step")
async def lapse_meeting_step(organization_id: str, meeting_id: str, to: str, due: str) -> str:
    """Make the automatic move, if the meeting is still where the plan found it."""
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        meeting = await meetings.lock(session, UUID(meeting_id))
        planned, deadline = meetings.next_deadline(meeting)
        if planned is None or planned.value != to or deadline != date.fromisoformat(due):
            return meeting.status.value  # moved on since the plan: nothing is due
        before = meeting.status
        meetings.move(session, meeting, MeetingStatus(to), None, f"Nothing happened by {due}.")
        audit(session, org, f"meeting/{to}", [encode("mtg", meeting.id)], {"from": before.value, "to": to, "due": due})
        return to


@long_running(meetings.WORKFLOW)
async def meeting_workflow(organization_id: str, meeting_id: str, day_seconds: float) -> str:
    """Follow one meeting until it opens or ends."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_meeting_step(organization_id, meeting_id)
        if plan["done"]:
            return str(plan["status"])
        if plan["to"] is not None and plan["wait_days"] == 0:
            await lapse_meeting_step(organization_id, meeting_id, plan["to"], plan["due"])
            continue
        days = IDLE_DAYS if plan["to"] is None else plan["wait_days"]
        # A durable wait: the timer survives restarts; a step of a request ends it early.
        event = await DBOS.recv_async(topic=meetings.TOPIC, timeout_seconds=days * day_seconds)
        if event is None and plan["to"] is not None:
            await lapse_meeting_step(organization_id, meeting_id, plan["to"], plan["due"])
