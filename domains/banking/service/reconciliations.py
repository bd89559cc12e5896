"""Monthly bank reconciliation: the statement's ending balance against the
books at the month's end.

As of the month's last day E, for the bank account's cash account (in its fund):
- book balance B: every line dated on or before E;
- outstanding: lines dated on or before E that no transaction posted on or
  before E cleared — deposits in transit (positive) and outstanding checks and
  payments (negative). Lines of the opening balance, and lines dated before the
  account's `opened_on`, are the balance the bank started from: never outstanding;
- it ties when statement + outstanding = B, and every bank transaction from
  `opened_on` to E is matched (a fee or interest the books lack gets its entry).

Finishing stores B and the outstanding total and locks the month: the row can't
change again (a trigger), its transactions can't be matched or unmatched, and
no statement can add transactions to it. `fiscalPeriod/v1/close` refuses a
month that any bank account open in it has not finished.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import EntrySource, JournalEntry, JournalLine
from domains.accounting.service import fiscal
from domains.banking.errors import (
    CashNotReconciled,
    ReconciliationExists,
    ReconciliationFinished,
    ReconciliationNotBalanced,
)
from domains.banking.models import (
    BankAccount,
    BankMatch,
    BankReconciliation,
    BankTransaction,
    ReconciliationStatus,
)
from domains.banking.service.matching import cash_lines, lock, txn_matched
from graph.db import add_or_raise
from graph.errors import ValidationFailed
from graph.pages import Page, page_statement


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass
class Figures:
    period_end: date
    book_balance: Decimal
    outstanding: list[Any]  # rows: journal_line_id, journal_entry_id, entry_date, memo, amount
    unmatched: Sequence[BankTransaction]

    @property
    def outstanding_total(self) -> Decimal:
        return sum((r.amount for r in self.outstanding), Decimal(0))

    def difference(self, statement_balance: Decimal) -> Decimal:
        return statement_balance - (self.book_balance - self.outstanding_total)


async def figures(session: AsyncSession, account: BankAccount, month: date) -> Figures:
    end = month_end(month)
    L, E = JournalLine, JournalEntry
    book = await session.scalar(
        select(func.coalesce(func.sum(L.debit - L.credit), 0)).where(*cash_lines(account), L.entry_date <= end)
    )
    cleared_by_end = exists().where(
        BankMatch.organization_id == L.organization_id,
        BankMatch.journal_line_id == L.id,
        BankMatch.unmatched_at.is_(None),
        BankTransaction.organization_id == BankMatch.organization_id,
        BankTransaction.id == BankMatch.bank_transaction_id,
        BankTransaction.posted_on <= end,
    )
    outstanding = (
        await session.execute(
            select(
                L.id.label("journal_line_id"),
                E.id.label("journal_entry_id"),
                L.entry_date,
                func.coalesce(L.memo, E.memo).label("memo"),
                (L.debit - L.credit).label("amount"),
            )
            .join(E, and_(E.organization_id == L.organization_id, E.id == L.entry_id))
            .where(
                *cash_lines(account),
                L.entry_date <= end,
                L.entry_date >= account.opened_on,
                E.source != EntrySource.OPENING_BALANCE,
                ~cleared_by_end,
            )
            .order_by(L.entry_date, E.number, L.line_no)
        )
    ).all()
    unmatched = (
        await session.scalars(
            select(BankTransaction)
            .where(
                BankTransaction.bank_account_id == account.id,
                BankTransaction.posted_on <= end,
                BankTransaction.posted_on >= account.opened_on,
                ~txn_matched(),
            )
            .order_by(BankTransaction.posted_on, BankTransaction.id)
        )
    ).all()
    return Figures(end, Decimal(book or 0), list(outstanding), unmatched)


async def start(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> BankReconciliation:
    account = await lock(session, data.bank_account_id)
    month = data.month.replace(day=1)
    if month < account.opened_on.replace(day=1):
        raise ValidationFailed(f"The account is reconciled from {account.opened_on:%B %Y} on.", field=["month"])
    row = BankReconciliation(
        organization_id=organization_id,
        association_id=account.association_id,
        bank_account_id=account.id,
        month=month,
        statement_ending_balance=data.statement_ending_balance,
        status=ReconciliationStatus.IN_PROGRESS,
        created_by=by,
    )
    await add_or_raise(
        session, row, ReconciliationExists(f"{month:%B %Y} already has a reconciliation for this account.", field=["month"])
    )
    await session.refresh(row)
    return row


async def finish(session: AsyncSession, row: BankReconciliation, by: UUID) -> tuple[BankReconciliation, Figures]:
    account = await lock(session, row.bank_account_id)
    await session.refresh(row)
    if row.status is ReconciliationStatus.FINISHED:
        raise ReconciliationFinished("This reconciliation is finished and locked.", field=["id"])
    f = await figures(session, account, row.month)
    difference = f.difference(row.statement_ending_balance)
    if difference or f.unmatched:
        raise ReconciliationNotBalanced(
            f"It doesn't tie: difference {difference}, {len(f.unmatched)} bank transaction(s) unmatched.",
            field=["id"],
            details={
                "field": ["id"],
                "difference": str(difference),
                "bookBalance": str(f.book_balance),
                "outstanding": str(f.outstanding_total),
                "statementEndingBalance": str(row.statement_ending_balance),
                "unmatchedTransactions": len(f.unmatched),
            },
        )
    row.status = ReconciliationStatus.FINISHED
    row.book_balance = f.book_balance
    row.outstanding = f.outstanding_total
    row.finished_at = func.now()
    row.finished_by = by
    await session.flush()
    await session.refresh(row)
    return row, f


async def report(session: AsyncSession, row: BankReconciliation) -> tuple[BankReconciliation, Figures]:
    account = await session.get(BankAccount, row.bank_account_id)
    assert account is not None
    return row, await figures(session, account, row.month)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[BankReconciliation], Page]:
    page = Page(data.first, data.after, "month", descending=True)
    where = [visible, BankReconciliation.bank_account_id == data.bank_account_id]
    return (await session.scalars(page_statement(BankReconciliation, page, where))).all(), page


@fiscal.close_check
async def every_account_reconciled(session: AsyncSession, association_id: UUID, month: date) -> None:
    """A month closes only when each active bank account open in it has finished its reconciliation."""
    finished = exists().where(
        BankReconciliation.organization_id == BankAccount.organization_id,
        BankReconciliation.bank_account_id == BankAccount.id,
        BankReconciliation.month == month,
        BankReconciliation.status == ReconciliationStatus.FINISHED,
    )
    missing = (
        await session.execute(
            select(BankAccount.id, BankAccount.name).where(
                BankAccount.association_id == association_id,
                BankAccount.is_active.is_(True),
                BankAccount.opened_on <= month_end(month),
                ~finished,
            )
        )
    ).all()
    if missing:
        raise CashNotReconciled(
            f"{month:%B %Y} can't close: not reconciled for {', '.join(m.name for m in missing)}.",
            field=["month"],
            details={"field": ["month"], "bankAccounts": [m.name for m in missing]},
        )
