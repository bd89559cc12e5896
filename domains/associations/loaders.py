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
    Unit,
)
from domains.associations.schemas import ShareTotals, UnitFilter
from domains.associations.service import associations, units
from domains.associations.service.access import tax_id_readable
from graph.pages import Connection, connection, group


def tax_ids_readable(ctx: Any) -> DataLoader[Association, bool]:
    """Whether the caller may read each association row's tax id: one Cerbos call per batch."""

    async def load(rows: list[Association]) -> list[bool]:
        return await tax_id_readable(ctx.decisions, await ctx.ensure_roles(), rows)

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


def share_totals(ctx: Any) -> DataLoader[UUID, ShareTotals]:
    """`ShareTotalsByAssociation`."""

    async def load(association_ids: list[UUID]) -> list[ShareTotals]:
        async with ctx.read_session() as session:
            rows = await associations.share_totals(session, association_ids)
        found = {r[0]: ShareTotals(unit_count=r[1], voting_weight=r[2], assessment_share=r[3]) for r in rows}
        zero = ShareTotals(unit_count=0, voting_weight=Decimal(0), assessment_share=Decimal(0))
        return [found.get(a, zero) for a in association_ids]

    return ctx.loaders.keyed(("share_totals",), load)
