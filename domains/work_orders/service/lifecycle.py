"""The work-order lifecycle: the state map, transitions as rows, and what the
work order's workflow does by itself (tell the requester, escalate a missed
deadline, end once nothing can happen any more).

    received → review | canceled
    review → not_responsible | estimates_requested | vendor_chosen | canceled
    not_responsible → requester_told → closed                (the workflow does these two)
    estimates_requested → estimates_received | canceled
    estimates_received → vendor_chosen | estimates_requested | canceled
    vendor_chosen → assigned | canceled
    assigned → scheduled | in_progress | review | canceled    (review: the vendor declined or was unassigned)
    scheduled → in_progress | canceled
    in_progress → work_done
    work_done → completed | completed_no_bill
    completed, completed_no_bill → review                    (reopen, within the association's window)
    closed, canceled: terminal

Every change of state goes through `move`, which checks the map
(ILLEGAL_TRANSITION otherwise) and writes the transition row in the same
transaction as the new state; nothing else writes `work_orders.status`.

Deadlines: the response deadline is met once a decision is made (the work
order leaves received/review); the completion deadline once the work is done
(work_done or any finished state). A deadline that passes unmet is escalated
once: the time is set on the work order (its `escalated` flag), a notice for
staff is recorded and an audit row written, all in one transaction of the
workflow's step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.work_orders.errors import IllegalTransition, ReopenWindowClosed, VendorRequired
from domains.work_orders.models import (
    ActorKind,
    NoticeAudience,
    NoticeEvent,
    WorkOrder,
    WorkOrderNotice,
    WorkOrderSettings,
    WorkOrderStatus,
    WorkOrderTransition,
)
from domains.work_orders.models import WorkOrderStatus as S
from graph import durable
from graph.auth.principal import Principal, PrincipalKind
from graph.db import new_id
from graph.ids import encode

WORKFLOW = "run_work_order_workflow"
TOPIC = "work_order"

STATE_MAP: dict[WorkOrderStatus, frozenset[WorkOrderStatus]] = {
    S.RECEIVED: frozenset({S.REVIEW, S.CANCELED}),
    S.REVIEW: frozenset({S.NOT_RESPONSIBLE, S.ESTIMATES_REQUESTED, S.VENDOR_CHOSEN, S.CANCELED}),
    S.NOT_RESPONSIBLE: frozenset({S.REQUESTER_TOLD}),
    S.REQUESTER_TOLD: frozenset({S.CLOSED}),
    S.ESTIMATES_REQUESTED: frozenset({S.ESTIMATES_RECEIVED, S.CANCELED}),
    S.ESTIMATES_RECEIVED: frozenset({S.VENDOR_CHOSEN, S.ESTIMATES_REQUESTED, S.CANCELED}),
    S.VENDOR_CHOSEN: frozenset({S.ASSIGNED, S.CANCELED}),
    S.ASSIGNED: frozenset({S.SCHEDULED, S.IN_PROGRESS, S.REVIEW, S.CANCELED}),
    S.SCHEDULED: frozenset({S.IN_PROGRESS, S.CANCELED}),
    S.IN_PROGRESS: frozenset({S.WORK_DONE}),
    S.WORK_DONE: frozenset({S.COMPLETED, S.COMPLETED_NO_BILL}),
    S.COMPLETED: frozenset({S.REVIEW}),
    S.COMPLETED_NO_BILL: frozenset({S.REVIEW}),
    S.CLOSED: frozenset(),
    S.CANCELED: frozenset(),
}
# Moves only the workflow makes: telling the requester, then closing.
AUTOMATIC = frozenset({S.REQUESTER_TOLD, S.CLOSED})
COMPLETED = frozenset({S.COMPLETED, S.COMPLETED_NO_BILL})
TERMINAL = frozenset(s for s, nexts in STATE_MAP.items() if not nexts)
AWAITING_RESPONSE = frozenset({S.RECEIVED, S.REVIEW})
AWAITING_COMPLETION = frozenset(
    {S.RECEIVED, S.REVIEW, S.ESTIMATES_REQUESTED, S.ESTIMATES_RECEIVED, S.VENDOR_CHOSEN, S.ASSIGNED, S.SCHEDULED, S.IN_PROGRESS}
)
# How long the workflow sleeps when no deadline is pending (an event wakes it sooner).
IDLE_SECONDS = 30 * 24 * 3600.0


def workflow_id(work_order_id: UUID) -> str:
    return f"work-order-{work_order_id}"


def actor_of(principal: Principal) -> tuple[ActorKind, UUID]:
    """Who makes a move: a user or a service account."""
    kind = ActorKind.SERVICE_ACCOUNT if principal.kind is PrincipalKind.SERVICE_ACCOUNT else ActorKind.USER
    return kind, principal.id


def allowed(status: WorkOrderStatus) -> list[str]:
    return sorted(s.value for s in STATE_MAP[status])


async def lock(session: AsyncSession, work_order_id: UUID) -> WorkOrder | None:
    """The work order, locked: its transitions take turns."""
    return await session.scalar(
        select(WorkOrder).where(WorkOrder.id == work_order_id).with_for_update().execution_options(populate_existing=True)
    )


def _notice(wo: WorkOrder, event: NoticeEvent, audience: NoticeAudience, message: str) -> WorkOrderNotice:
    return WorkOrderNotice(
        organization_id=wo.organization_id,
        association_id=wo.association_id,
        work_order_id=wo.id,
        unit_id=wo.unit_id,
        requester_user_id=wo.requester_user_id,
        event=event,
        audience=audience,
        message=message[:500],
    )


async def tell_requester(session: AsyncSession, wo: WorkOrder, event: NoticeEvent, text: str, actor: UUID) -> None:
    """A notice for whoever asked for the work, and its letter — to their party
    in the organization on their channels, else to their user — in the
    transaction of the move that calls for it: one letter per notice."""
    notice = _notice(wo, event, NoticeAudience.REQUESTER, text)
    notice.id = new_id()
    session.add(notice)
    if wo.requester_party_id is not None:
        to = await people.of_party(session, wo.requester_party_id, wo.unit_id)
    elif wo.requester_user_id is not None:
        to = await people.of_user(session, wo.requester_user_id)
    else:
        return  # an integration asked: it reads the notices
    location = wo.location or (to[0].unit_address if to and to[0].unit_address else "a common area")
    status = (S.CLOSED if event is NoticeEvent.NOT_RESPONSIBLE else wo.status).value.replace("_", " ")
    variables = {"work_order": {"title": wo.title, "location": location, "status": status, "news": text}}
    source = f"work-order:{wo.id}:{notice.id}"
    await outbox.write(
        session, wo.organization_id, wo.association_id, TemplateKind.WORK_ORDER_UPDATE, source, to, variables, actor
    )


def record(
    session: AsyncSession,
    wo: WorkOrder,
    to: WorkOrderStatus,
    actor: tuple[ActorKind, UUID],
    note: str | None,
    from_status: WorkOrderStatus | None,
) -> WorkOrderTransition:
    row = WorkOrderTransition(
        organization_id=wo.organization_id,
        association_id=wo.association_id,
        work_order_id=wo.id,
        unit_id=wo.unit_id,
        requester_user_id=wo.requester_user_id,
        from_status=from_status,
        to_status=to,
        actor_kind=actor[0],
        actor_id=actor[1],
        note=note,
        # The time of the move itself, not of its transaction: two moves in one
        # transaction (the workflow's requester_told → closed) keep their order.
        created_at=func.clock_timestamp(),
    )
    session.add(row)
    return row


async def reopen_window(session: AsyncSession, wo: WorkOrder) -> timedelta:
    days = await session.scalar(
        select(WorkOrderSettings.reopen_window_days).where(WorkOrderSettings.association_id == wo.association_id)
    )
    return timedelta(days=days or 0)


async def move(
    session: AsyncSession,
    wo: WorkOrder,
    to: WorkOrderStatus,
    actor: tuple[ActorKind, UUID],
    note: str | None = None,
    *,
    vendor_id: UUID | None = None,
    now: datetime | None = None,
) -> WorkOrderTransition:
    """Move `wo` (locked) to `to` if the state map has the arrow; the transition
    row, the new state and the notices it calls for are written together."""
    now = now or datetime.now(UTC)
    before = wo.status
    automatic = actor[0] is ActorKind.WORKFLOW
    if to not in STATE_MAP[before] or (to in AUTOMATIC and not automatic):
        raise IllegalTransition(
            f"A work order can't move from {before.value} to {to.value}.",
            field=["to"],
            details={
                "from": before.value,
                "to": to.value,
                "allowed": [s for s in allowed(before) if automatic or S(s) not in AUTOMATIC],
            },
        )
    if before in COMPLETED:
        assert wo.completed_at is not None
        if now > wo.completed_at + await reopen_window(session, wo):
            raise ReopenWindowClosed("The window for reopening this work order has passed.", field=["id"])
    if to is S.VENDOR_CHOSEN:
        if vendor_id is None:
            raise VendorRequired("Name the vendor chosen (`vendorId`).", field=["vendorId"])
        wo.vendor_id = vendor_id
    wo.status = to
    row = record(session, wo, to, actor, note, before)
    if to in COMPLETED:
        wo.completed_at = now
        await tell_requester(session, wo, NoticeEvent.COMPLETED, "The work you asked for is done.", actor[1])
    elif to is S.ASSIGNED:
        await tell_requester(session, wo, NoticeEvent.VENDOR_ASSIGNED, "A vendor has been assigned.", actor[1])
    elif before in COMPLETED:
        session.add(_notice(wo, NoticeEvent.REOPENED, NoticeAudience.STAFF, f"Reopened: {note or ''}"))
    await session.flush()
    return row


async def _escalate(session: AsyncSession, wo: WorkOrder, which: str, now: datetime) -> None:
    deadline = wo.respond_by if which == "response" else wo.complete_by
    setattr(wo, f"{which}_escalated_at", now)
    event = NoticeEvent.RESPONSE_OVERDUE if which == "response" else NoticeEvent.COMPLETION_OVERDUE
    notice = _notice(
        wo,
        event,
        NoticeAudience.STAFF,
        f"{wo.priority.value.capitalize()} work order '{wo.title}' missed its "
        f"{which} deadline ({deadline.isoformat()}); it is {wo.status.value}.",
    )
    # Both deadlines can pass before one wake-up: the transaction's now() would
    # give the two notices one time, and the list (oldest first) a random order.
    notice.created_at = func.clock_timestamp()
    session.add(notice)
    await session.flush()
    durable.audit(
        session,
        wo.organization_id,
        "workOrder/escalated",
        [encode("wo", wo.id)],
        {"deadline": which, "due": deadline.isoformat(), "status": wo.status.value, "priority": wo.priority.value},
    )


async def track(session: AsyncSession, work_order_id: UUID) -> dict[str, Any]:
    """What the workflow does at each wake-up: the automatic moves, the
    escalations due; then how long to sleep (`wait`, seconds) or that the
    lifecycle is over (`wait` None)."""
    wo = await lock(session, work_order_id)
    if wo is None:
        return {"status": "gone", "wait": None}
    now = datetime.now(UTC)
    system = (ActorKind.WORKFLOW, durable.SYSTEM_ACTOR)
    if wo.status is S.NOT_RESPONSIBLE:
        told = "This request is not the association's responsibility; it is closed."
        await tell_requester(session, wo, NoticeEvent.NOT_RESPONSIBLE, told, durable.SYSTEM_ACTOR)
        await move(session, wo, S.REQUESTER_TOLD, system, "Requester notified", now=now)
        await move(session, wo, S.CLOSED, system, None, now=now)
    if wo.status in AWAITING_RESPONSE and wo.response_escalated_at is None and now >= wo.respond_by:
        await _escalate(session, wo, "response", now)
    if wo.status in AWAITING_COMPLETION and wo.completion_escalated_at is None and now >= wo.complete_by:
        await _escalate(session, wo, "completion", now)
    await session.flush()
    if wo.status in TERMINAL:
        return {"status": wo.status.value, "wait": None}
    if wo.status in COMPLETED:
        assert wo.completed_at is not None
        ends = wo.completed_at + await reopen_window(session, wo)
        return {"status": wo.status.value, "wait": None if now >= ends else (ends - now).total_seconds()}
    pending = []
    if wo.status in AWAITING_RESPONSE and wo.response_escalated_at is None:
        pending.append(wo.respond_by)
    if wo.status in AWAITING_COMPLETION and wo.completion_escalated_at is None:
        pending.append(wo.complete_by)
    wait = (min(pending) - now).total_seconds() + 0.01 if pending else IDLE_SECONDS
    return {"status": wo.status.value, "wait": max(wait, 0.01)}
