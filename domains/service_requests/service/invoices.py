"""A provider's invoice on the requester's side: the dispatch workflow copies
it here (same id as the provider's), where the requester reads it and records
what it paid (recorded, not processed: the money moves outside the platform).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.service.estimates import line_values, total
from domains.service_requests.errors import PaymentExceedsBalance
from domains.service_requests.models import (
    ServiceRequestDispatch,
    ServiceRequestInvoice,
    ServiceRequestInvoiceLine,
    ServiceRequestPayment,
)
from graph.db import new_id


async def receive(session: AsyncSession, dispatch: ServiceRequestDispatch, sent: dict[str, Any]) -> dict[str, Any]:
    """Copy the provider's invoice (once: a re-run of the workflow's step finds it
    by id); returns the answer for the provider: entered (received, to pay)."""
    values = line_values(sent["lines"])
    if total(values) != Decimal(sent["total"]):
        raise ValueError(f"invoice {sent['id']}: lines and total disagree")
    made = await session.scalar(
        insert(ServiceRequestInvoice)
        .values(
            id=UUID(sent["id"]),
            organization_id=dispatch.organization_id,
            service_request_id=dispatch.service_request_id,
            requester_user_id=dispatch.requester_user_id,
            dispatch_id=dispatch.id,
            invoice_number=sent["number"],
            invoice_date=date.fromisoformat(sent["invoiceDate"]),
            due_date=date.fromisoformat(sent["dueDate"]),
            total=Decimal(sent["total"]),
            note=sent.get("note"),
            amount_paid=Decimal("0.00"),
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(ServiceRequestInvoice.id)
    )
    if made is not None:
        await session.execute(
            insert(ServiceRequestInvoiceLine),
            [{"id": new_id(), "organization_id": dispatch.organization_id, "invoice_id": made} | v for v in values],
        )
    return {"id": sent["id"], "status": "entered", "code": None, "note": None}


async def pay(
    session: AsyncSession, invoice_id: UUID, data: Any, by: UUID, request_id: UUID
) -> tuple[ServiceRequestInvoice, ServiceRequestPayment] | None:
    """Record a payment of `data.amount` against the invoice (locked: payments
    take turns): PAYMENT_EXCEEDS_BALANCE for more than is still owed. The
    invoice is paid once the payments reach its total. None when the invoice
    is not `request_id`'s."""
    invoice = await session.scalar(
        select(ServiceRequestInvoice)
        .where(ServiceRequestInvoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert invoice is not None, "the pipeline found the invoice visible a moment ago"
    if invoice.service_request_id != request_id:
        return None
    balance = invoice.total - invoice.amount_paid
    if data.amount > balance:
        raise PaymentExceedsBalance(
            f"Only {balance} is still owed on invoice {invoice.invoice_number}.",
            field=["amount"],
            details={"balance": str(balance)},
        )
    payment = ServiceRequestPayment(
        id=new_id(),
        organization_id=invoice.organization_id,
        service_request_id=invoice.service_request_id,
        requester_user_id=invoice.requester_user_id,
        invoice_id=invoice.id,
        amount=data.amount,
        paid_on=data.paid_on,
        method=data.method,
        reference=data.reference,
        recorded_by=by,
    )
    session.add(payment)
    invoice.amount_paid = invoice.amount_paid + data.amount
    if invoice.amount_paid == invoice.total:
        invoice.paid_at = datetime.now(UTC)
    await session.flush()
    return invoice, payment
