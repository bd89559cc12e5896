"""Request-scoped loaders of the receivables domain: one statement per level of
a nested read, holding only rows Cerbos lets the caller read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.receivables.models import OwnerLedgerAllocation
from domains.receivables.service import assessments, owner_ledger


def allocations(ctx: Any) -> DataLoader[UUID, list[OwnerLedgerAllocation]]:
    """`AllocationsByEntry`: what paid a charge, or what a payment or credit paid."""

    async def load(ids: list[UUID]) -> list[list[OwnerLedgerAllocation]]:
        visible = await ctx.visible("owner_ledger_entry", "read", OwnerLedgerAllocation)
        async with ctx.read_session() as session:
            rows = await owner_ledger.allocations_of(session, ids, visible)
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
            counts = await assessments.posted_counts(session, ids)
        return [counts.get(i, 0) for i in ids]

    return ctx.loaders.keyed(("posted_units",), load)
