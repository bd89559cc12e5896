"""The contact log: calls and other contacts, as recorded; append-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.models import ContactLogEntry
from graph.pages import Page, page_statement


async def record(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID) -> ContactLogEntry:
    row = ContactLogEntry(organization_id=organization_id, recorded_by=actor, **data.model_dump())
    session.add(row)
    await session.flush()
    return row


async def entry_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[ContactLogEntry], Page]:
    page = Page(data.first, data.after, "occurred_at", descending=True)
    where = [visible, ContactLogEntry.association_id == data.association_id]
    for name in ("party_id", "unit_id", "vendor_id"):
        value = getattr(data, name)
        if value is not None:
            where.append(getattr(ContactLogEntry, name) == value)
    if data.since is not None:
        where.append(ContactLogEntry.occurred_at >= data.since)
    return (await session.scalars(page_statement(ContactLogEntry, page, where))).all(), page
