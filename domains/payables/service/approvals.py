"""Invoice approval: the manager approves every invoice, then the board those
above the association's threshold. Cerbos decides who may decide a step (the
policy reads the invoice's status); this module records decisions and moves
the invoice along.

State: each decision is an append-only `invoice_approvals` row — the lasting
record of who approved what, one per step (the unique key makes a step
decidable once, even by two approvers racing). The invoice's `status` column
is the current state: it is what the policies, payments and the register
read and lock, it is the only invoice column the application may change, and
every change to it is a mutation with its audit row.

Each invoice has a long-running workflow that waits for the decision events
the approve/reject operations send, step after step, and files a reminder in
the audit log whenever a step waits longer than the reminder interval. A
rejection's reversal is posted by the reject operation itself, in the same
transaction as the decision, so the books never show a rejected invoice as owed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import JournalEntry
from domains.accounting.service import ledger
from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.communications.service.templates import money
from domains.organizations.models import OrganizationRole
from domains.payables.errors import InvoiceNotPending, SameApprover
from domains.payables.models import (
    PENDING,
    ApprovalStep,
    Decision,
    Invoice,
    InvoiceApproval,
    InvoiceStatus,
    PayablesSettings,
    Vendor,
)
from graph import durable
from graph.db import add_or_raise
from graph.ids import encode

WORKFLOW = "approve_invoice_workflow"
TOPIC = "decision"


def workflow_id(invoice_id: UUID) -> str:
    return f"invoice-approval-{invoice_id}"


async def settings(session: AsyncSession, association_id: UUID) -> PayablesSettings | None:
    return await session.scalar(select(PayablesSettings).where(PayablesSettings.association_id == association_id))


async def board_threshold(session: AsyncSession, association_id: UUID) -> Decimal:
    """Above this total the board approves too. Until an association sets one,
    0: the board approves every invoice (the safe default)."""
    row = await settings(session, association_id)
    return row.board_approval_threshold if row is not None else Decimal(0)


async def set_threshold(
    session: AsyncSession, organization_id: UUID, association_id: UUID, threshold: Decimal, by: UUID
) -> PayablesSettings:
    values = {"board_approval_threshold": threshold, "updated_by": by}
    statement = (
        insert(PayablesSettings)
        .values(organization_id=organization_id, association_id=association_id, **values)
        .on_conflict_do_update(index_elements=["organization_id", "association_id"], set_=values | {"updated_at": func.now()})
        .returning(PayablesSettings)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one()


async def lock(session: AsyncSession, invoice_id: UUID) -> Invoice | None:
    """The invoice, locked: decisions and payments on one invoice take turns."""
    return await session.scalar(
        select(Invoice).where(Invoice.id == invoice_id).with_for_update().execution_options(populate_existing=True)
    )


def pending_step(invoice: Invoice) -> ApprovalStep:
    if invoice.status is InvoiceStatus.AWAITING_MANAGER:
        return ApprovalStep.MANAGER
    if invoice.status is InvoiceStatus.AWAITING_BOARD:
        return ApprovalStep.BOARD
    raise InvoiceNotPending(f"This invoice is {invoice.status.value}; it has no step left to decide.", field=["id"])


async def decide(session: AsyncSession, invoice: Invoice, decision: Decision, by: UUID, note: str | None) -> InvoiceApproval:
    """Record `decision` at the invoice's pending step and move it on; a
    rejection also reverses the invoice's posting."""
    step = pending_step(invoice)
    if step is ApprovalStep.BOARD and decision is Decision.APPROVED:
        manager = await session.scalar(
            select(InvoiceApproval.decided_by).where(
                InvoiceApproval.invoice_id == invoice.id, InvoiceApproval.step == ApprovalStep.MANAGER
            )
        )
        if manager == by:
            raise SameApprover("The board's approval must come from someone other than the manager who approved.", field=["id"])
    approval = InvoiceApproval(
        organization_id=invoice.organization_id,
        association_id=invoice.association_id,
        invoice_id=invoice.id,
        step=step,
        decision=decision,
        decided_by=by,
        note=note,
    )
    await add_or_raise(session, approval, InvoiceNotPending("This step has just been decided.", field=["id"]))
    if decision is Decision.REJECTED:
        invoice.status = InvoiceStatus.REJECTED
        entry = await session.get(JournalEntry, invoice.journal_entry_id)
        assert entry is not None
        today = datetime.now(UTC).date()
        await ledger.reverse(
            session,
            entry,
            on=max(today, entry.entry_date),
            memo=f"Invoice {invoice.invoice_number} rejected: {note}"[:500],
            posted_by=by,
        )
    elif step is ApprovalStep.MANAGER and invoice.board_approval_required:
        invoice.status = InvoiceStatus.AWAITING_BOARD
        await request_approval(session, invoice, by)
    else:
        invoice.status = InvoiceStatus.APPROVED
    await session.flush()
    return approval


# Who decides each step, as the invoice policy (cerbos/policies/invoice.yaml) lets them.
APPROVERS = {
    InvoiceStatus.AWAITING_MANAGER: (ApprovalStep.MANAGER, (OrganizationRole.ADMIN.value, OrganizationRole.MANAGER.value)),
    InvoiceStatus.AWAITING_BOARD: (ApprovalStep.BOARD, (OrganizationRole.BOARD_MEMBER.value,)),
}


async def request_approval(session: AsyncSession, invoice: Invoice, by: UUID) -> None:
    """Ask whoever may decide the step the invoice now waits for, in the
    transaction that made it wait: one letter per approver, invoice and step."""
    step, roles = APPROVERS[invoice.status]
    vendor = await session.get(Vendor, invoice.vendor_id)
    assert vendor is not None
    variables = {
        "invoice": {
            "number": invoice.invoice_number,
            "vendor": vendor.name,
            "total": money(invoice.total),
            "due_on": invoice.due_date.isoformat(),
            "step": step.value,
        }
    }
    approvers = await people.staff(session, invoice.organization_id, roles)
    source = f"invoice:{invoice.id}:{step.value}"
    kind = TemplateKind.INVOICE_APPROVAL_REQUEST
    await outbox.write(session, invoice.organization_id, invoice.association_id, kind, source, approvers, variables, by)


async def settle(session: AsyncSession, organization_id: UUID, invoice_id: UUID, overdue: bool) -> str:
    """The invoice's status for its workflow (`gone` if it no longer exists), and a
    reminder in the audit log when the step it waits on is overdue."""
    invoice = await session.get(Invoice, invoice_id)
    if invoice is None:
        return "gone"
    if overdue and invoice.status in PENDING:
        durable.audit(
            session,
            organization_id,
            "invoice/approvalOverdue",
            [encode("inv", invoice_id)],
            {"status": invoice.status.value, "workflowId": invoice.workflow_id},
        )
    return invoice.status.value
