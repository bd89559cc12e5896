"""Paying approved invoices, in full or in part.

A payment settles the invoice's lines in line order (the first dollars pay
line 1, then line 2…), so each dollar's expense account and fund is known
without storing an allocation, and posts for each fund it touches:
Dr accounts payable [accrual] + Dr expense [cash] / Cr cash [both] — the
accrual view clears the payable, the cash view recognises the expense now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import PeriodClosed
from domains.accounting.models import Basis, ControlRole, EntrySource, JournalEntry
from domains.accounting.service import ledger
from domains.accounting.service.ledger import Posting
from domains.payables.errors import (
    InvoiceNotApproved,
    Overpayment,
    PaymentBeforeInvoice,
    VendorInsuranceExpired,
    VendorOnHold,
    VendorPaymentAlreadyVoided,
)
from domains.payables.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Vendor,
    VendorPayment,
    VendorPaymentVoid,
)
from domains.payables.service import approvals, vendors
from graph.db import add_or_raise, new_id
from graph.errors import InvalidReference, ValidationFailed
from graph.pages import Page, page_statement


def settled(lines: Sequence[InvoiceLine], already_paid: Decimal, amount: Decimal) -> dict[tuple[UUID, UUID], Decimal]:
    """What a payment of `amount`, after `already_paid`, settles of each
    (expense account, fund): the slice [already_paid, already_paid + amount)
    of the lines laid end to end in line order."""
    start, end = already_paid, already_paid + amount
    out: dict[tuple[UUID, UUID], Decimal] = defaultdict(Decimal)
    position = Decimal(0)
    for line in lines:
        low, high = position, position + line.amount
        part = min(high, end) - max(low, start)
        if part > 0:
            out[(line.account_id, line.fund_id)] += part
        position = high
    return out


async def _check_payable(session: AsyncSession, invoice: Invoice, data: Any) -> None:
    if invoice.status is InvoiceStatus.PAID:
        raise Overpayment("This invoice is paid in full.", details={"field": ["amount"], "open": "0.00"})
    if invoice.status is not InvoiceStatus.APPROVED:
        raise InvoiceNotApproved(
            f"This invoice is {invoice.status.value.replace('_', ' ')}; only an approved invoice is paid.", field=["invoiceId"]
        )
    if data.paid_on < invoice.invoice_date:
        raise PaymentBeforeInvoice("A payment can't be dated before the invoice.", field=["paidOn"])
    open_amount = invoice.total - invoice.amount_paid
    if data.amount > open_amount:
        raise Overpayment(f"Only {open_amount} is open on this invoice.", details={"field": ["amount"], "open": str(open_amount)})
    # Shared lock: a hold placed meanwhile waits for this payment, or this payment sees it.
    vendor = await session.scalar(select(Vendor).where(Vendor.id == invoice.vendor_id).with_for_update(read=True))
    assert vendor is not None
    if vendor.payment_hold:
        raise VendorOnHold(
            f"Payments to {vendor.name} are on hold: {vendor.hold_reason}",
            details={"field": ["invoiceId"], "vendorId": str(vendor.id), "reason": vendor.hold_reason},
        )
    lapsed = await vendors.lapsed_coverage(session, vendor.id, data.paid_on)
    if lapsed:
        raise VendorInsuranceExpired(
            f"{vendor.name}'s insurance is not in force on {data.paid_on}: "
            + ", ".join(f"{kind.value.replace('_', ' ')} (expired {expiry})" for kind, expiry in lapsed),
            details={"field": ["paidOn"], "lapsed": [{"kind": kind.value, "expiredOn": str(expiry)} for kind, expiry in lapsed]},
        )


async def pay(session: AsyncSession, organization_id: UUID, data: Any, paid_by: UUID) -> tuple[VendorPayment, Invoice]:
    invoice = await approvals.lock(session, data.invoice_id)
    if invoice is None:
        raise InvalidReference("`invoiceId` names no invoice in this organization.", field=["invoiceId"])
    await _check_payable(session, invoice, data)
    lines = (
        await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.line_no))
    ).all()
    controls = await ledger.control_accounts(session, invoice.association_id)
    by_fund: dict[UUID, Decimal] = defaultdict(Decimal)
    postings = []
    for (account, fund), amount in settled(lines, invoice.amount_paid, data.amount).items():
        postings.append(Posting(account, fund, debit=amount, basis=Basis.CASH))
        by_fund[fund] += amount
    for fund, amount in by_fund.items():
        postings.append(
            Posting(ledger.control(controls, ControlRole.ACCOUNTS_PAYABLE, fund).id, fund, debit=amount, basis=Basis.ACCRUAL)
        )
        postings.append(Posting(ledger.control(controls, ControlRole.CASH, fund).id, fund, credit=amount, basis=Basis.BOTH))
    payment_id = new_id()
    try:
        entry = await ledger.post(
            session,
            organization_id=organization_id,
            association_id=invoice.association_id,
            entry_date=data.paid_on,
            memo=f"Payment of invoice {invoice.invoice_number}"[:500],
            source=EntrySource.VENDOR_PAYMENT,
            source_id=payment_id,
            lines=postings,
            posted_by=paid_by,
            checked=True,  # the invoice's own (checked) lines and the association's control accounts
        )
    except PeriodClosed as exc:
        raise PeriodClosed(exc.message, field=["paidOn"]) from None
    payment = VendorPayment(
        id=payment_id,
        organization_id=organization_id,
        association_id=invoice.association_id,
        invoice_id=invoice.id,
        paid_on=data.paid_on,
        amount=data.amount,
        method=data.method,
        reference=data.reference,
        journal_entry_id=entry.id,
        paid_by=paid_by,
    )
    # The database adds the payment to the invoice and refuses an overpayment
    # itself (a check on amount_paid), whatever the race.
    await add_or_raise(session, payment, Overpayment("This payment would overpay the invoice.", field=["amount"]))
    if invoice.amount_paid + data.amount == invoice.total:
        invoice.status = InvoiceStatus.PAID
    await session.flush()
    await session.refresh(invoice)
    return payment, invoice


async def void(session: AsyncSession, organization_id: UUID, payment: VendorPayment, data: Any, by: UUID) -> VendorPaymentVoid:
    """Void a payment entered in error: its journal entry is reversed on
    `voided_on`, and the void row gives its amount back to the invoice (a
    trigger), which is open (approved) again."""
    invoice = await approvals.lock(session, payment.invoice_id)
    assert invoice is not None
    if await session.scalar(select(VendorPaymentVoid.id).where(VendorPaymentVoid.vendor_payment_id == payment.id)):
        raise VendorPaymentAlreadyVoided("This payment has already been voided.", field=["id"])
    if data.voided_on < payment.paid_on:
        raise ValidationFailed("A payment can't be voided before it was made.", field=["voidedOn"])
    entry = await session.get(JournalEntry, payment.journal_entry_id)
    assert entry is not None
    try:
        reversal = await ledger.reverse(session, entry, on=data.voided_on, memo=f"Void: {data.reason}", posted_by=by)
    except PeriodClosed as exc:
        raise PeriodClosed(exc.message, field=["voidedOn"]) from None
    row = VendorPaymentVoid(
        id=new_id(),
        organization_id=organization_id,
        association_id=payment.association_id,
        vendor_payment_id=payment.id,
        amount=payment.amount,
        voided_on=data.voided_on,
        reason=data.reason,
        journal_entry_id=reversal.id,
        voided_by=by,
    )
    session.add(row)
    await session.flush()
    if invoice.status is InvoiceStatus.PAID:
        invoice.status = InvoiceStatus.APPROVED
        await session.flush()
    return row


async def payment_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[VendorPayment], Page]:
    """An association's vendor payments, latest payment date first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "paid_on", descending=True)
    where = [visible, VendorPayment.association_id == data.association_id]
    if data.invoice_id is not None:
        where.append(VendorPayment.invoice_id == data.invoice_id)
    return (await session.scalars(page_statement(VendorPayment, page, where))).all(), page
