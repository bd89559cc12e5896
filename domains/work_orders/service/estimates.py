"""Estimates on the association's side: each revision a provider sends through
a dispatch, copied here by the dispatch workflow (same id as the provider's),
and the association's decision on it.

A new revision supersedes the one still awaiting a decision; every revision is
kept. Approving one chooses its vendor when the work order is still collecting
estimates (the caller then moves the work order and withdraws the other
vendors' jobs); the decision goes back to the provider as an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.models import EstimateStatus
from domains.jobs.service.estimates import decide_copy, line_values, supersede, total
from domains.jobs.service.jobs import CUSTOMER_TOPIC
from domains.work_orders.models import (
    ActorKind,
    WorkOrder,
    WorkOrderDispatch,
    WorkOrderEstimate,
    WorkOrderEstimateLine,
    WorkOrderStatus,
)
from domains.work_orders.service import lifecycle
from graph import durable
from graph.db import new_id
from graph.pages import Page, page_statement

# Work orders still collecting estimates: approving one chooses its vendor.
COLLECTING = frozenset({WorkOrderStatus.ESTIMATES_REQUESTED, WorkOrderStatus.ESTIMATES_RECEIVED})


async def receive(session: AsyncSession, wo: WorkOrder, dispatch: WorkOrderDispatch, sent: dict[str, Any]) -> bool:
    """Copy a revision the provider sent (once: a re-run of the workflow's step
    finds it by id) and, for a work order waiting for estimates, move it to
    estimates_received as the workflow. True if the work order moved."""
    values = line_values(sent["lines"])
    if total(values) != Decimal(sent["total"]):
        raise ValueError(f"estimate {sent['id']}: lines and total disagree")
    made = await session.scalar(
        insert(WorkOrderEstimate)
        .values(
            id=UUID(sent["id"]),
            organization_id=wo.organization_id,
            association_id=wo.association_id,
            work_order_id=wo.id,
            dispatch_id=dispatch.id,
            vendor_id=dispatch.vendor_id,
            revision=sent["revision"],
            status=EstimateStatus.SUBMITTED,
            total=Decimal(sent["total"]),
            note=sent.get("note"),
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(WorkOrderEstimate.id)
    )
    if made is None:
        return False
    await session.execute(
        insert(WorkOrderEstimateLine),
        [
            {"id": new_id(), "organization_id": wo.organization_id, "association_id": wo.association_id, "estimate_id": made} | v
            for v in values
        ],
    )
    await supersede(session, WorkOrderEstimate, WorkOrderEstimate.dispatch_id == dispatch.id, sent["revision"])
    if wo.status is WorkOrderStatus.ESTIMATES_REQUESTED:
        note = f"Estimate of {sent['total']} received (revision {sent['revision']})"
        await lifecycle.move(session, wo, WorkOrderStatus.ESTIMATES_RECEIVED, (ActorKind.WORKFLOW, durable.SYSTEM_ACTOR), note)
        return True
    return False


async def lock(session: AsyncSession, estimate_id: UUID) -> WorkOrderEstimate | None:
    return await session.scalar(
        select(WorkOrderEstimate)
        .where(WorkOrderEstimate.id == estimate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def decide(session: AsyncSession, estimate: WorkOrderEstimate, status: EstimateStatus, note: str | None, by: UUID) -> None:
    """Approve or decline a revision awaiting a decision (`estimate` locked); the
    provider hears of it once this commits (`decide_copy` says what is refused)."""
    estimate.decided_by = by
    event = await decide_copy(session, WorkOrderEstimate, estimate, status, note)
    # The provider's copy takes the decision through the dispatch workflow: an event, never a shared row.
    dispatch_workflow = await session.scalar(
        select(WorkOrderDispatch.workflow_id).where(WorkOrderDispatch.id == estimate.dispatch_id)
    )
    assert dispatch_workflow is not None
    durable.send_after_commit(session, dispatch_workflow, CUSTOMER_TOPIC, event)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WorkOrderEstimate], Page]:
    """A work order's estimates, oldest first (every vendor, every revision)."""
    p = Page(data.first, data.after, "created_at")
    where = [visible, WorkOrderEstimate.work_order_id == data.work_order_id]
    if data.status is not None:
        where.append(WorkOrderEstimate.status == data.status)
    return (await session.scalars(page_statement(WorkOrderEstimate, p, where))).all(), p


async def lines_of(session: AsyncSession, estimate_ids: Sequence[UUID]) -> Sequence[WorkOrderEstimateLine]:
    return (
        await session.scalars(
            select(WorkOrderEstimateLine)
            .where(WorkOrderEstimateLine.estimate_id.in_(estimate_ids))
            .order_by(WorkOrderEstimateLine.estimate_id, WorkOrderEstimateLine.line_no)
        )
    ).all()
