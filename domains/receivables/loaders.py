"""Request-scoped loaders of the receivables domain: one statement per level of
a nested read, holding only rows Cerbos lets the caller read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select
from strawberry.dataloader import DataLoader

from domains.receivables.models import OwnerLedgerAllocation, OwnerLedgerEntry


def allocations(ctx: Any) -> DataLoader[UUID, list[OwnerLedgerAllocation]]:
    """`AllocationsByEntry`: what paid a charge, or what a payment or credit paid."""

    async def load(ids: list[UUID]) -> list[list[OwnerLedgerAllocation]]:
        A = OwnerLedgerAllocation
        visible = await ctx.visible("owner_ledger_entry", "read", A)
        rows = await ctx.scalars(
            select(A).where(or_(A.credit_entry_id.in_(ids), A.charge_entry_id.in_(ids)), visible).order_by(A.applied_on, A.created_at, A.id)
        )
        grouped: dict[UUID, list[OwnerLedgerAllocation]] = defaultdict(list)
        for row in rows:
            grouped[row.credit_entry_id].append(row)
            grouped[row.charge_entry_id].append(row)
        return [grouped.get(i, []) for i in ids]

    return ctx.loaders.keyed(("allocations",), load)


def posted_units(ctx: Any) -> DataLoader[UUID, int]:
    """`PostedUnitsByLevy`: how many units a levy has charged so far."""

    async def load(ids: list[UUID]) -> list[int]:
        async with ctx.read_session() as session:
            E = OwnerLedgerEntry
            counts = dict((await session.execute(select(E.levy_id, func.count()).where(E.levy_id.in_(ids)).group_by(E.levy_id))).all())
        return [counts.get(i, 0) for i in ids]

    return ctx.loaders.keyed(("posted_units",), load)
