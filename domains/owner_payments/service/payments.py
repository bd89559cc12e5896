"""Paying, settling and filing owners' one-time payments.

Paying locks the association first (as the morning's file does, then the
unit, as the ledger does), which also numbers receipts without gaps or
duplicates; the payment posts on the unit's ledger through receivables'
`record_payment`, so it is applied to the oldest charges like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.ach.errors import AuthorizationNotActive
from domains.ach.models import AchAuthorization, AchAuthorizationStatus, AchEntry, AchFile
from domains.ach.service import origination
from domains.associations.models import Association, Unit
from domains.owner_payments.errors import OwnerPaymentNotPending, OwnerPaymentSettlesByBankFile
from domains.owner_payments.models import OwnerPayment, OwnerPaymentMethod, OwnerPaymentStatus
from domains.owner_payments.service import processors
from domains.receivables.models import EntryKind, OwnerLedgerEntry, PaymentMethod
from domains.receivables.service import owner_ledger
from domains.receivables.service.book import Book
from graph.auth.sealing import Sealer
from graph.clock import today
from graph.db import new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.pages import Page, page_statement


async def _ach_source(session: AsyncSession, organization_id: UUID, unit: Unit, data: Any) -> AchAuthorization:
    if data.authorization_id is None:
        raise ValidationFailed("An ACH payment names the unit's authorization to debit.", field=["authorizationId"])
    authorization = await require(session, AchAuthorization, data.authorization_id, "authorizationId")
    if authorization.unit_id != unit.id:
        raise ValidationFailed("That authorization is not this unit's.", field=["authorizationId"])
    if authorization.status is not AchAuthorizationStatus.ACTIVE:
        raise AuthorizationNotActive("That authorization is revoked.", field=["authorizationId"])
    if authorization.max_amount is not None and data.amount > authorization.max_amount:
        raise ValidationFailed(f"The authorization allows at most {authorization.max_amount} a debit.", field=["amount"])
    # Refused now rather than left unfiled tomorrow: the association must be able to send ACH files.
    fund = (await Book.open(session, organization_id, unit.association_id, None)).home_fund
    await origination.originator(session, unit.association_id, fund)
    return authorization


async def pay(session: AsyncSession, organization_id: UUID, unit: Unit, data: Any, by: UUID) -> OwnerPayment:
    authorization = None
    reference = None
    if data.method is OwnerPaymentMethod.ACH:
        if data.processor is not None or data.processor_reference is not None:
            raise ValidationFailed("An ACH payment has no processor.", field=["processor"])
        authorization = await _ach_source(session, organization_id, unit, data)
    else:
        if data.authorization_id is not None:
            raise ValidationFailed("A card payment debits no ACH authorization.", field=["authorizationId"])
        if data.processor is None or data.processor_reference is None:
            raise ValidationFailed("A card payment names its processor and the charge's reference.", field=["processor"])
        reference = processors.of(data.processor).accept(data.processor_reference, data.amount)
        await session.scalar(select(Association.id).where(Association.id == unit.association_id).with_for_update())
    seq = 1 + (
        await session.scalar(
            select(func.coalesce(func.max(OwnerPayment.receipt_seq), 0)).where(OwnerPayment.association_id == unit.association_id)
        )
        or 0
    )
    receipt = f"R{seq:07d}"
    on = today()
    entries, _ = await owner_ledger.record_payment(
        session,
        organization_id,
        SimpleNamespace(
            unit_id=unit.id,
            amount=data.amount,
            allocations=[],
            received_on=on,
            memo=f"Online payment, receipt {receipt}",
            method=PaymentMethod.ACH if authorization is not None else PaymentMethod.CARD,
            reference=receipt,
        ),
        by,
    )
    posted = next(e for e in entries if e.kind is EntryKind.PAYMENT)
    payment = OwnerPayment(
        id=new_id(),
        organization_id=organization_id,
        association_id=unit.association_id,
        unit_id=unit.id,
        method=data.method,
        amount=data.amount,
        status=OwnerPaymentStatus.PENDING,
        receipt_number=receipt,
        receipt_seq=seq,
        authorization_id=authorization.id if authorization is not None else None,
        # Today's file may be built already: the debit goes in the next morning's.
        debit_on=on + timedelta(days=1) if authorization is not None else None,
        processor=data.processor,
        processor_reference=reference,
        payment_entry_id=posted.id,
        paid_by=by,
    )
    session.add(payment)
    await session.flush()
    return payment


async def settle_card(session: AsyncSession, organization_id: UUID, payment: OwnerPayment, data: Any, by: UUID) -> OwnerPayment:
    """The processor's word on a card payment: settled, or declined (reversed on the ledger, no fee)."""
    await session.refresh(payment, with_for_update=True)
    if payment.method is not OwnerPaymentMethod.CARD:
        raise OwnerPaymentSettlesByBankFile("An ACH payment settles by its debit, not by a processor.", field=["id"])
    if data.processor_reference != payment.processor_reference:
        raise ValidationFailed("That is not this payment's charge.", field=["processorReference"])
    if payment.status is not OwnerPaymentStatus.PENDING:
        raise OwnerPaymentNotPending(f"This payment is {payment.status.value} already.", field=["id"])
    if data.on < payment.paid_at.date():
        raise ValidationFailed("A charge can't settle before it was made.", field=["on"])
    values: dict[str, Any]
    if data.outcome == "settled":
        values = {"status": OwnerPaymentStatus.SETTLED, "settled_on": data.on}
    else:
        posted = await session.get(OwnerLedgerEntry, payment.payment_entry_id)
        assert posted is not None
        reason = data.reason or "declined by the processor"
        ask = SimpleNamespace(returned_on=data.on, fee=Decimal(0), memo=f"Card payment {payment.receipt_number}: {reason}")
        await owner_ledger.return_payment(session, organization_id, posted, ask, by)
        values = {"status": OwnerPaymentStatus.RETURNED, "return_reason": reason[:200]}
    await session.execute(update(OwnerPayment).where(OwnerPayment.id == payment.id).values(**values, updated_at=func.now()))
    await session.refresh(payment)
    return payment


async def file_debits(
    session: AsyncSession, organization_id: UUID, association_id: UUID, on: date, sealer: Sealer
) -> tuple[AchFile | None, int]:
    """The morning's file of the association's ACH payments due to go by `on`
    (built once: a replay finds it), and how many payments it carries."""
    P, A, U = OwnerPayment, AchAuthorization, Unit
    queued = (
        await session.execute(
            select(P, A, U.unit_number)
            .join(A, (A.organization_id == P.organization_id) & (A.id == P.authorization_id))
            .join(U, (U.organization_id == P.organization_id) & (U.id == P.unit_id))
            .where(
                P.association_id == association_id,
                P.method == OwnerPaymentMethod.ACH,
                P.ach_entry_id.is_(None),
                P.status == OwnerPaymentStatus.PENDING,
                P.debit_on <= on,
            )
            .order_by(P.receipt_seq)
            .with_for_update(of=P)
        )
    ).all()
    debits = [origination.Debit(a, number, p.amount, p.payment_entry_id) for p, a, number in queued]
    file = await origination.one_time_debits(session, organization_id, association_id, on, sealer, debits)
    if file is None:
        return None, 0
    E = AchEntry
    filed = await session.execute(
        update(P)
        .where(P.association_id == association_id, P.payment_entry_id == E.payment_entry_id, E.file_id == file.id)
        .values(ach_entry_id=E.id, updated_at=func.now())
    )
    return file, filed.rowcount  # type: ignore[attr-defined]


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[OwnerPayment], Page]:
    page = Page(data.first, data.after, "paid_at", descending=True)
    where = [visible, OwnerPayment.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(OwnerPayment.unit_id == data.unit_id)
    if data.status is not None:
        where.append(OwnerPayment.status == data.status)
    return (await session.scalars(page_statement(OwnerPayment, page, where))).all(), page


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) with ACH payments waiting for a file, across
    organizations (a SECURITY DEFINER function: the morning's run has no organization yet)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM owner_payment_debit_targets()"))).all()
    return [(org, association) for org, association in rows]
