"""Building the NACHA files we send: the autopay debits of an association's
due date, owners' one-time debits, and the ACH vendor payments waiting to go out.

Autopay, per association and due date (at most one debit file: a unique index,
so a workflow replayed after a crash finds the file its first run wrote): every
active debit authorization with autopay on whose unit has a charge due that day is debited
what the unit owes as of that day (charges due by then less unapplied credit),
capped by the authorization's limit. Each debit posts at once as an ACH payment
on the unit's ledger — pending until the bank returns it (returns.py) — through
the receivables `Book`: one lock of the units, one journal entry.

One-time debits (owner_payments queues them; the payments were posted when
the owner paid): one file per association and morning, likewise unique.

Credits: the association's vendor payments recorded with method `ach` that no
file carries yet and no void undid, to vendors with an active authorization,
go out as one CCD file; the money left the books when the payment was recorded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import EntrySource
from domains.ach.errors import OriginationNotSetUp
from domains.ach.models import (
    AchAuthorization,
    AchAuthorizationStatus,
    AchEntry,
    AchEntryStatus,
    AchFile,
    AchFileKind,
)
from domains.ach.service import nacha
from domains.associations.models import Association, Unit
from domains.banking.models import BankAccount
from domains.payables.models import Invoice, VendorPayment, VendorPaymentMethod, VendorPaymentVoid
from domains.receivables.models import DEBIT_KINDS, EntryKind, OwnerLedgerEntry, PaymentMethod
from domains.receivables.service.book import Book
from graph import durable
from graph.auth.sealing import Sealer
from graph.db import new_id
from graph.ids import encode
from graph.pages import Page, page_statement

MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Debit:
    """One debit of a file: the authorization debited, the unit's number (the entry's
    identification), the amount, and the pending payment on the unit's ledger."""

    authorization: AchAuthorization
    unit_number: str
    amount: Decimal
    payment_entry_id: UUID


def debit_workflow_id(association_id: UUID, on: date) -> str:
    """One autopay run per association and due date, whoever starts it."""
    return f"ach-debits:{association_id}:{on.isoformat()}"


async def originator(session: AsyncSession, association_id: UUID, fund_id: UUID) -> tuple[Association, BankAccount, str]:
    """The association (locked: one file is built at a time), the bank account of
    its operating fund that originates, and its company id ('1' and its EIN)."""
    association = await session.scalar(select(Association).where(Association.id == association_id).with_for_update())
    assert association is not None
    bank = await session.scalar(
        select(BankAccount)
        .where(
            BankAccount.association_id == association_id,
            BankAccount.fund_id == fund_id,
            BankAccount.is_active.is_(True),
            BankAccount.routing_number.is_not(None),
        )
        .order_by(BankAccount.name, BankAccount.id)
    )
    ein = re.sub(r"\D", "", association.tax_id or "")
    if bank is None or len(ein) != 9:
        raise OriginationNotSetUp(
            "To send ACH files the association needs an active bank account with a routing number "
            "on its operating fund, and its tax id (EIN).",
            field=["associationId"],
        )
    return association, bank, "1" + ein


async def _next_traces(session: AsyncSession, association_id: UUID, odfi: str, count: int) -> list[str]:
    """Trace numbers: the originating bank's eight digits and a sequence, unique in the association."""
    used = await session.scalar(select(func.count()).select_from(AchEntry).where(AchEntry.association_id == association_id))
    return [odfi[:8] + str((used or 0) + i).zfill(7) for i in range(1, count + 1)]


async def _modifier(session: AsyncSession, association_id: UUID, on: date) -> str:
    made = await session.scalar(
        select(func.count()).select_from(AchFile).where(AchFile.association_id == association_id, AchFile.effective_date == on)
    )
    return MODIFIERS[(made or 0) % len(MODIFIERS)]


def _file(association: Association, bank: BankAccount, company_id: str, modifier: str, batch: nacha.Batch) -> str:
    assert bank.routing_number is not None
    header = nacha.Header(
        destination_routing=bank.routing_number,
        origin=company_id,
        destination_name=bank.institution,
        origin_name=association.legal_name,
        created_at=datetime.now(UTC),
        file_id_modifier=modifier,
    )
    return nacha.write(header, [batch])


async def _built(session: AsyncSession, association_id: UUID, kind: AchFileKind, on: date) -> AchFile | None:
    """The association's debit file of this kind for `on`, if a run built it (there is at most one)."""
    return await session.scalar(
        select(AchFile).where(AchFile.association_id == association_id, AchFile.kind == kind, AchFile.effective_date == on)
    )


async def _store(
    session: AsyncSession,
    organization_id: UUID,
    association: Association,
    bank: BankAccount,
    kind: AchFileKind,
    on: date,
    modifier: str,
    content: str,
    entries: list[dict[str, Any]],
    by: UUID | None,
) -> AchFile:
    file = AchFile(
        id=new_id(),
        organization_id=organization_id,
        association_id=association.id,
        kind=kind,
        bank_account_id=bank.id,
        effective_date=on,
        file_id_modifier=modifier,
        content=content,
        digest=hashlib.sha256(content.encode()).hexdigest(),
        entry_count=len(entries),
        total=sum((e["amount"] for e in entries), Decimal(0)),
        created_by=by,
    )
    session.add(file)
    await session.flush()
    for e in entries:
        e["file_id"] = file.id
    await session.execute(insert(AchEntry), entries)
    return file


async def debits(
    session: AsyncSession, organization_id: UUID, association_id: UUID, on: date, sealer: Sealer, by: UUID | None
) -> AchFile | None:
    """The due date's debit file: the one already built, or a new one; None when nothing is due."""
    book = await Book.open(session, organization_id, association_id, by)
    association, bank, company_id = await originator(session, association_id, book.home_fund)
    built = await _built(session, association_id, AchFileKind.DEBIT, on)
    if built is not None:
        return built
    E = OwnerLedgerEntry
    due_today = select(E.unit_id).where(E.association_id == association_id, E.kind.in_(DEBIT_KINDS), E.due_date == on)
    authorizations = (
        await session.execute(
            select(AchAuthorization, Unit.unit_number)
            .join(Unit, (Unit.organization_id == AchAuthorization.organization_id) & (Unit.id == AchAuthorization.unit_id))
            .where(
                AchAuthorization.association_id == association_id,
                AchAuthorization.status == AchAuthorizationStatus.ACTIVE,
                AchAuthorization.autopay.is_(True),
                AchAuthorization.authorized_on <= on,
                AchAuthorization.unit_id.in_(due_today),
            )
            .order_by(Unit.unit_sort, Unit.id)
        )
    ).all()
    units = [a.unit_id for a, _ in authorizations]
    await book.lock(units)  # type: ignore[arg-type]
    await book.load_open(units)  # type: ignore[arg-type]
    owed: list[tuple[AchAuthorization, str, Decimal]] = []
    for authorization, unit_number in authorizations:
        charges = sum(
            (c.open for c in book.charges.values() if c.unit_id == authorization.unit_id and c.due_date <= on), Decimal(0)
        )
        credit = sum((lot.remaining for lot in book.lots.values() if lot.unit_id == authorization.unit_id), Decimal(0))
        amount = charges - credit
        if authorization.max_amount is not None:
            amount = min(amount, authorization.max_amount)
        if amount > 0:
            owed.append((authorization, unit_number, amount))
    if not owed:
        return None
    assert bank.routing_number is not None
    traces = await _next_traces(session, association_id, bank.routing_number, len(owed))
    going = []
    for (authorization, unit_number, amount), trace in zip(owed, traces, strict=True):
        unit_id = authorization.unit_id
        assert unit_id is not None
        lot = book.lot(
            unit_id,
            EntryKind.PAYMENT,
            amount,
            on=on,
            fund_id=book.home_fund,
            memo="Autopay (ACH debit)",
            method=PaymentMethod.ACH,
            reference=trace,
        )
        book.settle(unit_id, on)
        going.append(Debit(authorization, unit_number, amount, lot.id))
    await book.post(source=EntrySource.PAYMENT, source_id=None, memo="Autopay (ACH debits)")
    origin = (association, bank, company_id)
    return await _debit_file(session, organization_id, origin, AchFileKind.DEBIT, on, sealer, going, traces, "HOA DUES", by)


async def one_time_debits(
    session: AsyncSession, organization_id: UUID, association_id: UUID, on: date, sealer: Sealer, queued: Sequence[Debit]
) -> AchFile | None:
    """The morning's file of owners' one-time debits (their payments were posted,
    pending, when they paid): the one already built for `on`, or a new one; None
    when none is queued."""
    fund = (await Book.open(session, organization_id, association_id, None)).home_fund
    association, bank, company_id = await originator(session, association_id, fund)
    built = await _built(session, association_id, AchFileKind.ONE_TIME_DEBIT, on)
    if built is not None or not queued:
        return built
    assert bank.routing_number is not None
    traces = await _next_traces(session, association_id, bank.routing_number, len(queued))
    origin = (association, bank, company_id)
    return await _debit_file(
        session, organization_id, origin, AchFileKind.ONE_TIME_DEBIT, on, sealer, list(queued), traces, "HOA PAYMNT", None
    )


async def _debit_file(
    session: AsyncSession,
    organization_id: UUID,
    origin: tuple[Association, BankAccount, str],
    kind: AchFileKind,
    on: date,
    sealer: Sealer,
    debits: list[Debit],
    traces: list[str],
    description: str,
    by: UUID | None,
) -> AchFile:
    association, bank, company_id = origin
    entries, details = [], []
    for line_no, (debit, trace) in enumerate(zip(debits, traces, strict=True), start=1):
        authorization = debit.authorization
        details.append(
            nacha.Entry(
                nacha.TRANSACTION_CODES[(authorization.account_kind.value, "debit")],
                sealer.unseal(authorization.routing_number),
                sealer.unseal(authorization.account_number),
                debit.amount,
                f"UNIT {debit.unit_number}",
                authorization.holder_name,
                trace,
            )
        )
        entries.append(
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": association.id,
                "line_no": line_no,
                "authorization_id": authorization.id,
                "trace_number": trace,
                "amount": debit.amount,
                "unit_id": authorization.unit_id,
                "payment_entry_id": debit.payment_entry_id,
                "vendor_payment_id": None,
                "status": AchEntryStatus.PENDING,
            }
        )
    modifier = await _modifier(session, association.id, on)
    batch = nacha.Batch("PPD", association.legal_name, company_id, description, on, details)
    content = _file(association, bank, company_id, modifier, batch)
    return await _store(session, organization_id, association, bank, kind, on, modifier, content, entries, by)


async def credits(
    session: AsyncSession, organization_id: UUID, association_id: UUID, on: date, sealer: Sealer, by: UUID
) -> tuple[AchFile | None, list[UUID]]:
    """(the credit file — None when no payment could go —, the ACH payments left out for want of an authorization)."""
    book_fund = (await Book.open(session, organization_id, association_id, by)).home_fund
    association, bank, company_id = await originator(session, association_id, book_fund)
    P, Inv = VendorPayment, Invoice
    payments = (
        await session.execute(
            select(P, Inv.vendor_id, Inv.invoice_number)
            .join(Inv, (Inv.organization_id == P.organization_id) & (Inv.id == P.invoice_id))
            .where(
                P.association_id == association_id,
                P.method == VendorPaymentMethod.ACH,
                P.id.not_in(select(AchEntry.vendor_payment_id).where(AchEntry.vendor_payment_id.is_not(None))),
                P.id.not_in(select(VendorPaymentVoid.vendor_payment_id)),
            )
            .order_by(P.paid_on, P.id)
        )
    ).all()
    authorizations = {
        a.vendor_id: a
        for a in await session.scalars(
            select(AchAuthorization).where(
                AchAuthorization.association_id == association_id,
                AchAuthorization.status == AchAuthorizationStatus.ACTIVE,
                AchAuthorization.vendor_id.is_not(None),
            )
        )
    }
    going = [(p, authorizations[v], number) for p, v, number in payments if v in authorizations]
    skipped = [p.id for p, v, _ in payments if v not in authorizations]
    if not going:
        return None, skipped
    assert bank.routing_number is not None
    traces = await _next_traces(session, association_id, bank.routing_number, len(going))
    entries, details = [], []
    for line_no, ((payment, authorization, invoice_number), trace) in enumerate(zip(going, traces, strict=True), start=1):
        details.append(
            nacha.Entry(
                nacha.TRANSACTION_CODES[(authorization.account_kind.value, "credit")],
                sealer.unseal(authorization.routing_number),
                sealer.unseal(authorization.account_number),
                payment.amount,
                invoice_number,
                authorization.holder_name,
                trace,
            )
        )
        entries.append(
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": association_id,
                "line_no": line_no,
                "authorization_id": authorization.id,
                "trace_number": trace,
                "amount": payment.amount,
                "unit_id": None,
                "payment_entry_id": None,
                "vendor_payment_id": payment.id,
                "status": AchEntryStatus.PENDING,
            }
        )
    modifier = await _modifier(session, association_id, on)
    batch = nacha.Batch("CCD", association.legal_name, company_id, "VENDOR PAY", on, details)
    content = _file(association, bank, company_id, modifier, batch)
    file = await _store(session, organization_id, association, bank, AchFileKind.CREDIT, on, modifier, content, entries, by)
    return file, skipped


def audit_run(session: AsyncSession, file: AchFile) -> None:
    """The daily run's audit row for a file it built (the system acts)."""
    durable.audit(
        session,
        file.organization_id,
        "achFile/originateDebits",
        [encode("acf", file.id)],
        {"associationId": encode("asn", file.association_id), "entries": file.entry_count, "total": str(file.total)},
    )


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) with an active autopay authorization, across
    organizations (a SECURITY DEFINER function: the daily run has no organization yet)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM ach_autopay_targets()"))).all()
    return [(org, association) for org, association in rows]


async def file_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[AchFile], Page]:
    page = Page(data.first, data.after, "effective_date", descending=True)
    where = [visible, AchFile.association_id == data.association_id]
    if data.kind is not None:
        where.append(AchFile.kind == data.kind)
    return (await session.scalars(page_statement(AchFile, page, where))).all(), page


async def entry_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[AchEntry], Page]:
    page = Page(data.first, data.after, "trace_number")
    where = [visible, AchEntry.association_id == data.association_id]
    if data.file_id is not None:
        where.append(AchEntry.file_id == data.file_id)
    if data.status is not None:
        where.append(AchEntry.status == data.status)
    return (await session.scalars(page_statement(AchEntry, page, where))).all(), page
