"""Operations of the receivables domain, one module per resource."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.receivables.models import OwnerLedgerAllocation, OwnerLedgerEntry
from domains.receivables.schemas import OwnerLedgerAllocationRead, OwnerLedgerEntryRead


async def entry_reads(
    session: AsyncSession, rows: Sequence[OwnerLedgerEntry], allocations: Sequence[OwnerLedgerAllocation] | None = None
) -> list[Any]:
    """Rows as API models with the allocations touching each (paid by, or paid
    with, them): the ones given — an operation's own, for rows it just wrote —
    or read in one statement."""
    ids = [r.id for r in rows]
    if allocations is None:
        A = OwnerLedgerAllocation
        allocations = (
            await session.scalars(
                select(A).where(or_(A.credit_entry_id.in_(ids), A.charge_entry_id.in_(ids))).order_by(A.applied_on, A.created_at, A.id)
            )
        ).all()
    by_entry: dict[Any, list[Any]] = defaultdict(list)
    for a in allocations:
        read = OwnerLedgerAllocationRead.model_validate(a)
        by_entry[a.credit_entry_id].append(read)
        by_entry[a.charge_entry_id].append(read)
    return [OwnerLedgerEntryRead.model_validate(r).model_copy(update={"allocations": by_entry[r.id]}) for r in rows]
