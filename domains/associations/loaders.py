"""Request-scoped loaders of the associations domain.

Each batches one level of a nested read into one statement inside the request's
RLS-scoped transaction, and lists only rows Cerbos lets the caller read (the
query plan of the row's kind becomes part of the WHERE clause).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from domains.associations.models import (
    Association,
    ContactPoint,
    EmergencyContact,
    Ownership,
    Resident,
    Unit,
)
from domains.associations.schemas import ShareTotals, UnitFilter
from domains.associations.service import units
from domains.associations.service.access import current, tax_id_readable
from domains.associations.service.associations import share_totals_statement
from graph.pages import Connection, connection, group


def associations(ctx: Any) -> DataLoader[UUID, Association | None]:
    """`AssociationById` for relations (a unit's association, a master association):
    None where the caller may not read it, as `node` answers."""

    async def load(ids: list[UUID]) -> list[Association | None]:
        visible = await ctx.visible("association", "read", Association)
        found = {r.id: r for r in await ctx.scalars(select(Association).where(Association.id.in_(ids), visible))}
        return [found.get(i) for i in ids]

    return ctx.loaders.keyed(("visible", Association), load)


def tax_ids_readable(ctx: Any) -> DataLoader[Association, bool]:
    """Whether the caller may read each association row's tax id: one Cerbos call per batch."""

    async def load(rows: list[Association]) -> list[bool]:
        return await tax_id_readable(ctx.platform.authorizer, await ctx.ensure_roles(), rows)

    return ctx.loaders.keyed(("read_tax_id", Association), load)


def units_page(ctx: Any, data: UnitFilter) -> DataLoader[UUID, Connection]:
    """`UnitsPageByAssociation`: one page of units per association, one statement per level."""

    async def load(association_ids: list[UUID]) -> list[Connection]:
        visible = await ctx.visible("unit", "read", Unit)
        rows = await ctx.scalars(units.by_association(data, visible, association_ids))
        page = units.page_of(data)
        return [connection(r, page) for r in group(rows, "association_id", association_ids)]

    return ctx.loaders.keyed(("units_page", data.model_dump_json()), load)


def _current_of(ctx: Any, model: Any, kind: str, starts: Any, ends: Any, order: Any) -> DataLoader[UUID, list[Any]]:
    async def load(unit_ids: list[UUID]) -> list[list[Any]]:
        visible = await ctx.visible(kind, "read", model)
        rows = await ctx.scalars(
            select(model).where(model.unit_id.in_(unit_ids), current(starts, ends), visible).order_by(*order)
        )
        return group(rows, "unit_id", unit_ids)

    return ctx.loaders.keyed(("current", model), load)


def current_owners(ctx: Any) -> DataLoader[UUID, list[Ownership]]:
    """`CurrentOwnershipsByUnit`, primary owner first."""
    order = (Ownership.is_primary.desc(), Ownership.starts_on, Ownership.id)
    return _current_of(ctx, Ownership, "ownership", Ownership.starts_on, Ownership.ends_on, order)


def current_residents(ctx: Any) -> DataLoader[UUID, list[Resident]]:
    """`CurrentResidentsByUnit`, earliest move-in first."""
    order = (Resident.moved_in_on, Resident.id)
    return _current_of(ctx, Resident, "resident", Resident.moved_in_on, Resident.moved_out_on, order)


def ownership_history(ctx: Any) -> DataLoader[UUID, list[Ownership]]:
    """`OwnershipsByUnit`: every ownership of each unit, latest first."""

    async def load(unit_ids: list[UUID]) -> list[list[Ownership]]:
        visible = await ctx.visible("ownership", "read", Ownership)
        rows = await ctx.scalars(
            select(Ownership)
            .where(Ownership.unit_id.in_(unit_ids), visible)
            .order_by(Ownership.starts_on.desc(), Ownership.id)
        )
        return group(rows, "unit_id", unit_ids)

    return ctx.loaders.keyed(("history", Ownership), load)


def contact_points(ctx: Any) -> DataLoader[UUID, list[ContactPoint]]:
    """`ContactPointsByParty`: visible wherever their party is."""
    return ctx.loaders.by_column(ContactPoint, "party_id")


def emergency_contacts(ctx: Any) -> DataLoader[UUID, list[EmergencyContact]]:
    """`EmergencyContactsByUnit`, in call order: visible wherever their unit is."""
    return ctx.loaders.by_column(EmergencyContact, "unit_id", order_by="priority")


def share_totals(ctx: Any) -> DataLoader[UUID, ShareTotals]:
    """`ShareTotalsByAssociation`."""

    async def load(association_ids: list[UUID]) -> list[ShareTotals]:
        async with ctx.read_session() as session:
            rows = (await session.execute(share_totals_statement(association_ids))).all()
        found = {r[0]: ShareTotals(unit_count=r[1], voting_weight=r[2], assessment_share=r[3]) for r in rows}
        zero = ShareTotals(unit_count=0, voting_weight=Decimal(0), assessment_share=Decimal(0))
        return [found.get(a, zero) for a in association_ids]

    return ctx.loaders.keyed(("share_totals",), load)
