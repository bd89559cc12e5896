"""Ownership: who owns which unit when. Rows are history; a transfer ends the
current ones and starts new ones on the same day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import (
    HistoryImmutable,
    InterestExceeded,
    InvalidTransfer,
)
from domains.associations.models import Ownership, Party, Unit
from domains.associations.service.access import current
from graph.handlers import require
from graph.pages import Page, page_statement


def _open(unit_id: UUID) -> list[ColumnElement[bool]]:
    return [Ownership.unit_id == unit_id, Ownership.ends_on.is_(None)]


async def _clear_primary(session: AsyncSession, unit_id: UUID, keep: UUID | None = None) -> None:
    stmt = sql_update(Ownership).where(*_open(unit_id), Ownership.is_primary.is_(True))
    if keep is not None:
        stmt = stmt.where(Ownership.id != keep)
    await session.execute(stmt.values(is_primary=False))


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Ownership:
    await require(session, Unit, data.unit_id, "unitId", lock=True)  # one writer per unit's owners
    await require(session, Party, data.party_id, "partyId")
    held = await session.scalar(select(func.coalesce(func.sum(Ownership.interest), 0)).where(*_open(data.unit_id)))
    if held + data.interest > 1:
        raise InterestExceeded(
            f"Current owners already hold {held} of this unit; adding {data.interest} exceeds 1. Use transfer to change owners.",
            field=["interest"],
        )
    if data.is_primary:
        await _clear_primary(session, data.unit_id)
    row = Ownership(organization_id=organization_id, **data.model_dump())
    session.add(row)
    await session.flush()
    return row


async def update(session: AsyncSession, row: Ownership, data: Any) -> dict[str, Any]:
    if row.ends_on is not None:
        raise HistoryImmutable("This ownership has ended; its history can't change.", field=["id"])
    changed: dict[str, Any] = {}
    if data.ends_on is not None:
        if data.ends_on <= row.starts_on:
            raise HistoryImmutable("An ownership must end after it starts.", field=["endsOn"])
        row.ends_on = data.ends_on
        changed["ends_on"] = {"from": None, "to": str(data.ends_on)}
    if data.is_primary is not None and data.is_primary != row.is_primary:
        if data.is_primary:
            await _clear_primary(session, row.unit_id, keep=row.id)
        row.is_primary = data.is_primary
        changed["is_primary"] = {"from": str(not data.is_primary), "to": str(data.is_primary)}
    return changed


async def transfer(session: AsyncSession, organization_id: UUID, data: Any) -> tuple[list[Ownership], list[Ownership]]:
    await require(session, Unit, data.unit_id, "unitId", lock=True)
    buyers = data.buyers
    if len({b.party_id for b in buyers}) != len(buyers):
        raise InvalidTransfer("A buyer is listed twice.", field=["buyers"])
    if sum((b.interest for b in buyers), Decimal(0)) != 1:
        raise InvalidTransfer("Buyers' interests must sum to exactly 1.", field=["buyers"])
    if sum(b.is_primary for b in buyers) > 1:
        raise InvalidTransfer("At most one buyer can be primary.", field=["buyers"])
    for i, b in enumerate(buyers):
        await require(session, Party, b.party_id, f"buyers.{i}.partyId")
    sellers = list((await session.scalars(select(Ownership).where(*_open(data.unit_id)).with_for_update())).all())
    for s in sellers:
        if s.starts_on >= data.transfer_on:
            raise InvalidTransfer(
                f"An owner's ownership starts on {s.starts_on}; the transfer must be later.", field=["transferOn"]
            )
        s.ends_on = data.transfer_on
    primary = next((i for i, b in enumerate(buyers) if b.is_primary), 0)
    started = [
        Ownership(
            organization_id=organization_id,
            unit_id=data.unit_id,
            party_id=b.party_id,
            interest=b.interest,
            starts_on=data.transfer_on,
            is_primary=(i == primary),
        )
        for i, b in enumerate(buyers)
    ]
    session.add_all(started)
    await session.flush()
    return sellers, started


def page_of(data: Any) -> Page:
    return Page(data.first, data.after, "starts_on", descending=True)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> list[Ownership]:
    where = [visible]
    if data.unit_id is not None:
        where.append(Ownership.unit_id == data.unit_id)
    if data.party_id is not None:
        where.append(Ownership.party_id == data.party_id)
    if data.current_only:
        where.append(current(Ownership.starts_on, Ownership.ends_on))
    stmt = page_statement(Ownership, page_of(data), where)
    return list((await session.scalars(stmt)).all())
