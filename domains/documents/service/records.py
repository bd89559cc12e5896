"""Records requests: an owner asks to inspect the association's records; the
association answers within `records_request_business_days` business days of
the request (a jurisdiction rule: CA Civil Code §5210(b)(1), 10; governing
documents may shorten it), by giving documents of its library or denying it,
once. A durable workflow per request escalates it, once, if the deadline
passes unanswered. Business days are Monday to Friday (holidays are not on file)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.documents.errors import RecordsRequestClosed
from domains.documents.models import RecordsRequest, RecordsRequestStatus
from domains.documents.service import documents
from domains.jurisdictions.service import rules as jurisdiction_rules
from graph.clock import today
from graph.db import new_id
from graph.errors import NotFound
from graph.pages import Page, page_statement

WORKFLOW = "records_request_deadline_workflow"
TOPIC = "records_request"
RULE = "records_request_business_days"


def add_business_days(start: date, days: int) -> date:
    """The business day `days` business days after `start` (Saturdays and Sundays skipped)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


async def submit(
    session: AsyncSession, organization_id: UUID, association: Association, description: str, by: UUID
) -> RecordsRequest:
    on = today()
    jurisdiction, effective = await jurisdiction_rules.effective(session, association, on)
    used = jurisdiction_rules.snapshot(jurisdiction, on, effective)
    rid = new_id()
    request = RecordsRequest(
        id=rid,
        organization_id=organization_id,
        association_id=association.id,
        requested_by=by,
        description=description,
        status=RecordsRequestStatus.OPEN,
        submitted_on=on,
        due_on=add_business_days(on, int(used["rules"][RULE]["value"])),
        rules_used=used,
        document_ids=[],
        workflow_id=f"records-request-{rid}",
    )
    session.add(request)
    await session.flush()
    return request


async def lock(session: AsyncSession, request_id: UUID) -> RecordsRequest:
    row = await session.scalar(
        select(RecordsRequest).where(RecordsRequest.id == request_id).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound("No records request with this id is visible to you.", field=["id"])
    return row


def _open(request: RecordsRequest) -> None:
    if request.status is not RecordsRequestStatus.OPEN:
        raise RecordsRequestClosed(f"This request was already {request.status.value}.", field=["id"])


async def fulfill(
    session: AsyncSession, request: RecordsRequest, document_ids: Sequence[UUID], note: str | None, by: UUID
) -> None:
    _open(request)
    await documents.referenced(session, document_ids, request.association_id, "documentIds")
    request.status = RecordsRequestStatus.FULFILLED
    request.document_ids = list(document_ids)
    request.answer = note
    request.answered_on, request.answered_by = today(), by
    await session.flush()


async def deny(session: AsyncSession, request: RecordsRequest, reason: str, by: UUID) -> None:
    _open(request)
    request.status = RecordsRequestStatus.DENIED
    request.answer = reason
    request.answered_on, request.answered_by = today(), by
    await session.flush()


async def escalate(session: AsyncSession, request_id: UUID) -> RecordsRequest | None:
    """Mark an unanswered request escalated, once; None when there is nothing to do."""
    request = await lock(session, request_id)
    if request.status is not RecordsRequestStatus.OPEN or request.escalated_on is not None:
        return None
    request.escalated_on = today()
    await session.flush()
    return request


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[RecordsRequest], Page]:
    page = Page(data.first, data.after, "submitted_on", descending=True)
    where = [visible, RecordsRequest.association_id == data.association_id]
    if data.status is not None:
        where.append(RecordsRequest.status == data.status)
    return (await session.scalars(page_statement(RecordsRequest, page, where))).all(), page
