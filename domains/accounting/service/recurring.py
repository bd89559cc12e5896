"""Recurring journal entries: a template posted once a month on its day, by the
daily run (workflows.py) or when someone asks for the due ones now.

Each month of a template is decided exactly once — posted, skipped or refused —
as a row unique by (template, month), written in the same transaction as the
entry it posts, so a retried run, two runs at once or a run after someone asked
find the month decided and post nothing. A month the books refuse (closed, an
account made inactive) is recorded as refused with the books' error code and is
not tried again. An auto-reversing template posts the reversal with the entry,
dated the next month's first day. A paused template posts nothing; the months
that fell due while it was paused are recorded as skipped when it resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import NotAnOccurrence, OccurrenceDecided, RecurringEntryState
from domains.accounting.models import (
    EntrySource,
    OccurrenceStatus,
    RecurringEntry,
    RecurringEntryLine,
    RecurringEntryOccurrence,
    RecurringEntryStatus,
)
from domains.accounting.service import fiscal, ledger
from domains.accounting.service.ledger import Posting
from graph import durable
from graph.db import add_or_raise, new_id
from graph.errors import AppError
from graph.handlers import require
from graph.ids import encode
from graph.pages import Page, page_statement

SCHEDULE = "post-recurring-entries"


def occurrence_date(entry: RecurringEntry, period: date) -> date | None:
    """The day `period`'s occurrence is dated, or None if the month has none."""
    day = period.replace(day=entry.day_of_month)
    if day < entry.starts_on or (entry.ends_on is not None and day > entry.ends_on):
        return None
    return day


def due_periods(entry: RecurringEntry, as_of: date) -> list[date]:
    """The months whose occurrence is dated on or before `as_of`, oldest first."""
    periods, month = [], entry.starts_on.replace(day=1)
    while (day := month.replace(day=entry.day_of_month)) <= as_of:
        if entry.ends_on is not None and day > entry.ends_on:
            break
        if day >= entry.starts_on:
            periods.append(month)
        month = fiscal.months_after(month, 1)
    return periods


def _postings(lines: Sequence[Any]) -> list[Posting]:
    return [Posting(ln.account_id, ln.fund_id, ln.debit, ln.credit, memo=ln.memo) for ln in lines]


async def create(session: AsyncSession, organization_id: UUID, data: Any, by: UUID | None) -> RecurringEntry:
    """A new template, its lines checked as a manual entry's would be."""
    postings = _postings(data.lines)
    ledger.check_balanced(postings)
    await ledger.check_references(session, data.association_id, postings, EntrySource.RECURRING)
    entry = RecurringEntry(
        id=new_id(),
        organization_id=organization_id,
        association_id=data.association_id,
        memo=data.memo,
        day_of_month=data.day_of_month,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        auto_reverse=data.auto_reverse,
        status=RecurringEntryStatus.ACTIVE,
        created_by=by,
    )
    session.add(entry)
    await session.flush()
    session.add_all(
        RecurringEntryLine(
            organization_id=organization_id,
            association_id=data.association_id,
            recurring_entry_id=entry.id,
            line_no=n,
            account_id=ln.account_id,
            fund_id=ln.fund_id,
            debit=ln.debit,
            credit=ln.credit,
            memo=ln.memo,
        )
        for n, ln in enumerate(data.lines, start=1)
    )
    await session.flush()
    await session.refresh(entry)
    return entry


async def lines_of(session: AsyncSession, entry_ids: Sequence[UUID]) -> list[RecurringEntryLine]:
    return list(
        await session.scalars(
            select(RecurringEntryLine)
            .where(RecurringEntryLine.recurring_entry_id.in_(entry_ids))
            .order_by(RecurringEntryLine.recurring_entry_id, RecurringEntryLine.line_no)
        )
    )


async def _decided(session: AsyncSession, entry_ids: Sequence[UUID]) -> set[tuple[UUID, date]]:
    rows = await session.execute(
        select(RecurringEntryOccurrence.recurring_entry_id, RecurringEntryOccurrence.period).where(
            RecurringEntryOccurrence.recurring_entry_id.in_(entry_ids)
        )
    )
    return {(entry_id, period) for entry_id, period in rows}


def _occurrence(entry: RecurringEntry, period: date, status: OccurrenceStatus, by: UUID | None, **more: Any) -> Any:
    return RecurringEntryOccurrence(
        id=new_id(),
        organization_id=entry.organization_id,
        association_id=entry.association_id,
        recurring_entry_id=entry.id,
        period=period,
        status=status,
        decided_by=by,
        **more,
    )


async def _post_one(
    session: AsyncSession, entry: RecurringEntry, lines: list[Posting], period: date, by: UUID | None
) -> RecurringEntryOccurrence:
    """Post one month (and its reversal), or record why the books refused it."""
    on = occurrence_date(entry, period)
    assert on is not None
    occurrence = _occurrence(entry, period, OccurrenceStatus.POSTED, by)
    try:
        async with session.begin_nested():
            posted = await ledger.post(
                session,
                organization_id=entry.organization_id,
                association_id=entry.association_id,
                entry_date=on,
                memo=entry.memo,
                source=EntrySource.RECURRING,
                source_id=occurrence.id,
                lines=lines,
                posted_by=by,
            )
            occurrence.entry_id = posted.id
            if entry.auto_reverse:
                reversal = await ledger.reverse(
                    session,
                    posted,
                    on=fiscal.months_after(period, 1),
                    memo=f"Reversal of {on:%B %Y}'s accrual: {entry.memo}"[:500],
                    posted_by=by,
                    source=EntrySource.RECURRING,
                )
                occurrence.reversal_entry_id = reversal.id
            session.add(occurrence)
            await session.flush()
    except AppError as refusal:
        occurrence = _occurrence(
            entry, period, OccurrenceStatus.REFUSED, by, refusal_code=str(refusal.code), reason=refusal.message[:500]
        )
        session.add(occurrence)
        await session.flush()
    return occurrence


async def post_due(session: AsyncSession, association_id: UUID, as_of: date, by: UUID | None) -> list[RecurringEntryOccurrence]:
    """Decide every month of the association's active templates dated on or
    before `as_of` and not decided yet; the templates are locked meanwhile, so
    two runs decide each month once."""
    entries = list(
        await session.scalars(
            select(RecurringEntry)
            .where(RecurringEntry.association_id == association_id, RecurringEntry.status == RecurringEntryStatus.ACTIVE)
            .order_by(RecurringEntry.created_at, RecurringEntry.id)
            .with_for_update()
        )
    )
    if not entries:
        return []
    decided = await _decided(session, [e.id for e in entries])
    lines: dict[UUID, list[Posting]] = {}
    for line in await lines_of(session, [e.id for e in entries]):
        lines.setdefault(line.recurring_entry_id, []).append(
            Posting(line.account_id, line.fund_id, line.debit, line.credit, memo=line.memo)
        )
    due = [(entry, period) for entry in entries for period in due_periods(entry, as_of) if (entry.id, period) not in decided]
    # One at a time, in order: each posts in its own savepoint of the session.
    return [await _post_one(session, entry, lines[entry.id], period, by) for entry, period in due]


async def post_due_daily(session: AsyncSession, organization_id: UUID, association_id: UUID, as_of: date) -> int:
    """The daily run's months for one association, with their audit row (the
    system acts); how many were decided."""
    done = await post_due(session, association_id, as_of, None)
    if done:
        durable.audit(
            session,
            organization_id,
            "recurringEntry/postDue",
            [encode("rjo", o.id) for o in done],
            {"associationId": encode("asn", association_id), "asOf": as_of.isoformat(), "decided": len(done)},
        )
    return len(done)


async def _locked(session: AsyncSession, entry_id: UUID) -> RecurringEntry:
    entry: RecurringEntry = await require(session, RecurringEntry, entry_id, "id", lock=True)
    return entry


async def pause(session: AsyncSession, entry_id: UUID) -> RecurringEntry:
    entry = await _locked(session, entry_id)
    if entry.status is RecurringEntryStatus.PAUSED:
        raise RecurringEntryState("This recurring entry is already paused.", field=["id"])
    entry.status = RecurringEntryStatus.PAUSED
    await session.flush()
    await session.refresh(entry)
    return entry


async def resume(session: AsyncSession, entry_id: UUID, today: date, by: UUID | None) -> tuple[RecurringEntry, int]:
    """Active again; the months that fell due while paused are skipped. Returns
    the entry and how many months were skipped."""
    entry = await _locked(session, entry_id)
    if entry.status is RecurringEntryStatus.ACTIVE:
        raise RecurringEntryState("This recurring entry is active, not paused.", field=["id"])
    decided = await _decided(session, [entry.id])
    missed = [p for p in due_periods(entry, today) if (entry.id, p) not in decided]
    session.add_all(
        _occurrence(entry, p, OccurrenceStatus.SKIPPED, by, reason="Fell due while the recurring entry was paused.")
        for p in missed
    )
    entry.status = RecurringEntryStatus.ACTIVE
    await session.flush()
    await session.refresh(entry)
    return entry, len(missed)


async def skip(session: AsyncSession, entry_id: UUID, period: date, reason: str, by: UUID | None) -> RecurringEntryOccurrence:
    entry = await _locked(session, entry_id)
    month = period.replace(day=1)
    if occurrence_date(entry, month) is None:
        raise NotAnOccurrence(f"{month:%B %Y} has no occurrence of this recurring entry.", field=["period"])
    occurrence = _occurrence(entry, month, OccurrenceStatus.SKIPPED, by, reason=reason)
    await add_or_raise(
        session, occurrence, OccurrenceDecided(f"{month:%B %Y} was already posted, skipped or refused.", field=["period"])
    )
    await session.refresh(occurrence)
    return occurrence


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[RecurringEntry], Page]:
    """An association's recurring entries, newest first:
    the page `data` asks for, of the rows `visible` admits."""
    pg = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, RecurringEntry.association_id == data.association_id]
    if data.status is not None:
        where.append(RecurringEntry.status == data.status)
    return (await session.scalars(page_statement(RecurringEntry, pg, where))).all(), pg


async def occurrence_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[RecurringEntryOccurrence], Page]:
    """A recurring entry's months, latest first:
    the page `data` asks for, of the rows `visible` admits."""
    pg = Page(data.first, data.after, "period", descending=True)
    where = [visible, RecurringEntryOccurrence.recurring_entry_id == data.recurring_entry_id]
    if data.status is not None:
        where.append(RecurringEntryOccurrence.status == data.status)
    return (await session.scalars(page_statement(RecurringEntryOccurrence, pg, where))).all(), pg


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) of every active template, across
    organizations (a SECURITY DEFINER function: the daily run has no
    organization yet, and learns nothing else)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM recurring_entry_targets()"))).all()
    return [(org, association) for org, association in rows]
