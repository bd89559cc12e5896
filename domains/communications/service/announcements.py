"""Announcements: posted to an audience, one message to each of its people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.errors import AudienceRefMissing
from domains.communications.models import Announcement, Audience, Channel, TemplateKind
from domains.communications.service import messages, recipients
from graph.db import new_id
from graph.pages import Page, page_statement


async def post(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID) -> Announcement:
    """Write the announcement and its messages in this transaction (NO_RECIPIENTS
    when its audience reaches nobody; a provider contact is no announcement's audience)."""
    if data.audience is Audience.PROVIDER_CONTACT:
        raise AudienceRefMissing("An announcement goes to the association's people, not to a provider.", field=["audience"])
    ref = data.unit_id or data.committee_id
    people = await recipients.of_audience(session, data.association_id, data.audience, ref)
    row = Announcement(
        id=new_id(),
        organization_id=organization_id,
        association_id=data.association_id,
        title=data.title,
        body=data.body,
        audience=data.audience,
        audience_ref=ref,
        recipients=len(people),
        by_email=sum(1 for p in people if p.channel is Channel.EMAIL),
        posted_by=actor,
    )
    session.add(row)
    await session.flush()
    variables = {"announcement": {"title": data.title, "body": data.body}}
    await messages.write(
        session,
        organization_id,
        data.association_id,
        TemplateKind.ANNOUNCEMENT,
        f"announcement:{row.id}",
        people,
        variables,
        actor,
    )
    return row


async def announcement_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[Announcement], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, Announcement.association_id == data.association_id]
    return (await session.scalars(page_statement(Announcement, page, where))).all(), page
