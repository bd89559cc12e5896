"""Boards and committees: made, renamed, resized, dissolved — never deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.governance.errors import GoverningBodyDissolved, GoverningBodyNameTaken, SeatCountBelowTerms
from domains.governance.models import GoverningBody, GoverningBodyStatus
from domains.governance.service import seats
from graph.db import add_or_raise, flush_or_raise
from graph.handlers import require
from graph.pages import Page, page_statement


def _name_taken(name: str) -> GoverningBodyNameTaken:
    return GoverningBodyNameTaken(f"The association already has a body named {name!r}.", field=["name"])


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> GoverningBody:
    await require(session, Association, data.association_id, "associationId")
    body = GoverningBody(organization_id=organization_id, status=GoverningBodyStatus.ACTIVE, **data.model_dump())
    await add_or_raise(session, body, _name_taken(data.name))
    return body


async def lock(session: AsyncSession, body_id: UUID) -> GoverningBody:
    """The body, locked: terms and offices of one body are decided one at a time."""
    body = await session.scalar(
        select(GoverningBody).where(GoverningBody.id == body_id).with_for_update().execution_options(populate_existing=True)
    )
    assert body is not None, "the pipeline (or require) found the body visible a moment ago"
    return body


def require_active(body: GoverningBody) -> None:
    if body.status is GoverningBodyStatus.DISSOLVED:
        raise GoverningBodyDissolved(f"{body.name} is dissolved.", field=["bodyId"])


async def update(session: AsyncSession, body: GoverningBody, data: Any) -> dict[str, Any]:
    if data.seat_count is not None and data.seat_count < body.seat_count:
        most = await seats.most_at_once(session, body.id)
        if data.seat_count < most:
            raise SeatCountBelowTerms(
                f"{body.name} has {most} terms in force at once on some day from today; it needs at least that many seats.",
                field=["seatCount"],
            )
    changed: dict[str, Any] = {}
    for name in sorted(data.model_fields_set - {"id"}):
        new, old = getattr(data, name), getattr(body, name)
        if new == old or (new is None and name != "purpose"):  # required fields: null means unchanged
            continue
        changed[name] = {"from": None if old is None else str(old), "to": None if new is None else str(new)}
        setattr(body, name, new)
    await flush_or_raise(session, _name_taken(body.name))
    return changed


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[GoverningBody], Page]:
    page = Page(data.first, data.after, "name")
    where = [visible]
    if data.association_id is not None:
        where.append(GoverningBody.association_id == data.association_id)
    if data.kind is not None:
        where.append(GoverningBody.kind == data.kind)
    if data.status is not None:
        where.append(GoverningBody.status == data.status)
    return (await session.scalars(page_statement(GoverningBody, page, where))).all(), page
