"""The resident directory: a party's privacy settings, and an association's
listing of the residents who opted in, showing only what each chose."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import ContactPoint, ContactPointKind, Ownership, Party, Resident, Unit
from domains.associations.service.access import current
from domains.portal.models import DirectorySetting
from graph.db import new_id
from graph.pages import Page, page_statement

FLAGS = ("show_name", "show_unit", "show_phone", "show_email")


async def set_flags(session: AsyncSession, organization_id: UUID, party_id: UUID, flags: dict[str, bool]) -> DirectorySetting:
    """Create the party's row (hidden unless `flags` say otherwise) or change the flags named."""
    values = {k: flags.get(k, False) for k in FLAGS}
    statement = insert(DirectorySetting).values(id=new_id(), organization_id=organization_id, party_id=party_id, **values)
    if flags:
        statement = statement.on_conflict_do_update(
            index_elements=["organization_id", "party_id"], set_={**flags, "updated_at": func.now()}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["organization_id", "party_id"])
    await session.execute(statement)
    row = await session.scalar(
        select(DirectorySetting).where(DirectorySetting.party_id == party_id).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _residents_of(association_id: UUID) -> Any:
    """Parties owning or living in a unit of the association today."""
    owners = (
        select(Ownership.party_id.label("party_id"), Ownership.unit_id.label("unit_id"))
        .join(Unit, and_(Unit.organization_id == Ownership.organization_id, Unit.id == Ownership.unit_id))
        .where(Unit.association_id == association_id, current(Ownership.starts_on, Ownership.ends_on))
    )
    residents = (
        select(Resident.party_id, Resident.unit_id)
        .join(Unit, and_(Unit.organization_id == Resident.organization_id, Unit.id == Resident.unit_id))
        .where(Unit.association_id == association_id, current(Resident.moved_in_on, Resident.moved_out_on))
    )
    return union(owners, residents).subquery()


async def listing_page(session: AsyncSession, association_id: UUID, first: int, after: str | None) -> tuple[Sequence[Any], Page]:
    """The opted-in residents' settings, oldest choice first (a stable order that reveals no name)."""
    page = Page(first, after, "created_at")
    theirs = _residents_of(association_id)
    s = DirectorySetting
    where = [s.party_id.in_(select(theirs.c.party_id)), or_(*(getattr(s, f) for f in FLAGS))]
    return (await session.scalars(page_statement(s, page, where))).all(), page


async def entries(session: AsyncSession, association_id: UUID, rows: Sequence[DirectorySetting]) -> list[dict[str, Any]]:
    """Each listed party with only the fields they chose to show (one statement)."""
    if not rows:
        return []
    theirs = _residents_of(association_id)

    def primary(kind: ContactPointKind) -> Any:
        return (
            select(ContactPoint.value)
            .where(
                ContactPoint.organization_id == Party.organization_id,
                ContactPoint.party_id == Party.id,
                ContactPoint.kind == kind,
            )
            .order_by(ContactPoint.is_primary.desc(), ContactPoint.created_at, ContactPoint.id)
            .limit(1)
            .scalar_subquery()
        )

    numbers = (
        select(func.array_agg(func.distinct(Unit.unit_number)))
        .select_from(theirs)
        .join(Unit, Unit.id == theirs.c.unit_id)
        .where(theirs.c.party_id == Party.id)
        .scalar_subquery()
    )
    statement = select(
        Party.id,
        Party.name,
        numbers.label("unit_numbers"),
        primary(ContactPointKind.PHONE).label("phone"),
        primary(ContactPointKind.EMAIL).label("email"),
    ).where(Party.id.in_([r.party_id for r in rows]))
    found = {r["id"]: r for r in (await session.execute(statement)).mappings()}
    out = []
    for setting in rows:
        party = found[setting.party_id]
        out.append(
            {
                "id": setting.party_id,
                "name": party["name"] if setting.show_name else None,
                "unit_numbers": sorted(party["unit_numbers"] or []) if setting.show_unit else None,
                "phone": party["phone"] if setting.show_phone else None,
                "email": party["email"] if setting.show_email else None,
            }
        )
    return out
