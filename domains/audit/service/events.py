"""The audit log: a page of events, and the hash chain's check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.audit.models import AuditEvent
from graph.pages import Page, page_statement


async def page(session: AsyncSession, page: Page, where: list[ColumnElement[bool]]) -> Sequence[AuditEvent]:
    """One page of the events `where` admits, in the page's order (one more than
    its size, so the caller knows whether more follow)."""
    return (await session.scalars(page_statement(AuditEvent, page, where))).all()


async def verify_chain(session: AsyncSession, organization_id: UUID | None) -> Any:
    """(checked, first_broken) of the organization's hash chain."""
    return (await session.execute(text("SELECT * FROM verify_audit_chain(:org)"), {"org": organization_id})).one()
