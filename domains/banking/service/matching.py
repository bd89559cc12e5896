"""Matching bank transactions to the books: a transaction clears one or more
lines of its bank account's cash account (in that account's fund) whose net
amounts add up to it.

Automatic matching pairs one transaction with one line: the same amount, dates
at most `window_days` apart; among several candidates the one whose check
number or reference the transaction carries wins, then the nearest date; a tie
is left for a person. A deposit no single line matches may be a batch — an ACH
debit file, a lockbox file — whose one journal entry put a cash line per unit:
it clears all of that entry's unmatched lines when they add up to it (one such
entry in the window, else a person decides). Lines of the opening balance are the balance the bank
started from, never outstanding, and never matched.

A month reconciled (finished) for the account is locked: its transactions'
matches can't be made or undone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import Basis, EntrySource, GlAccount, JournalEntry, JournalLine
from domains.accounting.service import ledger
from domains.banking.errors import AlreadyMatched, MonthReconciled, NotMatchable, NotMatched
from domains.banking.models import BankAccount, BankMatch, BankTransaction, MatchMethod
from domains.banking.schemas import BankTransactionRead
from domains.banking.service.statements import reconciled_months
from domains.payables.models import VendorPayment
from domains.receivables.models import OwnerLedgerEntry
from graph.db import new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.pages import Page, page_statement


def live(line_id: Any) -> ColumnElement[bool]:
    """The line is cleared by a live match."""
    return exists().where(
        BankMatch.organization_id == JournalLine.organization_id,
        BankMatch.journal_line_id == line_id,
        BankMatch.unmatched_at.is_(None),
    )


def txn_matched() -> ColumnElement[bool]:
    return exists().where(
        BankMatch.organization_id == BankTransaction.organization_id,
        BankMatch.bank_transaction_id == BankTransaction.id,
        BankMatch.unmatched_at.is_(None),
    )


def cash_lines(account: BankAccount) -> list[ColumnElement[bool]]:
    """The bank account's lines in the books: its cash account, in its fund, in the cash view."""
    return [
        JournalLine.association_id == account.association_id,
        JournalLine.account_id == account.gl_account_id,
        JournalLine.fund_id == account.fund_id,
        JournalLine.basis != Basis.ACCRUAL,
    ]


async def lock(session: AsyncSession, account_id: UUID) -> BankAccount:
    """The bank account, locked: one matcher or reconciler at a time per account."""
    return await require(session, BankAccount, account_id, "bankAccountId", lock=True)


@dataclass
class Candidate:
    line_id: UUID
    entry_id: UUID
    entry_date: date
    amount: Decimal
    references: set[str]


async def _candidates(session: AsyncSession, account: BankAccount, start: date, end: date) -> list[Candidate]:
    E, L = JournalEntry, JournalLine
    owner_refs = (
        select(func.array_agg(OwnerLedgerEntry.reference))
        .where(
            OwnerLedgerEntry.organization_id == E.organization_id,
            OwnerLedgerEntry.journal_entry_id == E.id,
            OwnerLedgerEntry.reference.is_not(None),
        )
        .scalar_subquery()
    )
    vendor_refs = (
        select(func.array_agg(VendorPayment.reference))
        .where(
            VendorPayment.organization_id == E.organization_id,
            VendorPayment.journal_entry_id == E.id,
            VendorPayment.reference.is_not(None),
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            L.id, L.entry_id, L.entry_date, (L.debit - L.credit).label("amount"), owner_refs.label("o"), vendor_refs.label("v")
        )
        .join(E, and_(E.organization_id == L.organization_id, E.id == L.entry_id))
        .where(
            *cash_lines(account),
            L.entry_date.between(start, end),
            E.source != EntrySource.OPENING_BALANCE,
            ~live(L.id),
        )
        .order_by(L.entry_date, L.id)
    )
    return [
        Candidate(r.id, r.entry_id, r.entry_date, r.amount, {x.strip() for x in (r.o or []) + (r.v or []) if x}) for r in rows
    ]


async def auto_match(
    session: AsyncSession, organization_id: UUID, account: BankAccount, through: date | None, window_days: int, by: UUID
) -> tuple[int, int, int]:
    """(matched, ambiguous, still unmatched)."""
    locked = await reconciled_months(session, account.id)
    where = [BankTransaction.bank_account_id == account.id, ~txn_matched()]
    if through is not None:
        where.append(BankTransaction.posted_on <= through)
    transactions = [
        t
        for t in (
            await session.scalars(select(BankTransaction).where(*where).order_by(BankTransaction.posted_on, BankTransaction.id))
        ).all()
        if t.posted_on.replace(day=1) not in locked
    ]
    if not transactions:
        return 0, 0, 0
    window = timedelta(days=window_days)
    lines = await _candidates(session, account, transactions[0].posted_on - window, transactions[-1].posted_on + window)
    by_amount: dict[Decimal, list[Candidate]] = defaultdict(list)
    for line in lines:
        by_amount[line.amount].append(line)
    used: set[UUID] = set()
    matches, ambiguous, batches, matched = [], 0, [], 0
    for t in transactions:
        refs = {r for r in (t.check_number, t.reference) if r}
        scored = sorted(
            ((0 if refs & c.references else 1, abs((c.entry_date - t.posted_on).days)), c.line_id)
            for c in by_amount.get(t.amount, [])
            if c.line_id not in used and abs(c.entry_date - t.posted_on) <= window
        )
        if not scored:
            batches.append(t)
            continue
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            ambiguous += 1
            continue
        used.add(scored[0][1])
        matched += 1
        matches.append(_match_row(organization_id, account, t.id, scored[0][1], MatchMethod.AUTOMATIC, by))
    by_entry: dict[UUID, list[Candidate]] = defaultdict(list)
    for line in lines:
        if line.line_id not in used:
            by_entry[line.entry_id].append(line)
    for t in batches:
        fits = [
            group
            for group in by_entry.values()
            if len(group) > 1
            and not any(c.line_id in used for c in group)
            and abs(group[0].entry_date - t.posted_on) <= window
            and sum((c.amount for c in group), Decimal(0)) == t.amount
        ]
        if len(fits) > 1:
            ambiguous += 1
        elif fits:
            used.update(c.line_id for c in fits[0])
            matched += 1
            matches.extend(_match_row(organization_id, account, t.id, c.line_id, MatchMethod.AUTOMATIC, by) for c in fits[0])
    if matches:
        await session.execute(insert(BankMatch), matches)
    return matched, ambiguous, len(transactions) - matched


def _match_row(
    organization_id: UUID, account: BankAccount, transaction_id: UUID, line_id: UUID, method: MatchMethod, by: UUID | None
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "organization_id": organization_id,
        "association_id": account.association_id,
        "bank_transaction_id": transaction_id,
        "journal_line_id": line_id,
        "method": method,
        "matched_by": by,
    }


async def _open_transaction(session: AsyncSession, transaction: BankTransaction) -> BankAccount:
    """The transaction's account, locked; MONTH_RECONCILED if its month is finished."""
    account = await lock(session, transaction.bank_account_id)
    if transaction.posted_on.replace(day=1) in await reconciled_months(session, account.id):
        raise MonthReconciled(f"{transaction.posted_on:%B %Y} is reconciled for this account and locked.", field=["id"])
    return account


async def line_ids(session: AsyncSession, transaction_ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    """The lines each transaction clears (live matches)."""
    rows = await session.execute(
        select(BankMatch.bank_transaction_id, BankMatch.journal_line_id)
        .where(BankMatch.bank_transaction_id.in_(transaction_ids), BankMatch.unmatched_at.is_(None))
        .order_by(BankMatch.created_at, BankMatch.id)
    )
    out: dict[UUID, list[UUID]] = defaultdict(list)
    for t, line in rows:
        out[t].append(line)
    return out


async def reads(session: AsyncSession, rows: Sequence[BankTransaction]) -> list[Any]:
    """Transactions as API models with the lines they clear, read in one statement."""
    lines = await line_ids(session, [r.id for r in rows])
    return [BankTransactionRead.model_validate(r).model_copy(update={"journal_line_ids": lines.get(r.id, [])}) for r in rows]


async def _unmatched(session: AsyncSession, transaction: BankTransaction) -> None:
    if (await line_ids(session, [transaction.id])).get(transaction.id):
        raise AlreadyMatched("This transaction is already matched; unmatch it first.", field=["id"])


async def match(
    session: AsyncSession, organization_id: UUID, transaction: BankTransaction, ids: Sequence[UUID], by: UUID
) -> None:
    account = await _open_transaction(session, transaction)
    await _unmatched(session, transaction)
    if len(set(ids)) != len(ids):
        raise ValidationFailed("A line is listed twice.", field=["journalLineIds"])
    rows = (
        await session.execute(
            select(JournalLine.id, (JournalLine.debit - JournalLine.credit).label("amount"), live(JournalLine.id).label("taken"))
            .join(
                JournalEntry,
                and_(JournalEntry.organization_id == JournalLine.organization_id, JournalEntry.id == JournalLine.entry_id),
            )
            .where(*cash_lines(account), JournalLine.id.in_(ids), JournalEntry.source != EntrySource.OPENING_BALANCE)
        )
    ).all()
    found = {r.id: r for r in rows}
    for i, line_id in enumerate(ids):
        row = found.get(line_id)
        if row is None:
            raise NotMatchable(
                "This is not a line of the bank account's cash account (in its fund).", field=["journalLineIds", str(i)]
            )
        if row.taken:
            raise NotMatchable("This line is already matched to another transaction.", field=["journalLineIds", str(i)])
    total = sum((r.amount for r in rows), Decimal(0))
    if total != transaction.amount:
        raise NotMatchable(
            f"The lines add up to {total}, the transaction is {transaction.amount}.",
            field=["journalLineIds"],
            details={"field": ["journalLineIds"], "lines": str(total), "transaction": str(transaction.amount)},
        )
    await session.execute(
        insert(BankMatch), [_match_row(organization_id, account, transaction.id, i, MatchMethod.MANUAL, by) for i in ids]
    )


async def unmatch(session: AsyncSession, transaction: BankTransaction, by: UUID) -> int:
    await _open_transaction(session, transaction)
    result = await session.execute(
        update(BankMatch)
        .where(BankMatch.bank_transaction_id == transaction.id, BankMatch.unmatched_at.is_(None))
        .values(unmatched_at=func.now(), unmatched_by=by)
    )
    undone = int(result.rowcount)  # type: ignore[attr-defined]
    if not undone:
        raise NotMatched("This transaction is not matched.", field=["id"])
    return undone


async def create_entry(
    session: AsyncSession, organization_id: UUID, transaction: BankTransaction, data: Any, by: UUID
) -> JournalEntry:
    """Post the entry the books lack for a bank transaction (Dr cash / Cr the
    account for a deposit, the reverse for a withdrawal) and match its cash line."""
    account = await _open_transaction(session, transaction)
    await _unmatched(session, transaction)
    other: GlAccount = await require(session, GlAccount, data.account_id, "accountId")
    if other.id == account.gl_account_id:
        raise ValidationFailed("The other side can't be the bank account's own cash account.", field=["accountId"])
    amount, fund = abs(transaction.amount), account.fund_id
    memo = (transaction.description or "")[:200] or None
    deposit = transaction.amount > 0
    lines = [  # the cash line first: it is the one matched
        ledger.Posting(
            account.gl_account_id,
            fund,
            debit=amount if deposit else Decimal(0),
            credit=Decimal(0) if deposit else amount,
            memo=memo,
        ),
        ledger.Posting(other.id, fund, debit=Decimal(0) if deposit else amount, credit=amount if deposit else Decimal(0)),
    ]
    entry = await ledger.post(
        session,
        organization_id=organization_id,
        association_id=account.association_id,
        entry_date=transaction.posted_on,
        memo=(data.memo or transaction.description or f"Bank transaction {transaction.bank_transaction_id}")[:500],
        source=EntrySource.BANK,
        source_id=transaction.id,
        lines=lines,
        posted_by=by,
    )
    line_id = await session.scalar(select(JournalLine.id).where(JournalLine.entry_id == entry.id, JournalLine.line_no == 1))
    assert line_id is not None
    await session.execute(
        insert(BankMatch), [_match_row(organization_id, account, transaction.id, line_id, MatchMethod.CREATED, by)]
    )
    return entry


async def unmatched_of(session: AsyncSession, bank_account_id: UUID) -> Sequence[BankTransaction]:
    """A bank account's unmatched transactions, by date."""
    return (
        await session.scalars(
            select(BankTransaction)
            .where(BankTransaction.bank_account_id == bank_account_id, ~txn_matched())
            .order_by(BankTransaction.posted_on, BankTransaction.id)
        )
    ).all()


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[BankTransaction], Page]:
    page = Page(data.first, data.after, "posted_on")
    where = [visible, BankTransaction.bank_account_id == data.bank_account_id]
    if data.from_date is not None:
        where.append(BankTransaction.posted_on >= data.from_date)
    if data.to_date is not None:
        where.append(BankTransaction.posted_on <= data.to_date)
    if data.unmatched_only:
        where.append(~txn_matched())
    return (await session.scalars(page_statement(BankTransaction, page, where))).all(), page
