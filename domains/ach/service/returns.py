"""Importing the bank's ACH returns file: each returned autopay debit (its
addenda names the reason, R01 insufficient funds, R02 account closed…, and the
original trace number) reverses its payment through receivables' returned-
payment path, with the fee, and the entry is marked returned.

Idempotent per file and per line: a file is known by its digest (a second
import finds the first and reverses nothing), and an entry already returned
is skipped — so a line repeated in a later file reverses nothing twice."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.ach.errors import InvalidAchFile
from domains.ach.models import AchEntry, AchEntryStatus, AchReturnFile
from domains.ach.service import nacha
from domains.associations.models import Association
from domains.receivables.errors import PaymentAlreadyReturned, PaymentAlreadyVoided
from domains.receivables.models import OwnerLedgerEntry
from domains.receivables.service import owner_ledger
from graph.db import new_id
from graph.handlers import require


async def import_file(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> tuple[AchReturnFile, bool]:
    """(file, already imported)."""
    association = await require(session, Association, data.association_id, "associationId", lock=True)
    digest = hashlib.sha256(data.content.encode()).hexdigest()
    earlier = await session.scalar(
        select(AchReturnFile).where(AchReturnFile.association_id == association.id, AchReturnFile.digest == digest)
    )
    if earlier is not None:
        return earlier, True
    try:
        parsed = nacha.parse(data.content)
    except (nacha.NachaError, ValueError) as exc:
        raise InvalidAchFile(f"Not a NACHA file: {exc}.", field=["content"]) from None
    lines = [e for b in parsed.batches for e in b.entries if e.return_code is not None]
    if not lines:
        raise InvalidAchFile("The file holds no returned entry (an entry with an addenda of type 99).", field=["content"])
    traces = sorted({e.original_trace for e in lines if e.original_trace})
    entries = {
        e.trace_number: e
        for e in await session.scalars(
            select(AchEntry)
            .where(AchEntry.association_id == association.id, AchEntry.trace_number.in_(traces))
            .order_by(AchEntry.id)
            .with_for_update()
        )
    }
    reversed_: list[tuple[AchEntry, str, UUID]] = []
    for line in lines:
        entry = entries.get(line.original_trace or "")
        # A line repeated in this file finds its entry among those reversed already.
        if (
            entry is None
            or entry.status is AchEntryStatus.RETURNED
            or entry.payment_entry_id is None
            or any(entry is done for done, _, _ in reversed_)
        ):
            continue
        payment = await session.get(OwnerLedgerEntry, entry.payment_entry_id)
        assert payment is not None
        ask = SimpleNamespace(returned_on=data.returned_on, fee=data.fee, memo=f"ACH return {line.return_code}")
        try:
            returned, _, _ = await owner_ledger.return_payment(session, organization_id, payment, ask, by)
        except (PaymentAlreadyReturned, PaymentAlreadyVoided):
            # Taken back by hand before the bank's file came: nothing more to undo.
            continue
        reversed_.append((entry, line.return_code or "", returned.id))
    file = AchReturnFile(
        id=new_id(),
        organization_id=organization_id,
        association_id=association.id,
        digest=digest,
        line_count=len(lines),
        returned_count=len(reversed_),
        skipped_count=len(lines) - len(reversed_),
        imported_by=by,
    )
    session.add(file)
    await session.flush()
    for entry, code, return_entry_id in reversed_:
        await session.execute(
            update(AchEntry)
            .where(AchEntry.id == entry.id)
            .values(
                status=AchEntryStatus.RETURNED,
                return_code=code,
                returned_on=data.returned_on,
                return_file_id=file.id,
                return_entry_id=return_entry_id,
            )
        )
    await session.refresh(file)
    return file, False
