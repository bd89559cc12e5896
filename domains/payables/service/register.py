"""The AP register, in one statement: an association's invoices dated in a
range, each with what was paid up to the range's end (payments after it don't
change a closed month's register) and what was still open then.

Served by ix_invoices_date (organization, association, invoice date) and
ix_vendor_payments_invoice (organization, invoice, paid_on) INCLUDE (amount).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domains.payables.errors import InvalidDates, ReportRangeTooLong
from domains.payables.models import Invoice, InvoiceStatus, Vendor, VendorPayment
from domains.payables.schemas import ApRegister, ApRegisterRow

MAX_DAYS = 366


async def ap_register(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> ApRegister:
    if data.to_date < data.from_date:
        raise InvalidDates("`toDate` is before `fromDate`.", field=["toDate"])
    if (data.to_date - data.from_date).days >= MAX_DAYS:
        raise ReportRangeTooLong(f"A register covers at most {MAX_DAYS} days.", field=["toDate"])
    paid = (
        select(func.coalesce(func.sum(VendorPayment.amount), 0).label("paid"))
        .where(
            VendorPayment.organization_id == Invoice.organization_id,
            VendorPayment.invoice_id == Invoice.id,
            VendorPayment.paid_on <= data.to_date,
        )
        .lateral("paid")
    )
    counted = Invoice.status != InvoiceStatus.REJECTED
    open_ = case((counted, Invoice.total - paid.c.paid), else_=literal(Decimal(0)))
    where = [
        visible,
        Invoice.association_id == data.association_id,
        Invoice.invoice_date.between(data.from_date, data.to_date),
    ]
    if data.vendor_id is not None:
        where.append(Invoice.vendor_id == data.vendor_id)
    if not data.include_rejected:
        where.append(counted)
    statement = (
        select(
            Invoice.id.label("invoice_id"),
            Invoice.vendor_id,
            Vendor.name.label("vendor_name"),
            Invoice.invoice_number,
            Invoice.invoice_date,
            Invoice.due_date,
            Invoice.status,
            Invoice.total,
            paid.c.paid,
            open_.label("open"),
            func.sum(Invoice.total).filter(counted).over().label("sum_total"),
            func.sum(paid.c.paid).filter(counted).over().label("sum_paid"),
            func.sum(open_).over().label("sum_open"),
        )
        .join(Vendor, and_(Vendor.organization_id == Invoice.organization_id, Vendor.id == Invoice.vendor_id))
        .join(paid, true())
        .where(*where)
        .order_by(Invoice.invoice_date, Vendor.name, Invoice.invoice_number, Invoice.id)
    )
    rows = (await session.execute(statement)).mappings().all()
    first = rows[0] if rows else {}
    return ApRegister(
        association_id=data.association_id,
        from_date=data.from_date,
        to_date=data.to_date,
        rows=[ApRegisterRow.model_validate({name: r[name] for name in ApRegisterRow.model_fields}) for r in rows],
        total=first.get("sum_total") or Decimal(0),
        paid=first.get("sum_paid") or Decimal(0),
        open=first.get("sum_open") or Decimal(0),
    )
