"""Opening work orders, reading them in pages and batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Ownership, Resident
from domains.associations.service.access import current
from domains.documents.service import documents
from domains.work_orders.models import (
    OPEN,
    ActorKind,
    PartyRelation,
    RequesterKind,
    WorkOrder,
    WorkOrderComment,
    WorkOrderNotice,
    WorkOrderParty,
    WorkOrderStatus,
)
from domains.work_orders.service import lifecycle, settings
from graph.db import new_id
from graph.pages import Page, page_statement


def draft(
    organization_id: UUID, data: Any, kind: RequesterKind, user_id: UUID | None, party_id: UUID | None, by: UUID
) -> WorkOrder:
    """The work order `data` asks for, not yet written: what the policies decide
    whether the caller may open (its unit, association, requester)."""
    wo_id = new_id()
    return WorkOrder(
        id=wo_id,
        organization_id=organization_id,
        association_id=data.association_id,
        unit_id=data.unit_id,
        location=data.location,
        title=data.title,
        description=data.description,
        category_id=data.category_id,
        priority=data.priority,
        status=WorkOrderStatus.RECEIVED,
        requester_kind=kind,
        requester_user_id=user_id,
        requester_party_id=party_id,
        document_ids=list(data.document_ids),
        workflow_id=lifecycle.workflow_id(wo_id),
        created_by=by,
    )


async def open_(session: AsyncSession, wo: WorkOrder, actor: tuple[ActorKind, UUID]) -> int:
    """Write `wo` with its deadlines (from the association's settings), its
    opening transition and, for a unit, links to the unit's current owners and
    residents; returns how many parties were linked."""
    await documents.referenced(session, wo.document_ids, wo.association_id, "documentIds")
    now = datetime.now(UTC)
    respond, complete = settings.deadlines(await settings.of(session, wo.organization_id, wo.association_id), wo.priority)
    wo.respond_by, wo.complete_by = now + respond, now + complete
    session.add(wo)
    lifecycle.record(session, wo, WorkOrderStatus.RECEIVED, actor, None, None)
    await session.flush()
    if wo.unit_id is None:
        return 0
    linked = 0
    for model, relation, starts, ends in (
        (Ownership, PartyRelation.OWNER, Ownership.starts_on, Ownership.ends_on),
        (Resident, PartyRelation.RESIDENT, Resident.moved_in_on, Resident.moved_out_on),
    ):
        parties = (
            select(
                literal(wo.organization_id),
                literal(wo.association_id),
                literal(wo.id),
                model.party_id,
                literal(relation.value).cast(WorkOrderParty.relation.type),
            )
            .where(model.unit_id == wo.unit_id, current(starts, ends))
            .distinct()
        )
        result = await session.execute(
            insert(WorkOrderParty)
            .from_select(["organization_id", "association_id", "work_order_id", "party_id", "relation"], parties)
            .on_conflict_do_nothing()
        )
        linked += result.rowcount or 0  # type: ignore[attr-defined]
    return linked


def list_filters(data: Any, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """`workOrder/v1/list`'s filters, as its resolver and the compiled read apply them."""
    where: list[ColumnElement[bool]] = [visible]
    if data.association_id is not None:
        where.append(WorkOrder.association_id == data.association_id)
    if data.unit_id is not None:
        where.append(WorkOrder.unit_id == data.unit_id)
    if data.status is not None:
        where.append(WorkOrder.status == data.status)
    if data.open is not None:
        where.append(WorkOrder.status.in_(OPEN) if data.open else WorkOrder.status.not_in(OPEN))
    if data.priority is not None:
        where.append(WorkOrder.priority == data.priority)
    if data.escalated is not None:
        where.append(WorkOrder.escalated.is_(data.escalated))
    if data.vendor_id is not None:
        where.append(WorkOrder.vendor_id == data.vendor_id)
    return where


def page_of(data: Any) -> Page:
    """Newest first."""
    return Page(data.first, data.after, "created_at", descending=True)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WorkOrder], Page]:
    """Work orders newest first: the page `data` asks for, of the rows `visible` admits."""
    p = page_of(data)
    return (await session.scalars(page_statement(WorkOrder, p, list_filters(data, visible)))).all(), p


async def linked_parties(session: AsyncSession, work_order_id: UUID) -> Sequence[WorkOrderParty]:
    return (
        await session.scalars(
            select(WorkOrderParty).where(WorkOrderParty.work_order_id == work_order_id).order_by(WorkOrderParty.relation)
        )
    ).all()


async def comments_of(session: AsyncSession, ids: Sequence[UUID], visible: ColumnElement[bool]) -> Sequence[WorkOrderComment]:
    """The comments of these work orders that `visible` admits, oldest first."""
    return (
        await session.scalars(
            select(WorkOrderComment)
            .where(WorkOrderComment.work_order_id.in_(ids), visible)
            .order_by(WorkOrderComment.work_order_id, WorkOrderComment.created_at, WorkOrderComment.id)
        )
    ).all()


async def comment_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WorkOrderComment], Page]:
    p = Page(data.first, data.after, "created_at")
    where = [visible, WorkOrderComment.work_order_id == data.work_order_id]
    if data.visibility is not None:
        where.append(WorkOrderComment.visibility == data.visibility)
    return (await session.scalars(page_statement(WorkOrderComment, p, where))).all(), p


def comment(wo: WorkOrder, data: Any, by: UUID) -> WorkOrderComment:
    return WorkOrderComment(
        organization_id=wo.organization_id,
        association_id=wo.association_id,
        work_order_id=wo.id,
        unit_id=wo.unit_id,
        requester_user_id=wo.requester_user_id,
        body=data.body,
        visibility=data.visibility,
        author_id=by,
    )


async def add_comment(session: AsyncSession, row: WorkOrderComment) -> None:
    session.add(row)
    await session.flush()


async def feedback(session: AsyncSession, wo: WorkOrder, score: int, note: str | None) -> None:
    wo.feedback_score, wo.feedback_note = score, note
    await session.flush()


async def notices_of(session: AsyncSession, ids: Sequence[UUID], visible: ColumnElement[bool]) -> Sequence[WorkOrderNotice]:
    """The notices of these work orders that `visible` admits, oldest first."""
    return (
        await session.scalars(
            select(WorkOrderNotice)
            .where(WorkOrderNotice.work_order_id.in_(ids), visible)
            .order_by(WorkOrderNotice.work_order_id, WorkOrderNotice.created_at, WorkOrderNotice.id)
        )
    ).all()
