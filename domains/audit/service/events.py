"""The audit log: a page of events, and the hash chain's check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domains.audit.models import AuditEvent


async def page(
    session: AsyncSession,
    visible: ColumnElement[bool],
    organization_id: UUID,
    first: int,
    after: tuple[datetime, UUID] | None,
    operation: str | None,
) -> Sequence[AuditEvent]:
    """The organization's events newest first, after the (occurred_at, id)
    position `after`, one more than `first` (so the caller knows whether more follow)."""
    stmt = select(AuditEvent).where(visible, AuditEvent.organization_id == organization_id)
    if operation:
        stmt = stmt.where(AuditEvent.operation == operation)
    if after:
        stmt = stmt.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < tuple_(*after))
    stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(first + 1)
    return (await session.scalars(stmt)).all()


async def verify_chain(session: AsyncSession, organization_id: UUID | None) -> Any:
    """(checked, first_broken) of the organization's hash chain."""
    return (await session.execute(text("SELECT * FROM verify_audit_chain(:org)"), {"org": organization_id})).one()
