"""Entering a vendor invoice: checked, de-duplicated and posted in one go.

It posts when entered, not when approved: the association owes the vendor
from the invoice date whatever its internal approvals say, so the accrual view
shows the expense and the payable at once (Dr expense / Cr accounts payable,
both accrual-only; the cash view sees nothing until a payment). A rejection
reverses that entry.

Duplicates: the same vendor's invoice number twice in an association is
refused outright (DUPLICATE_INVOICE, backed by a unique index that ignores
case); the same vendor, total and date is refused as a possible duplicate
unless the clerk says it is another invoice (POSSIBLE_DUPLICATE_INVOICE).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import PeriodClosed
from domains.accounting.models import (
    AccountType,
    Basis,
    ControlRole,
    EntrySource,
)
from domains.accounting.service import chart, ledger
from domains.accounting.service.ledger import Posting
from domains.associations.models import Association
from domains.documents.service import documents
from domains.payables.errors import (
    DuplicateInvoice,
    ExpenseAccountRequired,
    InvalidDates,
    PossibleDuplicateInvoice,
    VendorInsuranceExpired,
    VendorOnHold,
)
from domains.payables.models import (
    Invoice,
    InvoiceApproval,
    InvoiceLine,
    InvoiceStatus,
    Vendor,
)
from domains.payables.service import approvals, vendors
from graph.db import add_or_raise, new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.ids import encode
from graph.pages import Page, page_statement

MAX_TOTAL = Decimal("999999999999.99")  # NUMERIC(14,2)


async def _check_lines(session: AsyncSession, association_id: UUID, lines: Sequence[Any]) -> None:
    """Every line names an active expense account and a fund of this association."""
    for i, account in enumerate(await chart.coded_accounts(session, association_id, lines)):
        if account.type is not AccountType.EXPENSE:
            raise ExpenseAccountRequired(
                f"Account {account.number} is not an expense account.", field=["lines", str(i), "accountId"]
            )


async def _possible_duplicate(session: AsyncSession, data: Any, total: Decimal) -> UUID | None:
    """Refuse a repeated invoice number; return the invoice this one may
    duplicate (same vendor, total and date) when the clerk acknowledged it."""
    rows = (
        await session.execute(
            select(Invoice.id, Invoice.invoice_number).where(
                Invoice.association_id == data.association_id,
                Invoice.vendor_id == data.vendor_id,
                Invoice.status != InvoiceStatus.REJECTED,
                or_(
                    func.upper(Invoice.invoice_number) == data.invoice_number.upper(),
                    (Invoice.invoice_date == data.invoice_date) & (Invoice.total == total),
                ),
            )
        )
    ).all()
    for row in rows:
        if row.invoice_number.upper() == data.invoice_number.upper():
            raise DuplicateInvoice(
                f"This vendor's invoice {row.invoice_number} is already entered.",
                details={"field": ["invoiceNumber"], "invoiceId": encode("inv", row.id)},
            )
    if rows and not data.acknowledge_possible_duplicate:
        raise PossibleDuplicateInvoice(
            f"This vendor already has an invoice of {total} dated {data.invoice_date}; "
            "if this is another invoice, send it again with acknowledgePossibleDuplicate: true.",
            details={"field": ["acknowledgePossibleDuplicate"], "invoiceIds": [encode("inv", r.id) for r in rows]},
        )
    return rows[0].id if rows else None


async def _compliance_hold(session: AsyncSession, vendor: Vendor, on: date) -> tuple[str, str] | None:
    """The code and reason of what keeps the vendor from being paid for work of
    `on`, if anything: its payment hold, or coverage on file not in force then.
    The invoice is entered all the same (the association owes it), held in plain
    sight; the payment checks again when it is made."""
    if vendor.payment_hold:
        return VendorOnHold.code, f"Payments to {vendor.name} are on hold: {vendor.hold_reason}"[:300]
    lapsed = await vendors.lapsed_coverage(session, vendor.id, on)
    if lapsed:
        kinds = ", ".join(f"{kind.value.replace('_', ' ')} (expired {expiry})" for kind, expiry in lapsed)
        return VendorInsuranceExpired.code, f"{vendor.name}'s insurance is not in force on {on}: {kinds}"[:300]
    return None


async def enter(
    session: AsyncSession, organization_id: UUID, data: Any, entered_by: UUID, *, invoice_id: UUID | None = None
) -> Invoice:
    """Check, post and record a new invoice, awaiting the manager's approval;
    `invoice_id` gives it the id of the record it copies (a provider's invoice)."""
    await require(session, Association, data.association_id, "associationId")
    if data.due_date < data.invoice_date:
        raise InvalidDates("The due date can't be before the invoice date.", field=["dueDate"])
    # Locked: two clerks entering the same bill at once meet in the duplicate check.
    vendor = await require(session, Vendor, data.vendor_id, "vendorId", lock=True)
    await _check_lines(session, data.association_id, data.lines)
    await documents.referenced_one(session, data.scan_id, data.association_id, "scanId")
    total = sum((line.amount for line in data.lines), Decimal(0))
    if total > MAX_TOTAL:
        raise ValidationFailed(f"An invoice totals at most {MAX_TOTAL}.", field=["lines"])
    duplicate_of = await _possible_duplicate(session, data, total)
    hold = await _compliance_hold(session, vendor, data.invoice_date)
    threshold = await approvals.board_threshold(session, data.association_id)

    controls = await ledger.control_accounts(session, data.association_id)
    by_fund: dict[UUID, Decimal] = defaultdict(Decimal)
    for line in data.lines:
        by_fund[line.fund_id] += line.amount
    postings = [
        Posting(line.account_id, line.fund_id, debit=line.amount, basis=Basis.ACCRUAL, memo=line.memo) for line in data.lines
    ]
    postings += [
        Posting(ledger.control(controls, ControlRole.ACCOUNTS_PAYABLE, fund).id, fund, credit=amount, basis=Basis.ACCRUAL)
        for fund, amount in by_fund.items()
    ]
    invoice_id = invoice_id or new_id()
    try:
        entry = await ledger.post(
            session,
            organization_id=organization_id,
            association_id=data.association_id,
            entry_date=data.invoice_date,
            memo=f"Invoice {data.invoice_number} from {vendor.name}"[:500],
            source=EntrySource.INVOICE,
            source_id=invoice_id,
            lines=postings,
            posted_by=entered_by,
            checked=True,  # accounts and funds checked above; AP accounts are the association's own
        )
    except PeriodClosed as exc:
        raise PeriodClosed(exc.message, field=["invoiceDate"]) from None

    invoice = Invoice(
        id=invoice_id,
        organization_id=organization_id,
        association_id=data.association_id,
        vendor_id=data.vendor_id,
        invoice_number=data.invoice_number,
        invoice_date=data.invoice_date,
        due_date=data.due_date,
        memo=data.memo,
        total=total,
        status=InvoiceStatus.AWAITING_MANAGER,
        board_approval_required=total > threshold,
        possible_duplicate_of_id=duplicate_of,
        journal_entry_id=entry.id,
        scan_id=data.scan_id,
        workflow_id=approvals.workflow_id(invoice_id),
        entered_by=entered_by,
        hold_code=hold[0] if hold else None,
        hold_reason=hold[1] if hold else None,
    )
    await add_or_raise(
        session,
        invoice,
        DuplicateInvoice(f"This vendor's invoice {data.invoice_number} is already entered.", field=["invoiceNumber"]),
    )
    await session.execute(
        insert(InvoiceLine),
        [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": data.association_id,
                "invoice_id": invoice_id,
                "line_no": n,
                "account_id": line.account_id,
                "fund_id": line.fund_id,
                "amount": line.amount,
                "memo": line.memo,
            }
            for n, line in enumerate(data.lines, start=1)
        ],
    )
    await approvals.request_approval(session, invoice, entered_by)
    return invoice


async def details(
    session: AsyncSession, invoice_ids: Sequence[UUID]
) -> tuple[dict[UUID, list[InvoiceLine]], dict[UUID, list[InvoiceApproval]]]:
    """The invoices' lines and decisions, two statements for any number of invoices."""
    lines: dict[UUID, list[InvoiceLine]] = defaultdict(list)
    for line in await session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id.in_(invoice_ids)).order_by(InvoiceLine.invoice_id, InvoiceLine.line_no)
    ):
        lines[line.invoice_id].append(line)
    decisions: dict[UUID, list[InvoiceApproval]] = defaultdict(list)
    for approval in await session.scalars(
        select(InvoiceApproval)
        .where(InvoiceApproval.invoice_id.in_(invoice_ids))
        .order_by(InvoiceApproval.invoice_id, InvoiceApproval.decided_at, InvoiceApproval.id)
    ):
        decisions[approval.invoice_id].append(approval)
    return lines, decisions


async def invoice_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Invoice], Page]:
    """An association's invoices, latest invoice date first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "invoice_date", descending=True)
    where = [visible, Invoice.association_id == data.association_id]
    if data.status is not None:
        where.append(Invoice.status == data.status)
    if data.vendor_id is not None:
        where.append(Invoice.vendor_id == data.vendor_id)
    return (await session.scalars(page_statement(Invoice, page, where))).all(), page
