"""Posting to the general ledger: the one way anything — a manual entry, a levy,
a payment, a vendor invoice — reaches the books.

`post()` checks in Python what the database would refuse anyway (balance per
fund and view, open month, accounts and funds of this association), so the
caller gets a clear error code instead of a constraint violation; the
database triggers stay as the guarantee. Nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import (
    AlreadyReversed,
    ControlAccountMissing,
    FundMismatch,
    NotReversible,
    OwnerLedgerAccount,
    PeriodClosed,
    UnbalancedEntry,
    UnknownAccount,
    UnknownFund,
)
from domains.accounting.models import (
    Basis,
    ControlRole,
    EntrySource,
    FiscalPeriodClose,
    Fund,
    GlAccount,
    JournalEntry,
    JournalLine,
)
from graph.db import new_id
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
# Receivables keeps each unit's owner ledger equal to these accounts (the
# database checks it per entry at commit), so only its postings touch them and
# only it corrects them.
OWNER_LEDGER_ROLES = frozenset({ControlRole.ACCOUNTS_RECEIVABLE, ControlRole.PREPAID_ASSESSMENTS})
OWNER_LEDGER_SOURCES = frozenset(
    {EntrySource.ASSESSMENT, EntrySource.LATE_FEE, EntrySource.PAYMENT, EntrySource.PAYMENT_RETURN, EntrySource.CREDIT}
)


@dataclass(frozen=True)
class Posting:
    """One line to post: a debit or a credit of `account_id` in `fund_id`."""

    account_id: UUID
    fund_id: UUID
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    basis: Basis = Basis.BOTH
    unit_id: UUID | None = None
    memo: str | None = None


def check_balanced(lines: Sequence[Posting]) -> None:
    """Debits equal credits per fund in the accrual view and in the cash view."""
    if len(lines) < 2:
        raise UnbalancedEntry("An entry needs at least two lines.", field=["lines"])
    for line in lines:
        for amount in (line.debit, line.credit):
            if amount < 0 or amount != amount.quantize(CENT):
                raise UnbalancedEntry("Amounts are non-negative with at most two decimals.", field=["lines"])
        if (line.debit == 0) == (line.credit == 0):
            raise UnbalancedEntry("Each line is either a debit or a credit, not both or neither.", field=["lines"])
    for view in (Basis.ACCRUAL, Basis.CASH):
        totals: dict[UUID, Decimal] = defaultdict(Decimal)
        for line in lines:
            if line.basis in (Basis.BOTH, view):
                totals[line.fund_id] += line.debit - line.credit
        for fund, difference in totals.items():
            if difference:
                raise UnbalancedEntry(
                    f"Debits and credits differ by {abs(difference)} in a fund ({view.value} view).",
                    field=["lines"],
                    details={"field": ["lines"], "fundId": str(fund), "view": view.value, "difference": str(difference)},
                )


async def check_open(session: AsyncSession, association_id: UUID, on: date) -> None:
    closed = await session.scalar(
        select(FiscalPeriodClose.id).where(
            FiscalPeriodClose.association_id == association_id, FiscalPeriodClose.month == on.replace(day=1)
        )
    )
    if closed is not None:
        raise PeriodClosed(
            f"{on:%B %Y} is closed; post into an open month (a correction goes in the current one).", field=["entryDate"]
        )


async def check_references(session: AsyncSession, association_id: UUID, lines: Sequence[Posting], source: EntrySource) -> None:
    account_ids = {line.account_id for line in lines}
    accounts = {
        a.id: a
        for a in (
            await session.scalars(
                select(GlAccount).where(GlAccount.association_id == association_id, GlAccount.id.in_(account_ids))
            )
        ).all()
    }
    fund_ids = {line.fund_id for line in lines}
    funds = set(
        (await session.scalars(select(Fund.id).where(Fund.association_id == association_id, Fund.id.in_(fund_ids)))).all()
    )
    for i, line in enumerate(lines):
        account = accounts.get(line.account_id)
        if account is None or not account.is_active:
            raise UnknownAccount("No active account of this association has this id.", field=["lines", str(i), "accountId"])
        if account.control in OWNER_LEDGER_ROLES and source not in OWNER_LEDGER_SOURCES:
            raise OwnerLedgerAccount(
                f"Account {account.number} is kept by the owner ledger: post charges, payments and credits through "
                "receivables (ownerLedgerEntryCharge, ownerLedgerEntryCredit, paymentRecord).",
                field=["lines", str(i), "accountId"],
            )
        if line.fund_id not in funds:
            raise UnknownFund("No fund of this association has this id.", field=["lines", str(i), "fundId"])
        if account.fund_id is not None and account.fund_id != line.fund_id:
            raise FundMismatch(f"Account {account.number} belongs to another fund.", field=["lines", str(i), "fundId"])


async def post(
    session: AsyncSession,
    *,
    organization_id: UUID,
    association_id: UUID,
    entry_date: date,
    memo: str,
    source: EntrySource,
    lines: Sequence[Posting],
    source_id: UUID | None = None,
    reverses_entry_id: UUID | None = None,
    posted_by: UUID | None = None,
    checked: bool = False,
) -> JournalEntry:
    """Post one balanced entry. `checked=True` skips the reference checks when the
    caller built the lines from accounts it has just read (a levy of 100 units)."""
    check_balanced(lines)
    if source is not EntrySource.YEAR_END_CLOSE:
        # A year's closing entry (and its reversal) is dated its last day, in a
        # month already closed: the one posting a closed month admits (the
        # period trigger agrees); service/closing.py decides when it may.
        await check_open(session, association_id, entry_date)
    if not checked:
        await check_references(session, association_id, lines, source)
    entry = JournalEntry(
        id=new_id(),
        organization_id=organization_id,
        association_id=association_id,
        entry_date=entry_date,
        memo=memo,
        source=source,
        source_id=source_id,
        reverses_entry_id=reverses_entry_id,
        posted_by=posted_by,
    )
    session.add(entry)
    await session.flush()
    await session.execute(
        insert(JournalLine),
        [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": association_id,
                "entry_id": entry.id,
                "line_no": n,
                "entry_date": entry_date,
                "account_id": line.account_id,
                "fund_id": line.fund_id,
                "debit": line.debit,
                "credit": line.credit,
                "basis": line.basis,
                "unit_id": line.unit_id,
                "memo": line.memo,
            }
            for n, line in enumerate(lines, start=1)
        ],
    )
    return entry


async def lines_of(session: AsyncSession, entry_ids: Sequence[UUID]) -> list[JournalLine]:
    return list(
        (
            await session.scalars(
                select(JournalLine).where(JournalLine.entry_id.in_(entry_ids)).order_by(JournalLine.entry_id, JournalLine.line_no)
            )
        ).all()
    )


async def reverse(
    session: AsyncSession,
    entry: JournalEntry,
    *,
    on: date,
    memo: str | None = None,
    posted_by: UUID | None = None,
    source: EntrySource = EntrySource.REVERSAL,
    source_id: UUID | None = None,
) -> JournalEntry:
    """Post the mirror image of `entry` on `on`, linked to it. An entry is reversed
    at most once, and a reversal is not itself reversed (post a new entry). A
    reversal keeps the `source` the reports must read it by: a year-end close's
    reversal is itself a closing posting; any other is a `reversal`."""
    if entry.reverses_entry_id is not None:
        raise NotReversible("This entry is a reversal; post a new entry instead of reversing it.", field=["id"])
    if entry.source in OWNER_LEDGER_SOURCES:
        raise NotReversible(
            "This entry was posted by receivables; correct it there (a credit, a returned payment), "
            "which keeps the owner ledger in step.",
            field=["id"],
        )
    if on < entry.entry_date:
        raise NotReversible("A reversal can't be dated before the entry it reverses.", field=["entryDate"])
    already = await session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry.id))
    if already is not None:
        raise AlreadyReversed("This entry has already been reversed.", field=["id"])
    originals = await lines_of(session, [entry.id])
    mirrored = [Posting(o.account_id, o.fund_id, o.credit, o.debit, o.basis, o.unit_id, o.memo) for o in originals]
    return await post(
        session,
        organization_id=entry.organization_id,
        association_id=entry.association_id,
        entry_date=on,
        memo=memo or f"Reversal of entry {entry.number}: {entry.memo}"[:500],
        source=source,
        source_id=source_id or entry.source_id,
        lines=mirrored,
        reverses_entry_id=entry.id,
        posted_by=posted_by,
        checked=True,
    )


async def control_accounts(session: AsyncSession, association_id: UUID) -> dict[tuple[ControlRole, UUID | None], GlAccount]:
    """The association's control accounts by (role, fund) — fund None for income roles."""
    rows = (
        await session.scalars(select(GlAccount).where(GlAccount.association_id == association_id, GlAccount.control.is_not(None)))
    ).all()
    return {(a.control, a.fund_id): a for a in rows}  # type: ignore[misc]


def control(
    accounts: dict[tuple[ControlRole, UUID | None], GlAccount], role: ControlRole, fund_id: UUID | None = None
) -> GlAccount:
    account = accounts.get((role, fund_id))
    if account is None or not account.is_active:
        raise ControlAccountMissing(
            f"The association has no active {role.value.replace('_', ' ')} account" + (" for this fund." if fund_id else "."),
            details={"control": role.value, "fundId": str(fund_id) if fund_id else None},
        )
    return account


async def entry_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[JournalEntry], Page]:
    """An association's journal entries, newest posting first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "number", descending=True)
    where = [visible, JournalEntry.association_id == data.association_id]
    if data.from_date is not None:
        where.append(JournalEntry.entry_date >= data.from_date)
    if data.to_date is not None:
        where.append(JournalEntry.entry_date <= data.to_date)
    if data.source is not None:
        where.append(JournalEntry.source == data.source)
    return (await session.scalars(page_statement(JournalEntry, page, where))).all(), page
