"""invoice/v1/{create,approve,reject,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.payables.models import Decision, Invoice, InvoiceStatus
from domains.payables.schemas import (
    InvoiceApprovalRead,
    InvoiceApproveInput,
    InvoiceConnection,
    InvoiceCreateInput,
    InvoiceGetInput,
    InvoiceLineRead,
    InvoiceListInput,
    InvoiceRead,
    InvoiceRejectInput,
)
from domains.payables.service import approvals, invoices
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.operations import operation


async def _with_details(ctx: OperationContext, rows: Sequence[Invoice]) -> list[Any]:
    """Invoices as API models with their lines and decisions (two statements)."""
    lines, decisions = await invoices.details(ctx.session, [i.id for i in rows])
    return [
        InvoiceRead.model_validate(i).model_copy(
            update={
                "lines": [InvoiceLineRead.model_validate(line) for line in lines[i.id]],
                "approvals": [InvoiceApprovalRead.model_validate(a) for a in decisions[i.id]],
            }
        )
        for i in rows
    ]


@operation(
    "invoice/v1/create",
    input=InvoiceCreateInput,
    output=InvoiceRead,
    kind="invoice",
    action="create",
    summary="Enter a vendor invoice",
)
async def create_invoice(ctx: OperationContext, data: InvoiceCreateInput) -> InvoiceRead:
    """Enter a vendor invoice with its lines coded to expense accounts and funds.
    It posts at once (Dr expense / Cr accounts payable, accrual view) on the
    invoice date, which must be in an open month (PERIOD_CLOSED), and starts its
    approval workflow: the manager approves, then the board if the total is
    above the association's threshold. Refused: the vendor's invoice number
    again (DUPLICATE_INVOICE); the same vendor, total and date without
    `acknowledgePossibleDuplicate` (POSSIBLE_DUPLICATE_INVOICE); a line on an
    unknown or non-expense account (UNKNOWN_ACCOUNT, EXPENSE_ACCOUNT_REQUIRED);
    a scan (`scanId`, a document filed first) from another association's
    library (DOCUMENT_ELSEWHERE) or destroyed (DOCUMENT_DESTROYED). An invoice
    of a vendor that can't be paid (payments on hold, or insurance on file not
    in force on the invoice date) is entered all the same, held: `holdCode` and
    `holdReason` say why, and paying it is refused until that is cleared."""
    invoice = await invoices.enter(ctx.session, org(ctx), data, actor(ctx))
    await ctx.start_workflow(
        approvals.WORKFLOW,
        invoice.workflow_id,
        str(invoice.organization_id),
        str(invoice.id),
        ctx.platform.settings.invoice_approval_reminder_seconds,
    )
    ctx.audit_summary = {
        "invoiceNumber": invoice.invoice_number,
        "total": str(invoice.total),
        "boardApprovalRequired": invoice.board_approval_required,
    } | ({"acknowledgedPossibleDuplicate": True} if invoice.possible_duplicate_of_id else {})
    return (await _with_details(ctx, [invoice]))[0]


async def _decide(ctx: OperationContext, invoice_id: Any, decision: Decision, note: str | None, action: str) -> Any:
    invoice = await approvals.lock(ctx.session, invoice_id)
    assert invoice is not None, "the pipeline found the invoice visible a moment ago"
    step = approvals.pending_step(invoice)
    # The pipeline asked Cerbos before this transaction; ask again about the
    # locked row, whose step may have moved on since.
    await ctx.authorize("invoice", action, invoice)
    await approvals.decide(ctx.session, invoice, decision, actor(ctx), note)
    # Started if it isn't running (an invoice loaded by the demo seed has none
    # yet); a start with the id of a running or finished workflow changes nothing.
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": approvals.WORKFLOW,
            "workflow_id": invoice.workflow_id,
            "args": [str(invoice.organization_id), str(invoice.id), ctx.platform.settings.invoice_approval_reminder_seconds],
        }
    )
    ctx.send(invoice.workflow_id, approvals.TOPIC, {"step": step.value, "decision": decision.value})
    ctx.audit_summary = {"step": step.value, "decision": decision.value, "status": invoice.status.value} | (
        {"note": note} if note else {}
    )
    read = (await _with_details(ctx, [invoice]))[0]
    decided = _DECIDED.get(invoice.status)
    if decided is not None:
        await events.emit(ctx.session, org(ctx), decided, read)
    return read


# The decisions integrators hear of: the last approval, and a rejection.
_DECIDED = {InvoiceStatus.APPROVED: WebhookEventType.INVOICE_APPROVED, InvoiceStatus.REJECTED: WebhookEventType.INVOICE_REJECTED}


@operation(
    "invoice/v1/approve",
    input=InvoiceApproveInput,
    output=InvoiceRead,
    kind="invoice",
    action="approve",
    target=Invoice,
    summary="Approve an invoice's pending step",
)
async def approve_invoice(ctx: OperationContext, data: InvoiceApproveInput) -> InvoiceRead:
    """Approve the invoice at its pending step: the manager step (managers and
    admins), then, for an invoice above the board threshold, the board step
    (board members; not the person who approved the manager step, SAME_APPROVER).
    INVOICE_NOT_PENDING once nothing is left to decide."""
    return await _decide(ctx, data.id, Decision.APPROVED, data.note, "approve")


@operation(
    "invoice/v1/reject",
    input=InvoiceRejectInput,
    output=InvoiceRead,
    kind="invoice",
    action="reject",
    target=Invoice,
    summary="Reject an invoice",
)
async def reject_invoice(ctx: OperationContext, data: InvoiceRejectInput) -> InvoiceRead:
    """Reject the invoice at its pending step (the same people who may approve
    it). Its posting is reversed in the same transaction, dated today (or the
    invoice date if later), and the vendor's invoice number may be entered again."""
    return await _decide(ctx, data.id, Decision.REJECTED, data.reason, "reject")


@operation(
    "invoice/v1/get",
    input=InvoiceGetInput,
    output=InvoiceRead,
    kind="invoice",
    action="read",
    target=Invoice,
    mutates=False,
    summary="Read an invoice",
)
async def get_invoice(ctx: OperationContext, data: InvoiceGetInput) -> InvoiceRead:
    """One invoice with its lines and approval decisions."""
    invoice = ctx.target
    assert invoice is not None
    return (await _with_details(ctx, [invoice]))[0]


@operation(
    "invoice/v1/list",
    input=InvoiceListInput,
    output=InvoiceConnection,
    kind="invoice",
    action="list",
    mutates=False,
    graphql_name="invoices",
    summary="List invoices",
)
async def list_invoices(ctx: OperationContext, data: InvoiceListInput) -> InvoiceConnection:
    """An association's invoices, latest invoice date first, with their lines
    and decisions; optionally of one status or one vendor."""
    rows, page = await invoices.invoice_page(ctx.session, data, await ctx.visible("invoice", "read", Invoice))
    return with_nodes(as_connection(InvoiceConnection, rows, page), await _with_details(ctx, rows[: page.first]))
