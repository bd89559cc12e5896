"""The violation lifecycle workflow: one per violation, from its first sighting
to its end. Requests move a violation (service/violations.py checks each step)
and wake its workflow; the workflow does what time or a delivered decision
asks on its own — the cure period's end, an undelivered decision's lapse, the
decided fine's posting, each continuing fine — with durable timers that
survive restarts. Days come from the jurisdiction rules and the rule library;
`workflow_day_seconds` is how long a day is (shorter in tests)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.violations.models import TERMINAL
from domains.violations.service import fines, violations
from graph.clock import today
from graph.db import scoped_transaction
from graph.durable import audit, long_running
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope

# With nothing to wait for, look again after this many days anyway.
IDLE_DAYS = 30


@DBOS.step(name="plan_violation_step")
async def plan_violation_step(organization_id: str, violation_id: str) -> dict[str, Any]:
    """The violation's status, and what the workflow does next on its own and when."""
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        violation = await violations.lock(session, UUID(violation_id))
        action, due = violations.next_deadline(violation, await fines.next_fine_on(session, violation))
        wait = None if due is None else max(0, (due - today()).days)
        return {
            "status": violation.status.value,
            "terminal": violation.status in TERMINAL,
            "action": action,
            "due": None if due is None else due.isoformat(),
            "wait_days": wait,
        }


@DBOS.step(name="act_violation_step")
async def act_violation_step(organization_id: str, violation_id: str, action: str, due: str) -> str:
    """Do what came due, if the violation is still where the plan found it."""
    org, vid = UUID(organization_id), UUID(violation_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        if action == "fine":
            return await fines.post_decided(session, vid)
        if action == "continuing":
            return await fines.post_continuing(session, vid, date.fromisoformat(due))
        violation = await violations.lock(session, vid)
        kind, deadline = violations.next_deadline(violation, None)
        if kind != action or deadline is None or deadline.isoformat() != due:
            return violation.status.value  # moved on since the plan: nothing is due
        event = violations.end_cure_period(session, violation) if action == "cure" else violations.lapse(session, violation)
        audit(session, org, f"violation/{event.kind.value}", [encode("vio", vid)], {"status": violation.status.value, "due": due})
        return violation.status.value


@long_running(violations.WORKFLOW)
async def violation_lifecycle_workflow(organization_id: str, violation_id: str, day_seconds: float) -> str:
    """Follow one violation until it is closed or dismissed."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_violation_step(organization_id, violation_id)
        if plan["terminal"]:
            return str(plan["status"])
        if plan["action"] is not None and plan["wait_days"] == 0:
            await act_violation_step(organization_id, violation_id, plan["action"], plan["due"])
            continue
        days = IDLE_DAYS if plan["action"] is None else plan["wait_days"]
        # A durable wait: the timer survives restarts; a step of a request ends it early.
        event = await DBOS.recv_async(topic=violations.TOPIC, timeout_seconds=days * day_seconds)
        if event is None and plan["action"] is not None:
            await act_violation_step(organization_id, violation_id, plan["action"], plan["due"])
