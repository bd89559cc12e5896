"""The year-end close: each fund's income and expenses of a fiscal year posted
into its fund-balance account, so the books carry the close the reports used to
work out.

The closing entry is dated the year's last day, once every month of the year is
closed (the close can close them itself, through the same checks as
`fiscalPeriod/v1/close`): it is the one posting a closed month admits. Each
income and expense account × fund is zeroed in each view of the books (a line in
both views when the two agree, one per view when they don't), against the
fund's fund balance, so every fund balances on its own in both views.

Closing twice changes nothing (the standing close is returned). A close is
undone only by its reversal, dated the same day; the row stays, marked
reversed, and the year may be closed again.

The reports read the books either way and agree (service/reports.py): a year's
own closing postings are left out of its reports — a balance sheet or income
statement as of a day in the year shows the year's activity — and earlier
years' are read as they stand, moving into fund balance exactly what the
reports' own close would have moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import MonthsOpen, YearCloseReversed, YearNotEnded
from domains.accounting.models import (
    AccountType,
    Basis,
    ControlRole,
    EntrySource,
    FiscalPeriodClose,
    FiscalYearClose,
    GlAccount,
    JournalEntry,
    JournalLine,
)
from domains.accounting.service import fiscal, ledger
from domains.accounting.service.ledger import Posting
from domains.associations.models import Association
from graph.db import new_id
from graph.handlers import require
from graph.pages import Page, page_statement


def year_span(association: Association, fiscal_year: int) -> tuple[date, date]:
    """First and last day of the association's fiscal year."""
    start_month = association.fiscal_year_start_month
    return fiscal.year_start(fiscal_year, start_month), fiscal.year_end(fiscal_year, start_month)


def months_of(first: date) -> list[date]:
    return [fiscal.months_after(first, n) for n in range(12)]


async def standing(session: AsyncSession, association_id: UUID, fiscal_year: int) -> FiscalYearClose | None:
    """The year's close in force (not reversed), if any."""
    return await session.scalar(
        select(FiscalYearClose).where(
            FiscalYearClose.association_id == association_id,
            FiscalYearClose.fiscal_year == fiscal_year,
            FiscalYearClose.reversed_at.is_(None),
        )
    )


async def _nets(session: AsyncSession, association_id: UUID, first: date, last: date) -> list[Any]:
    """Per income or expense account × fund: debit − credit over the year, in
    the accrual and in the cash view."""
    net = JournalLine.debit - JournalLine.credit

    def in_view(view: Basis) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((JournalLine.basis.in_([Basis.BOTH, view]), net), else_=0)), 0)

    statement = (
        select(JournalLine.account_id, JournalLine.fund_id, in_view(Basis.ACCRUAL), in_view(Basis.CASH))
        .join(GlAccount, GlAccount.id == JournalLine.account_id)
        .where(
            JournalLine.association_id == association_id,
            JournalLine.entry_date.between(first, last),
            GlAccount.type.in_([AccountType.INCOME, AccountType.EXPENSE]),
        )
        .group_by(JournalLine.account_id, JournalLine.fund_id)
        .order_by(JournalLine.fund_id, JournalLine.account_id)
    )
    return list((await session.execute(statement)).all())


def _zeroing(account_id: UUID, fund_id: UUID, net: Decimal, basis: Basis) -> Posting:
    """The line that brings a debit − credit balance of `net` to zero."""
    return Posting(account_id, fund_id, debit=max(-net, Decimal(0)), credit=max(net, Decimal(0)), basis=basis)


def closing_lines(nets: Sequence[Any], fund_balance: dict[UUID, UUID]) -> list[Posting]:
    """The closing entry's lines: each account × fund zeroed per view, each
    fund's fund balance taking the difference."""
    lines: list[Posting] = []
    into: dict[UUID, dict[Basis, Decimal]] = defaultdict(lambda: {Basis.ACCRUAL: Decimal(0), Basis.CASH: Decimal(0)})
    for account_id, fund_id, accrual, cash in nets:
        views = {Basis.BOTH: accrual} if accrual == cash else {Basis.ACCRUAL: accrual, Basis.CASH: cash}
        for basis, net in views.items():
            if net:
                lines.append(_zeroing(account_id, fund_id, net, basis))
        into[fund_id][Basis.ACCRUAL] += accrual
        into[fund_id][Basis.CASH] += cash
    for fund_id, totals in into.items():
        accrual, cash = totals[Basis.ACCRUAL], totals[Basis.CASH]
        # The fund balance takes what the zeroing lines moved: the opposite of their effect.
        views = {Basis.BOTH: accrual} if accrual == cash else {Basis.ACCRUAL: accrual, Basis.CASH: cash}
        for basis, net in views.items():
            if net:
                lines.append(_zeroing(fund_balance[fund_id], fund_id, -net, basis))
    return lines


async def close_year(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    fiscal_year: int,
    *,
    close_open_months: bool,
    today: date,
    by: UUID,
) -> tuple[FiscalYearClose, bool]:
    """Close the fiscal year; returns the close and whether this call made it
    (False: it was closed already, and nothing changed)."""
    association: Association = await require(session, Association, association_id, "associationId", lock=True)
    existing = await standing(session, association_id, fiscal_year)
    if existing is not None:
        return existing, False
    first, last = year_span(association, fiscal_year)
    if last >= today:
        raise YearNotEnded(
            f"Fiscal year {fiscal_year} runs to {last.isoformat()}; it can be closed from the day after.",
            field=["fiscalYear"],
        )
    closed = set(
        await session.scalars(
            select(FiscalPeriodClose.month).where(
                FiscalPeriodClose.association_id == association_id, FiscalPeriodClose.month.between(first, last)
            )
        )
    )
    still_open = [m for m in months_of(first) if m not in closed]
    if still_open and not close_open_months:
        raise MonthsOpen(
            f"{len(still_open)} month(s) of fiscal year {fiscal_year} are open: close them first, or ask for closeOpenMonths.",
            field=["fiscalYear"],
            details={"field": ["fiscalYear"], "months": [m.isoformat() for m in still_open]},
        )
    for month in still_open:
        await fiscal.close(session, organization_id, association_id, month, by)
    nets = await _nets(session, association_id, first, last)
    funds = {fund_id for _, fund_id, accrual, cash in nets if accrual or cash}
    accounts = await ledger.control_accounts(session, association_id)
    fund_balance = {fund_id: ledger.control(accounts, ControlRole.FUND_BALANCE, fund_id).id for fund_id in funds}
    row = FiscalYearClose(
        id=new_id(), organization_id=organization_id, association_id=association_id, fiscal_year=fiscal_year, closed_by=by
    )
    lines = closing_lines(nets, fund_balance)
    if lines:
        entry = await ledger.post(
            session,
            organization_id=organization_id,
            association_id=association_id,
            entry_date=last,
            memo=f"Year-end close of fiscal year {fiscal_year}",
            source=EntrySource.YEAR_END_CLOSE,
            source_id=row.id,
            lines=lines,
            posted_by=by,
            checked=True,
        )
        row.entry_id = entry.id
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row, True


async def reverse_close(session: AsyncSession, close: FiscalYearClose, *, reason: str, by: UUID | None) -> FiscalYearClose:
    """Undo a close by reversing its entry on the same day; the row stays, marked reversed."""
    locked = await session.scalar(select(FiscalYearClose).where(FiscalYearClose.id == close.id).with_for_update())
    assert locked is not None
    if locked.reversed_at is not None:
        raise YearCloseReversed(f"The close of fiscal year {locked.fiscal_year} was already undone.", field=["id"])
    if locked.entry_id is not None:
        entry = await session.get(JournalEntry, locked.entry_id)
        assert entry is not None
        reversal = await ledger.reverse(
            session,
            entry,
            on=entry.entry_date,
            memo=f"Reversal of the year-end close of fiscal year {locked.fiscal_year}: {reason}"[:500],
            posted_by=by,
            source=EntrySource.YEAR_END_CLOSE,
        )
        locked.reversal_entry_id = reversal.id
    locked.reversed_at = func.now()
    locked.reversed_by = by
    locked.reversal_reason = reason
    await session.flush()
    await session.refresh(locked)
    return locked


async def close_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[FiscalYearClose], Page]:
    """An association's year-end closes, reversed ones included, latest close first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "closed_at", descending=True)
    where = [visible, FiscalYearClose.association_id == data.association_id]
    if data.fiscal_year is not None:
        where.append(FiscalYearClose.fiscal_year == data.fiscal_year)
    return (await session.scalars(page_statement(FiscalYearClose, page, where))).all(), page
