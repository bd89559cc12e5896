"""The provider's invoices: a job whose work is done is invoiced (lines, a
total to the cent); the customer's dispatch workflow carries the invoice into
the customer's payables (same id) and reports back whether it was entered —
with the compliance hold it was entered under, if any — or refused, and why.

A job has at most one invoice the customer has not refused: a refused one
(a duplicate number, a closed month…) may be followed by a corrected one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.errors import JobAlreadyInvoiced, JobInvoiceNotAllowed, JobInvoiceNumberTaken
from domains.jobs.models import Job, JobInvoice, JobInvoiceLine, JobInvoiceStatus, JobStatus
from domains.jobs.service import price_book
from domains.jobs.service.estimates import total
from graph.db import add_or_raise, new_id
from graph.ids import encode
from graph.pages import Page, page_statement


async def submit(session: AsyncSession, job: Job, data: Any, by: UUID) -> tuple[JobInvoice, list[dict[str, Any]]]:
    """Invoice `job` (locked): JOB_INVOICE_NOT_ALLOWED unless its work is done,
    JOB_ALREADY_INVOICED while an invoice of it stands, JOB_INVOICE_NUMBER_TAKEN
    for a number used before. Returns the invoice and its line values."""
    if job.status is not JobStatus.WORK_DONE:
        raise JobInvoiceNotAllowed(
            f"This job is {job.status.value}: only a job whose work is done is invoiced.",
            field=["id"],
            details={"status": job.status.value},
        )
    standing = await session.scalar(
        select(JobInvoice.id).where(JobInvoice.job_id == job.id, JobInvoice.status != JobInvoiceStatus.REFUSED)
    )
    if standing is not None:
        raise JobAlreadyInvoiced(
            "This job has an invoice the customer has not refused.", field=["id"], details={"invoiceId": encode("jin", standing)}
        )
    values = await price_book.priced(session, data.lines)
    invoice = JobInvoice(
        id=new_id(),
        organization_id=job.organization_id,
        job_id=job.id,
        invoice_number=data.invoice_number,
        invoice_date=data.invoice_date,
        due_date=data.due_date,
        total=total(values),
        note=data.note,
        status=JobInvoiceStatus.SUBMITTED,
        submitted_by=by,
    )
    await add_or_raise(
        session, invoice, JobInvoiceNumberTaken(f"You have used invoice number {data.invoice_number}.", field=["invoiceNumber"])
    )
    session.add_all(JobInvoiceLine(id=new_id(), organization_id=job.organization_id, invoice_id=invoice.id, **v) for v in values)
    await session.flush()
    return invoice, values


def event(invoice: JobInvoice, values: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the customer's dispatch workflow receives of an invoice (JSON)."""
    return {
        "id": str(invoice.id),
        "number": invoice.invoice_number,
        "invoiceDate": invoice.invoice_date.isoformat(),
        "dueDate": invoice.due_date.isoformat(),
        "total": str(invoice.total),
        "note": invoice.note,
        "lines": [
            {"description": v["description"], "quantity": str(v["quantity"]), "unit_price": str(v["unit_price"])} for v in values
        ],
    }


async def answered(session: AsyncSession, invoice_id: UUID, status: JobInvoiceStatus, code: str | None, note: str | None) -> bool:
    """The customer's answer on a submitted invoice, carried by the dispatch
    workflow (as the platform); a re-run of the step changes nothing. False
    when nothing changed."""
    result = await session.execute(
        update(JobInvoice)
        .where(JobInvoice.id == invoice_id, JobInvoice.status == JobInvoiceStatus.SUBMITTED)
        .values(status=status, customer_code=code, customer_note=note)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def lines_of(session: AsyncSession, invoice_ids: Sequence[UUID]) -> Sequence[JobInvoiceLine]:
    return (
        await session.scalars(
            select(JobInvoiceLine)
            .where(JobInvoiceLine.invoice_id.in_(invoice_ids))
            .order_by(JobInvoiceLine.invoice_id, JobInvoiceLine.line_no)
        )
    ).all()


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[JobInvoice], Page]:
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if data.status is not None:
        where.append(JobInvoice.status == data.status)
    if data.job_id is not None:
        where.append(JobInvoice.job_id == data.job_id)
    return (await session.scalars(page_statement(JobInvoice, p, where))).all(), p
