"""Lockbox import: the bank's file of payments it received for the association
(account — the coupon's unit number —, amount, check number, date) becomes
payments on the units' ledgers, all in the import's transaction; a line that
names no unit, or whose amount or date can't be read, is queued as an
exception for a person, who posts it to the unit they identify.

Idempotent per file and per line: a file is known by its digest (a second
import finds the first and posts nothing), and each line is one item (unique
per file and line number). Posting goes through the receivables `Book` for all
the file's units at once: one lock, one read of their open items, one journal
entry per deposit date."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import EntrySource
from domains.associations.errors import ImportRejected
from domains.associations.models import Association, Unit
from domains.receivables.errors import NotAnException
from domains.receivables.models import EntryKind, LockboxFile, LockboxItem, LockboxItemStatus, PaymentMethod
from domains.receivables.service.book import Book
from graph.db import new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
COLUMNS = ("account", "amount", "checkNumber", "date")


def _read(row: dict[str, str | None]) -> tuple[dict[str, Any], str | None]:
    """A line's fields, and what is wrong with it (None when it can be posted, unit aside)."""
    account = (row.get("account") or "").strip()[:40] or None
    check = (row.get("checkNumber") or "").strip()[:20] or None
    item: dict[str, Any] = {"account": account, "check_number": check, "amount": None, "paid_on": None}
    problems = []
    try:
        amount = Decimal((row.get("amount") or "").replace(",", "").replace("$", "").strip())
        if amount <= 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e12"):
            raise InvalidOperation
        item["amount"] = amount
    except InvalidOperation:
        problems.append("the amount isn't a positive sum of money")
    try:
        item["paid_on"] = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        problems.append("the date isn't YYYY-MM-DD")
    if problems:
        return item, "; ".join(problems)
    if account is None:
        return item, "the line names no account"
    return item, None


async def import_file(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> tuple[LockboxFile, bool]:
    """(file, already imported)."""
    association = await require(session, Association, data.association_id, "associationId", lock=True)
    digest = hashlib.sha256(data.csv.encode()).hexdigest()
    earlier = await session.scalar(
        select(LockboxFile).where(LockboxFile.association_id == association.id, LockboxFile.digest == digest)
    )
    if earlier is not None:
        return earlier, True
    reader = csv.DictReader(io.StringIO(data.csv))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(f"The file has no column {', '.join(missing)} (header: {','.join(COLUMNS)}).", field=["csv"])
    lines = [_read(row) for row in reader]
    if not lines:
        raise ImportRejected("The file has no lines.", field=["csv"])
    accounts = sorted({item["account"] for item, problem in lines if problem is None})
    units = dict(
        (
            await session.execute(
                select(Unit.unit_number, Unit.id).where(Unit.association_id == association.id, Unit.unit_number.in_(accounts))
            )
        ).all()
    )
    file = LockboxFile(
        id=new_id(),
        organization_id=organization_id,
        association_id=association.id,
        digest=digest,
        line_count=len(lines),
        posted_count=0,
        exception_count=0,
        total=sum((item["amount"] or Decimal(0) for item, _ in lines), Decimal(0)),
        imported_by=by,
    )
    items: list[dict[str, Any]] = []
    book = await Book.open(session, organization_id, association.id, by)
    await book.lock(sorted(set(units.values())))
    await book.load_open(sorted(set(units.values())))
    for line_no, (item, problem) in enumerate(lines, start=1):
        unit_id = units.get(item["account"]) if problem is None else None
        if problem is None and unit_id is None:
            problem = f"no unit numbered {item['account']}"
        row = {
            "id": new_id(),
            "organization_id": organization_id,
            "association_id": association.id,
            "file_id": file.id,
            "line_no": line_no,
            **item,
            "status": LockboxItemStatus.EXCEPTION if problem else LockboxItemStatus.POSTED,
            "problem": problem,
            "unit_id": unit_id,
            "payment_entry_id": None,
        }
        if unit_id is not None:
            lot = book.lot(
                unit_id,
                EntryKind.PAYMENT,
                item["amount"],
                on=item["paid_on"],
                fund_id=book.home_fund,
                memo="Payment received (lockbox)",
                method=PaymentMethod.CHECK,
                reference=item["check_number"],
            )
            row["payment_entry_id"] = lot.id
        items.append(row)
    # One pass per unit from its first deposit day: a settle applies every lot of
    # the unit, each dated no earlier than its own day, so later days find nothing left.
    first_day: dict[UUID, date] = {}
    for r in items:
        if r["unit_id"] is not None:
            first_day[r["unit_id"]] = min(first_day.get(r["unit_id"], r["paid_on"]), r["paid_on"])
    for unit_id in sorted(first_day):
        book.settle(unit_id, first_day[unit_id])
    file.posted_count = sum(1 for r in items if r["status"] is LockboxItemStatus.POSTED)
    file.exception_count = len(items) - file.posted_count
    session.add(file)
    await session.flush()
    if book.rows:
        await book.post(source=EntrySource.PAYMENT, source_id=file.id, memo="Lockbox payments")
    for start in range(0, len(items), 2000):
        await session.execute(insert(LockboxItem), items[start : start + 2000])
    await session.refresh(file)
    return file, False


async def resolve(session: AsyncSession, organization_id: UUID, item: LockboxItem, data: Any, by: UUID) -> LockboxItem:
    """Post an exception to the unit a person identified."""
    await session.refresh(item, with_for_update=True)
    if item.status is not LockboxItemStatus.EXCEPTION:
        raise NotAnException("This lockbox line isn't an exception.", field=["id"])
    unit: Unit = await require(session, Unit, data.unit_id, "unitId")
    if unit.association_id != item.association_id:
        raise ValidationFailed("The unit is in another association.", field=["unitId"])
    amount, paid_on = data.amount or item.amount, data.paid_on or item.paid_on
    if amount is None or paid_on is None:
        raise ValidationFailed(
            "The line's amount or date couldn't be read: give them.", field=["amount" if amount is None else "paidOn"]
        )
    book = await Book.open(session, organization_id, item.association_id, by)
    await book.lock([unit.id])
    await book.load_open([unit.id])
    lot = book.lot(
        unit.id,
        EntryKind.PAYMENT,
        amount,
        on=paid_on,
        fund_id=book.home_fund,
        memo="Payment received (lockbox)",
        method=PaymentMethod.CHECK,
        reference=item.check_number,
    )
    book.settle(unit.id, paid_on)
    await book.post(source=EntrySource.PAYMENT, source_id=item.file_id, memo=f"Lockbox payment, unit {unit.unit_number}")
    await session.execute(
        update(LockboxItem)
        .where(LockboxItem.id == item.id)
        .values(
            status=LockboxItemStatus.RESOLVED,
            unit_id=unit.id,
            payment_entry_id=lot.id,
            resolved_by=by,
            resolved_at=func.now(),
        )
    )
    await session.refresh(item)
    return item


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[LockboxItem], Page]:
    page = Page(data.first, data.after, "line_no")
    where = [visible, LockboxItem.association_id == data.association_id]
    if data.file_id is not None:
        where.append(LockboxItem.file_id == data.file_id)
    if data.status is not None:
        where.append(LockboxItem.status == data.status)
    return (await session.scalars(page_statement(LockboxItem, page, where))).all(), page
