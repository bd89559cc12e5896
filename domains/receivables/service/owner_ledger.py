"""Payments, one-off charges, credits and returned payments on a unit's ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import ControlRole, EntrySource
from domains.associations.models import Unit
from domains.receivables.errors import (
    AllocationTooLarge,
    NotAPayment,
    PaymentAlreadyReturned,
    PaymentAlreadyVoided,
    UnknownCharge,
)
from domains.receivables.models import (
    EntryKind,
    OwnerLedgerAllocation,
    OwnerLedgerEntry,
    PaymentVoid,
)
from domains.receivables.schemas import OwnerLedgerAllocationRead, OwnerLedgerEntryRead
from domains.receivables.service import fund_of, income_account
from domains.receivables.service.book import Book, Charge
from graph.db import new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.pages import Page, page_statement

Posted = tuple[list[OwnerLedgerEntry], list[OwnerLedgerAllocation]]


async def _book_for(session: AsyncSession, organization_id: UUID, unit_id: UUID, posted_by: UUID | None) -> tuple[Unit, Book]:
    """The unit (INVALID_REFERENCE if it isn't one of this organization's), a
    book on its association, the unit locked and its open items loaded."""
    unit = await require(session, Unit, unit_id, "unitId")
    book = await Book.open(session, organization_id, unit.association_id, posted_by)
    await book.lock([unit.id])
    await book.load_open([unit.id])
    return unit, book


def _open_charge(book: Book, unit_id: UUID, charge_id: UUID, field: list[str]) -> Charge:
    charge = book.charges.get(charge_id)
    if charge is None or charge.unit_id != unit_id:
        raise UnknownCharge("This is not an open charge of the unit.", field=field)
    return charge


async def record_payment(session: AsyncSession, organization_id: UUID, data: Any, posted_by: UUID | None) -> Posted:
    unit, book = await _book_for(session, organization_id, data.unit_id, posted_by)
    if sum((a.amount for a in data.allocations), Decimal(0)) > data.amount:
        raise AllocationTooLarge("The allocations add up to more than the payment.", field=["allocations"])
    lot = book.lot(
        unit.id,
        EntryKind.PAYMENT,
        data.amount,
        on=data.received_on,
        fund_id=book.home_fund,
        memo=data.memo,
        method=data.method,
        reference=data.reference,
    )
    for i, allocation in enumerate(data.allocations):
        charge = _open_charge(book, unit.id, allocation.charge_id, ["allocations", str(i), "chargeId"])
        if allocation.amount > charge.open:
            raise AllocationTooLarge(f"Only {charge.open} of this charge is open.", field=["allocations", str(i), "amount"])
        book.apply(lot, charge, allocation.amount, data.received_on)
    book.settle(unit.id, data.received_on)
    return await book.post(source=EntrySource.PAYMENT, source_id=lot.id, memo=f"Payment, unit {unit.unit_number}")


async def charge(session: AsyncSession, organization_id: UUID, data: Any, posted_by: UUID | None) -> Posted:
    unit, book = await _book_for(session, organization_id, data.unit_id, posted_by)
    account = (
        (await income_account(session, unit.association_id, data.account_id, "accountId")).id
        if data.account_id
        else book.account(ControlRole.ASSESSMENT_INCOME)
    )
    fund = (await fund_of(session, unit.association_id, data.fund_id, "fundId")).id if data.fund_id else book.home_fund
    book.debit(
        unit.id,
        EntryKind.ADJUSTMENT,
        data.amount,
        on=data.entry_date,
        due=data.due_date or data.entry_date,
        fund_id=fund,
        account_id=account,
        memo=data.memo,
    )
    book.settle(unit.id, data.entry_date)
    return await book.post(source=EntrySource.ASSESSMENT, source_id=None, memo=f"Charge, unit {unit.unit_number}: {data.memo}")


async def credit(session: AsyncSession, organization_id: UUID, data: Any, posted_by: UUID | None) -> Posted:
    unit, book = await _book_for(session, organization_id, data.unit_id, posted_by)
    target = _open_charge(book, unit.id, data.charge_id, ["chargeId"]) if data.charge_id else None
    if data.account_id:
        account = (await income_account(session, unit.association_id, data.account_id, "accountId")).id
    else:
        account = target.account_id if target else book.account(ControlRole.ASSESSMENT_INCOME)
    if data.fund_id:
        fund = (await fund_of(session, unit.association_id, data.fund_id, "fundId")).id
        if target and fund != target.fund_id:
            raise ValidationFailed("A credit on a charge is in the charge's fund.", field=["fundId"])
    else:
        fund = target.fund_id if target else book.home_fund
    lot = book.lot(unit.id, EntryKind.CREDIT, data.amount, on=data.entry_date, fund_id=fund, account_id=account, memo=data.memo)
    if target is not None:
        book.apply(lot, target, min(data.amount, target.open), data.entry_date)
    book.settle(unit.id, data.entry_date)
    return await book.post(source=EntrySource.CREDIT, source_id=lot.id, memo=f"Credit, unit {unit.unit_number}: {data.memo}")


async def _reverse(
    session: AsyncSession,
    organization_id: UUID,
    payment: OwnerLedgerEntry,
    on: date,
    memo: str,
    posted_by: UUID | None,
    fee: Decimal = Decimal(0),
) -> Posted:
    """Take a payment back (returned by the bank, or voided): its applications are
    undone (the charges it paid are open again), it leaves cash and prepaid, a
    `fee` is charged, and any other credit the owner has goes on the reopened charges."""
    if payment.kind is not EntryKind.PAYMENT:
        raise NotAPayment("Only a payment can be taken back.", field=["id"])
    if on < payment.entry_date:
        raise ValidationFailed("A payment can't be taken back before it was received.", field=["returnedOn"])
    _, book = await _book_for(session, organization_id, payment.unit_id, posted_by)
    undone = await session.scalar(
        select(OwnerLedgerEntry.id).where(
            OwnerLedgerEntry.related_entry_id == payment.id, OwnerLedgerEntry.kind == EntryKind.PAYMENT_RETURN
        )
    )
    if undone is not None:
        voided = await session.scalar(select(PaymentVoid.id).where(PaymentVoid.payment_entry_id == payment.id))
        if voided is not None:
            raise PaymentAlreadyVoided("This payment has been voided.", field=["id"])
        raise PaymentAlreadyReturned("This payment has already been returned.", field=["id"])
    lot = await book.unapply(payment, on)
    book.give_back(payment, lot, on, memo)
    if fee > 0:
        book.debit(
            payment.unit_id,
            EntryKind.NSF_FEE,
            fee,
            on=on,
            due=on,
            fund_id=book.home_fund,
            account_id=book.account(ControlRole.NSF_FEE_INCOME),
            memo="Returned payment fee",
            related_entry_id=payment.id,
        )
    book.settle(payment.unit_id, on)
    return await book.post(source=EntrySource.PAYMENT_RETURN, source_id=payment.id, memo=memo)


async def return_payment(
    session: AsyncSession, organization_id: UUID, payment: OwnerLedgerEntry, data: Any, posted_by: UUID | None
) -> tuple[OwnerLedgerEntry, OwnerLedgerEntry | None, list[OwnerLedgerAllocation]]:
    """Undo a bounced payment, with its returned-payment fee."""
    rows, allocations = await _reverse(session, organization_id, payment, data.returned_on, data.memo, posted_by, data.fee)
    by_kind = {r.kind: r for r in rows}
    return by_kind[EntryKind.PAYMENT_RETURN], by_kind.get(EntryKind.NSF_FEE), allocations


async def void_payment(
    session: AsyncSession, organization_id: UUID, payment: OwnerLedgerEntry, data: Any, voided_by: UUID
) -> tuple[PaymentVoid, OwnerLedgerEntry, list[OwnerLedgerAllocation]]:
    """Void a payment entered in error: reversed like a bounce but without a fee,
    and the void row keeps the reason (and tells it from a bounce)."""
    try:
        rows, allocations = await _reverse(session, organization_id, payment, data.voided_on, f"Voided: {data.reason}", voided_by)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=["voidedOn"]) from None
    reversal = next(r for r in rows if r.kind is EntryKind.PAYMENT_RETURN)
    void = PaymentVoid(
        id=new_id(),
        organization_id=organization_id,
        association_id=payment.association_id,
        unit_id=payment.unit_id,
        payment_entry_id=payment.id,
        reversal_entry_id=reversal.id,
        voided_on=data.voided_on,
        reason=data.reason,
        voided_by=voided_by,
    )
    session.add(void)
    await session.flush()
    return void, reversal, allocations


async def entry_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[OwnerLedgerEntry], Page]:
    """Owner-ledger rows of an association or one unit, newest first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "seq", descending=True)
    where = [visible, OwnerLedgerEntry.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(OwnerLedgerEntry.unit_id == data.unit_id)
    if data.kind is not None:
        where.append(OwnerLedgerEntry.kind == data.kind)
    return (await session.scalars(page_statement(OwnerLedgerEntry, page, where))).all(), page


async def entry_reads(
    session: AsyncSession, rows: Sequence[OwnerLedgerEntry], allocations: Sequence[OwnerLedgerAllocation] | None = None
) -> list[Any]:
    """Rows as API models with the allocations touching each (paid by, or paid
    with, them): the ones given — an operation's own, for rows it just wrote —
    or read in one statement."""
    ids = [r.id for r in rows]
    if allocations is None:
        allocations = await allocations_of(session, ids)
    by_entry: dict[Any, list[Any]] = defaultdict(list)
    for a in allocations:
        read = OwnerLedgerAllocationRead.model_validate(a)
        by_entry[a.credit_entry_id].append(read)
        by_entry[a.charge_entry_id].append(read)
    return [OwnerLedgerEntryRead.model_validate(r).model_copy(update={"allocations": by_entry[r.id]}) for r in rows]


async def allocations_of(
    session: AsyncSession, entry_ids: list[UUID], visible: ColumnElement[bool] | None = None
) -> Sequence[OwnerLedgerAllocation]:
    """The allocations touching the entries (paid by, or paid with, them), oldest first."""
    A = OwnerLedgerAllocation
    where = [or_(A.credit_entry_id.in_(entry_ids), A.charge_entry_id.in_(entry_ids))]
    if visible is not None:
        where.append(visible)
    return (await session.scalars(select(A).where(*where).order_by(A.applied_on, A.created_at, A.id))).all()


async def fee(
    session: AsyncSession,
    organization_id: UUID,
    unit_id: UUID,
    amount: Decimal,
    on: Any,
    memo: str,
    posted_by: UUID | None,
    *,
    income: ControlRole,
    source: EntrySource,
    label: str,
) -> OwnerLedgerEntry:
    """A charge on one of the association's fee income control accounts (a
    violation fine, a certificate fee), in the home fund, due the day it is
    posted; the owner's unapplied credit pays it at once, as with any charge."""
    unit, book = await _book_for(session, organization_id, unit_id, posted_by)
    charge = book.debit(
        unit.id,
        EntryKind.ADJUSTMENT,
        amount,
        on=on,
        due=on,
        fund_id=book.home_fund,
        account_id=book.account(income),
        memo=memo,
    )
    book.settle(unit.id, on)
    rows, _ = await book.post(source=source, source_id=None, memo=f"{label}, unit {unit.unit_number}: {memo}")
    return next(r for r in rows if r.id == charge.id)


async def fine(
    session: AsyncSession, organization_id: UUID, unit_id: UUID, amount: Decimal, on: Any, memo: str, posted_by: UUID | None
) -> OwnerLedgerEntry:
    """A violation fine on the unit's ledger, on the fine income account (FINE_INCOME)."""
    return await fee(
        session,
        organization_id,
        unit_id,
        amount,
        on,
        memo,
        posted_by,
        income=ControlRole.FINE_INCOME,
        source=EntrySource.VIOLATION_FINE,
        label="Fine",
    )


async def collection_fee(
    session: AsyncSession, organization_id: UUID, unit_id: UUID, amount: Decimal, on: Any, memo: str, posted_by: UUID | None
) -> OwnerLedgerEntry:
    """A collection step's fee on the unit's ledger. Collection costs are late
    charges in the chart: the late-fee income account (LATE_FEE_INCOME)."""
    return await fee(
        session,
        organization_id,
        unit_id,
        amount,
        on,
        memo,
        posted_by,
        income=ControlRole.LATE_FEE_INCOME,
        source=EntrySource.COLLECTION_FEE,
        label="Collection fee",
    )


async def credit_fine(
    session: AsyncSession, organization_id: UUID, entry: OwnerLedgerEntry, on: Any, memo: str, posted_by: UUID | None
) -> OwnerLedgerEntry:
    """Give a fine back (an appeal overturned it)."""
    return await credit_back(session, organization_id, entry, on, memo, posted_by, "Fine credited", EntrySource.VIOLATION_FINE)


async def credit_back(
    session: AsyncSession,
    organization_id: UUID,
    entry: OwnerLedgerEntry,
    on: Any,
    memo: str,
    posted_by: UUID | None,
    why: str,
    source: EntrySource = EntrySource.CREDIT,
) -> OwnerLedgerEntry:
    """Give a charge back (an overturned fine, a returned deposit): a credit of
    its whole amount on its own income account and fund, applied to it while it
    is open (otherwise it is the owner's credit, which the next charges use)."""
    _, book = await _book_for(session, organization_id, entry.unit_id, posted_by)
    assert entry.account_id is not None, "a charge given back is a charge on an income account"
    lot = book.lot(
        entry.unit_id, EntryKind.CREDIT, entry.amount, on=on, fund_id=entry.fund_id, account_id=entry.account_id, memo=memo
    )
    target = book.charges.get(entry.id)
    if target is not None and target.open > 0:
        book.apply(lot, target, min(entry.amount, target.open), on)
    book.settle(entry.unit_id, on)
    rows, _ = await book.post(source=source, source_id=entry.id, memo=f"{why}: {memo}")
    return next(r for r in rows if r.id == lot.id)
