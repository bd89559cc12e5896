"""The meeting workflow and the election workflow.

The meeting workflow: one per meeting, from scheduling until it opens or
ends. Requests move a meeting (service/meetings.py checks each move against the
state map) and wake the workflow; on its own, with durable timers that survive
restarts, it lapses a meeting whose notice did not go out by the last day the
rules allow (notice_lapsed) and one noticed but never opened by the day after
it was to start (not_held). `workflow_day_seconds` is how long a day is
(shorter in tests).

The election workflow: one per election, from the call to certification.
On durable timers it closes nominations and opens voting (or cancels an
election nobody stood for), then closes the ballot box when the window ends;
woken by the inspector's request, it counts the ballots, in one step whose
transaction writes every result or none, so a crash during the count is
recovered by counting again, once. Certification is the inspector's
request."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.governance.models import ElectionStatus, MeetingStatus
from domains.governance.service import elections, meetings
from graph.clock import today
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
            "wait_days": None if due is None else max(0, (due - today()).days),
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


@DBOS.step(name="plan_election_step")
async def plan_election_step(organization_id: str, election_id: str) -> dict[str, Any]:
    """The election's status, and how long until the workflow moves it by itself."""
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        election = await elections.lock(session, UUID(election_id))
        due = elections.next_due(election)
        return {
            "status": election.status.value,
            "done": election.status in elections.FINAL,
            "wait_seconds": None if due is None else max(0.0, (due - elections.now()).total_seconds()),
        }


@DBOS.step(name="advance_election_step")
async def advance_election_step(organization_id: str, election_id: str, status: str) -> str:
    """Make the automatic move from `status` (nominations close, the box closes,
    the count), if the election is still there; one transaction."""
    org = UUID(organization_id)
    platform = current_platform()
    async with scoped_transaction(platform.sessions, org, None) as session:
        election = await elections.lock(session, UUID(election_id))
        if election.status.value != status:
            return election.status.value  # moved on since the plan
        summary: dict[str, Any] = {"from": status}
        if election.status is ElectionStatus.NOMINATING:
            await elections.open_voting(session, election)
            summary["eligibleUnits"] = election.eligible_units
        elif election.status is ElectionStatus.VOTING:
            summary["ballots"] = await elections.close(session, election, platform.sealer)
        else:
            results = await elections.tally(session, election)
            summary["elected"] = [str(r.candidate_id) for r in results if r.elected]
        summary["to"] = election.status.value
        audit(session, org, f"election/{election.status.value}", [encode("elc", election.id)], summary)
        return election.status.value


@long_running(elections.WORKFLOW)
async def election_workflow(organization_id: str, election_id: str) -> str:
    """Follow one election from the call to certification."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_election_step(organization_id, election_id)
        if plan["done"]:
            return str(plan["status"])
        wait = plan["wait_seconds"]
        if wait is not None and wait <= 0:
            await advance_election_step(organization_id, election_id, plan["status"])
            continue
        # A durable wait: the timer survives restarts; the inspector's requests end it early.
        event = await DBOS.recv_async(topic=elections.TOPIC, timeout_seconds=IDLE_DAYS * 86400 if wait is None else wait)
        if event is None and wait is not None:
            await advance_election_step(organization_id, election_id, plan["status"])
