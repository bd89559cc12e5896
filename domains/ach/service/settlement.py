"""Settling autopay debits. A debit is posted as a pending payment the day its
file is built; it becomes settled

- when the bank statement shows the deposit it came in: its payment's cash line
  (the unit's line of the batch's journal entry in the bank account's cash
  account and fund) is cleared by a live bank match — settled on that bank
  transaction's day; or
- when its bank account's return window (`ach_return_window_days`, the bank's
  agreement) has passed after the effective date without a return — settled on
  the window's last day.

Settling writes no money (the payment was booked when sent): it is a status,
idempotent (only pending entries move), so the run may repeat at will. A
return after settlement (an unauthorized debit may come back for 60 days)
still reverses the payment through receivables' returned-payment path
(returns.py takes settled entries as it takes pending ones)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import and_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import JournalLine
from domains.ach.models import AchEntry, AchEntryStatus, AchFile
from domains.banking.models import BankAccount, BankMatch, BankTransaction
from domains.receivables.models import OwnerLedgerEntry
from graph import durable
from graph.ids import encode


async def settle(session: AsyncSession, organization_id: UUID, association_id: UUID, today: date) -> tuple[int, int]:
    """(settled by their deposit clearing, settled by the return window passing)."""
    E, F, B, P, L, M, T = AchEntry, AchFile, BankAccount, OwnerLedgerEntry, JournalLine, BankMatch, BankTransaction
    rows = (
        await session.execute(
            select(E.id, F.effective_date, B.ach_return_window_days, T.id.label("transaction_id"), T.posted_on)
            .join(F, and_(F.organization_id == E.organization_id, F.id == E.file_id))
            .join(B, and_(B.organization_id == F.organization_id, B.id == F.bank_account_id))
            .join(P, and_(P.organization_id == E.organization_id, P.id == E.payment_entry_id))
            .outerjoin(
                L,
                and_(
                    L.organization_id == P.organization_id,
                    L.entry_id == P.journal_entry_id,
                    L.account_id == B.gl_account_id,
                    L.fund_id == B.fund_id,
                    L.unit_id == E.unit_id,
                ),
            )
            .outerjoin(M, and_(M.organization_id == L.organization_id, M.journal_line_id == L.id, M.unmatched_at.is_(None)))
            .outerjoin(T, and_(T.organization_id == M.organization_id, T.id == M.bank_transaction_id))
            .where(E.association_id == association_id, E.status == AchEntryStatus.PENDING, E.payment_entry_id.is_not(None))
            .order_by(E.id)
            .with_for_update(of=E)
        )
    ).all()
    cleared: dict[UUID, tuple[date, UUID | None]] = {}
    for r in rows:
        window_ends = r.effective_date + timedelta(days=r.ach_return_window_days)
        if r.transaction_id is not None:
            cleared[r.id] = (r.posted_on, r.transaction_id)
        elif window_ends <= today and r.id not in cleared:
            cleared[r.id] = (window_ends, None)
    if cleared:
        await session.execute(
            update(E),
            [
                {"id": i, "status": AchEntryStatus.SETTLED, "settled_on": on, "settled_transaction_id": t}
                for i, (on, t) in cleared.items()
            ],
        )
    by_match = sum(1 for _, t in cleared.values() if t is not None)
    by_window = len(cleared) - by_match
    if cleared:
        durable.audit(
            session,
            organization_id,
            "achEntry/settle",
            [encode("ace", i) for i in sorted(cleared)],
            {"associationId": encode("asn", association_id), "byDeposit": by_match, "byReturnWindow": by_window},
        )
    return by_match, by_window


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) with pending autopay debits, across
    organizations (a SECURITY DEFINER function: the run has no organization yet)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM ach_settlement_targets()"))).all()
    return [(org, association) for org, association in rows]
