"""Residents: who lives in which unit, with move-in and move-out dates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import HistoryImmutable
from domains.associations.models import Party, Resident, Unit
from domains.associations.service.access import current
from graph.handlers import require
from graph.pages import Page, page_statement


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Resident:
    await require(session, Unit, data.unit_id, "unitId")
    await require(session, Party, data.party_id, "partyId")
    row = Resident(organization_id=organization_id, **data.model_dump())
    session.add(row)
    await session.flush()
    return row


async def move_out(session: AsyncSession, row: Resident, data: Any) -> dict[str, Any]:
    if row.moved_out_on is not None:
        raise HistoryImmutable("This resident has already moved out; the record can't change.", field=["id"])
    if data.moved_out_on < row.moved_in_on:
        raise HistoryImmutable("A move-out can't be before the move-in.", field=["movedOutOn"])
    row.moved_out_on = data.moved_out_on
    return {"moved_out_on": {"from": None, "to": str(data.moved_out_on)}}


def page_of(data: Any) -> Page:
    return Page(data.first, data.after, "moved_in_on", descending=True)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> list[Resident]:
    where = [visible]
    if data.unit_id is not None:
        where.append(Resident.unit_id == data.unit_id)
    if data.kind is not None:
        where.append(Resident.kind == data.kind)
    if data.current_only:
        where.append(current(Resident.moved_in_on, Resident.moved_out_on))
    stmt = page_statement(Resident, page_of(data), where)
    return list((await session.scalars(stmt)).all())
