"""Dispatch: a work order assigned to a vendor that is a service-provider
organization becomes a job in that organization.

The two organizations never share a row. This side keeps a dispatch record
(which vendor, which job, what the provider answered); the provider's side
keeps the job. The dispatch workflow writes the job as the platform, in the
provider's scope, with what the provider needs and nothing else of the
association (scope, site, a contact line, priority); the provider's answers
come back as events (DBOS send/recv) that this module applies to the dispatch
and the work order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association, Unit
from domains.jobs.service.jobs import CUSTOMER_TOPIC
from domains.payables.models import Vendor
from domains.work_orders.models import (
    ActorKind,
    DispatchStatus,
    WorkOrder,
    WorkOrderDispatch,
    WorkOrderStatus,
)
from domains.work_orders.service import estimates, invoices, lifecycle
from graph import durable
from graph.db import new_id
from graph.ids import encode

WORKFLOW = "dispatch_work_order_workflow"
FINAL = frozenset({DispatchStatus.DECLINED, DispatchStatus.WORK_DONE, DispatchStatus.CANCELED})
# Where the dispatch workflow stops listening: the provider declined or the job
# was withdrawn. Finished work still waits for the provider's invoice.
ENDED = frozenset({DispatchStatus.DECLINED, DispatchStatus.CANCELED})
# What the provider's answer does to the work order (if the state map allows it from where it is).
MOVES = {
    DispatchStatus.DECLINED: WorkOrderStatus.REVIEW,
    DispatchStatus.SCHEDULED: WorkOrderStatus.SCHEDULED,
    DispatchStatus.IN_PROGRESS: WorkOrderStatus.IN_PROGRESS,
    DispatchStatus.WORK_DONE: WorkOrderStatus.WORK_DONE,
}


def workflow_id(dispatch_id: UUID) -> str:
    return f"work-order-dispatch-{dispatch_id}"


async def create(session: AsyncSession, wo: WorkOrder, vendor_id: UUID | None) -> WorkOrderDispatch | None:
    """A dispatch of `wo` to a vendor, if the vendor is a provider on the
    platform (a plain payee gets no job: the staff deal with it outside)."""
    vendor = await session.get(Vendor, vendor_id) if vendor_id else None
    if vendor is None or vendor.provider_organization_id is None:
        return None
    dispatch_id = new_id()
    row = WorkOrderDispatch(
        id=dispatch_id,
        organization_id=wo.organization_id,
        association_id=wo.association_id,
        work_order_id=wo.id,
        vendor_id=vendor.id,
        provider_organization_id=vendor.provider_organization_id,
        status=DispatchStatus.SENT,
        workflow_id=workflow_id(dispatch_id),
    )
    session.add(row)
    await session.flush()
    return row


async def open_of(session: AsyncSession, work_order_id: UUID) -> Sequence[WorkOrderDispatch]:
    """The work order's dispatches still running."""
    return (
        await session.scalars(
            select(WorkOrderDispatch).where(
                WorkOrderDispatch.work_order_id == work_order_id, WorkOrderDispatch.status.not_in(FINAL)
            )
        )
    ).all()


async def cancel(session: AsyncSession, rows: Sequence[WorkOrderDispatch]) -> None:
    for row in rows:
        row.status = DispatchStatus.CANCELED
    await session.flush()


async def follow(
    session: AsyncSession, wo: WorkOrder, to: WorkOrderStatus, vendor_ids: Sequence[UUID] = ()
) -> tuple[list[WorkOrderDispatch], list[WorkOrderDispatch]]:
    """What a move of `wo` to `to` does to its dispatches, once this transaction
    commits: the new ones' workflows start (sending their jobs), the withdrawn
    ones' are told (canceling their jobs). Returns (new, withdrawn).

    Asking vendors for estimates sends each provider among them a job; assigning
    the vendor sends it one unless it already has one running (the job it
    estimated goes on); choosing a vendor withdraws the others' jobs; sending the
    work order back to review, or canceling it, withdraws every job."""
    running = await open_of(session, wo.id)
    has_job = {d.vendor_id for d in running}
    if to is WorkOrderStatus.ESTIMATES_REQUESTED or to is WorkOrderStatus.ASSIGNED:
        wanted = vendor_ids if to is WorkOrderStatus.ESTIMATES_REQUESTED else [wo.vendor_id]
        new = []
        for vendor_id in dict.fromkeys(wanted):
            if vendor_id not in has_job:
                made = await create(session, wo, vendor_id)
                new += [made] if made else []
        for dispatch in new:
            durable.start_after_commit(
                session, WORKFLOW, dispatch.workflow_id, str(wo.organization_id), str(dispatch.id), recorded_in=wo.organization_id
            )
        return new, []
    if to is WorkOrderStatus.VENDOR_CHOSEN:
        withdrawn = [d for d in running if d.vendor_id != wo.vendor_id]
    elif to in (WorkOrderStatus.CANCELED, WorkOrderStatus.REVIEW):
        withdrawn = list(running)
    else:
        return [], []
    await cancel(session, withdrawn)
    for dispatch in withdrawn:
        durable.send_after_commit(session, dispatch.workflow_id, CUSTOMER_TOPIC, {"status": "canceled"})
    return [], withdrawn


def summary(new: Sequence[WorkOrderDispatch], withdrawn: Sequence[WorkOrderDispatch]) -> dict[str, Any]:
    """What `follow` did, for the audit row."""
    return ({"dispatchIds": [str(d.id) for d in new]} if new else {}) | (
        {"withdrawnDispatchIds": [str(d.id) for d in withdrawn]} if withdrawn else {}
    )


async def job_of(session: AsyncSession, dispatch_id: UUID) -> tuple[UUID, dict[str, Any]]:
    """The provider's organization and what its job carries: the work order's
    scope, site and priority, the association's name and a contact line."""
    dispatch = await session.get(WorkOrderDispatch, dispatch_id)
    assert dispatch is not None
    wo = await session.get(WorkOrder, dispatch.work_order_id)
    association = await session.get(Association, dispatch.association_id)
    assert wo is not None and association is not None
    if wo.unit_id is not None:
        unit = await session.get(Unit, wo.unit_id)
        assert unit is not None
        site = f"{unit.street}, unit {unit.unit_number}, {unit.city}, {unit.region} {unit.postal_code}"
    else:
        site = f"{wo.location} (common area of {association.legal_name})"
    return dispatch.provider_organization_id, {
        "customer_organization_id": dispatch.organization_id,
        "customer_name": association.legal_name,
        "customer_workflow_id": dispatch.workflow_id,
        "title": wo.title,
        "description": wo.description,
        "site": site[:400],
        "contact": f"{association.legal_name}, work order {encode('wo', wo.id)}"[:400],
        "priority": wo.priority.value,
    }


async def apply(session: AsyncSession, dispatch_id: UUID, event: dict[str, Any], remind_after_seconds: float) -> dict[str, Any]:
    """Record the provider's answer on the dispatch (a move of its job, an
    estimate, or an invoice, entered in payables with an approval workflow
    reminding after `remind_after_seconds`) and move the work order on (as the
    workflow) where the state map allows; an answer that no longer fits (the
    staff moved the work order meanwhile, or canceled it) is recorded only. An
    invoice's outcome comes back as `invoice`, the provider's answer."""
    dispatch = await session.scalar(select(WorkOrderDispatch).where(WorkOrderDispatch.id == dispatch_id).with_for_update())
    assert dispatch is not None
    wo = await lifecycle.lock(session, dispatch.work_order_id)
    assert wo is not None
    if dispatch.status is DispatchStatus.CANCELED:
        return {"status": dispatch.status.value, "workOrderWorkflowId": wo.workflow_id, "moved": False}
    if "estimate" in event:
        moved = await estimates.receive(session, wo, dispatch, event["estimate"])
        return {"status": dispatch.status.value, "workOrderWorkflowId": wo.workflow_id, "moved": moved}
    if "invoice" in event:
        received = await invoices.receive(session, wo, dispatch, event["invoice"], remind_after_seconds)
        return {
            "status": dispatch.status.value,
            "workOrderWorkflowId": wo.workflow_id,
            "moved": received["moved"],
            "invoice": received["answer"],
        }
    status = DispatchStatus(event["status"])
    dispatch.status = status
    dispatch.provider_note = event.get("note")
    if event.get("scheduledFor"):
        dispatch.scheduled_for = datetime.fromisoformat(event["scheduledFor"])
    to = MOVES.get(status)
    moved = False
    if to is not None and to in lifecycle.STATE_MAP[wo.status] and not (to is WorkOrderStatus.SCHEDULED and wo.status is to):
        note = f"Provider: {status.value}" + (f" — {event['note']}" if event.get("note") else "")
        await lifecycle.move(session, wo, to, (ActorKind.WORKFLOW, durable.SYSTEM_ACTOR), note[:1000])
        moved = True
    await session.flush()
    return {"status": status.value, "workOrderWorkflowId": wo.workflow_id, "moved": moved}


async def of_work_orders(session: AsyncSession, ids: Sequence[UUID], visible: ColumnElement[bool]) -> Sequence[WorkOrderDispatch]:
    return (
        await session.scalars(
            select(WorkOrderDispatch)
            .where(WorkOrderDispatch.work_order_id.in_(ids), visible)
            .order_by(WorkOrderDispatch.work_order_id, WorkOrderDispatch.created_at, WorkOrderDispatch.id)
        )
    ).all()
