"""Request-scoped loaders of the associations domain.

Each batches one level of a nested read into one statement inside the request's
RLS-scoped transaction, and lists only rows Cerbos lets the caller read (the
query plan of the row's kind becomes part of the WHERE clause).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

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
from domains.associations.service import associations, ownerships, residents, units
from domains.associations.service.access import tax_id_readable
from graph.pages import Connection, connection, group


def associations_visible(ctx: Any) -> DataLoader[UUID, Association | None]:
    """`AssociationById` for relations (a unit's association, a master association):
    None where the caller may not read it, as `node` answers."""

    async def load(ids: list[UUID]) -> list[Association | None]:
        visible = await ctx.visible("association", "read", Association)
        async with ctx.read_session() as session:
            found = {r.id: r for r in await associations.by_ids(session, ids, visible)}
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
        async with ctx.read_session() as session:
            rows = await units.pages_by_association(session, data, visible, association_ids)
        page = units.page_of(data)
        return [connection(r, page) for r in group(rows, "association_id", association_ids)]

    return ctx.loaders.keyed(("units_page", data.model_dump_json()), load)


def _by_unit(ctx: Any, model: Any, kind: str, read: Any) -> DataLoader[UUID, list[Any]]:
    async def load(unit_ids: list[UUID]) -> list[list[Any]]:
        visible = await ctx.visible(kind, "read", model)
        async with ctx.read_session() as session:
            rows = await read(session, unit_ids, visible)
        return group(rows, "unit_id", unit_ids)

    return ctx.loaders.keyed((read.__module__, read.__name__), load)


def current_owners(ctx: Any) -> DataLoader[UUID, list[Ownership]]:
    """`CurrentOwnershipsByUnit`, primary owner first."""
    return _by_unit(ctx, Ownership, "ownership", ownerships.current_of)


def current_residents(ctx: Any) -> DataLoader[UUID, list[Resident]]:
    """`CurrentResidentsByUnit`, earliest move-in first."""
    return _by_unit(ctx, Resident, "resident", residents.current_of)


def ownership_history(ctx: Any) -> DataLoader[UUID, list[Ownership]]:
    """`OwnershipsByUnit`: every ownership of each unit, latest first."""

    return _by_unit(ctx, Ownership, "ownership", ownerships.history_of)


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
            rows = await associations.share_totals(session, association_ids)
        found = {r[0]: ShareTotals(unit_count=r[1], voting_weight=r[2], assessment_share=r[3]) for r in rows}
        zero = ShareTotals(unit_count=0, voting_weight=Decimal(0), assessment_share=Decimal(0))
        return [found.get(a, zero) for a in association_ids]

    return ctx.loaders.keyed(("share_totals",), load)
