"""A provider's invoice on the association's side: the dispatch workflow
carries it here (as the platform) and enters it in payables like any vendor
invoice — the same duplicate checks, posting, approval workflow and compliance
hold — with the provider's id, so each side's record of it has one id. What
payables refuses (the number billed before, a closed month…) is answered back
to the provider with its code; an entered invoice completes a work order whose
work is done.

The provider knows nothing of the association's books, so its lines are coded
to the association's repairs-and-maintenance expense account (5300 in the
standard chart) in its operating fund; staff who want another coding reject
the invoice and enter it themselves.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import AccountType, Fund, FundKind, GlAccount
from domains.jobs.service.estimates import amount, line_values, total
from domains.payables.errors import ExpenseAccountRequired
from domains.payables.service import approvals
from domains.payables.service import invoices as payables
from domains.work_orders.models import ActorKind, WorkOrder, WorkOrderDispatch, WorkOrderStatus
from domains.work_orders.service import lifecycle
from graph import durable
from graph.errors import AppError
from graph.ids import encode

REPAIRS_ACCOUNT = "5300"


async def _coding(session: AsyncSession, association_id: UUID) -> tuple[UUID, UUID]:
    """The association's repairs expense account and operating fund."""
    account = await session.scalar(
        select(GlAccount.id).where(
            GlAccount.association_id == association_id,
            GlAccount.number == REPAIRS_ACCOUNT,
            GlAccount.type == AccountType.EXPENSE,
            GlAccount.is_active.is_(True),
        )
    )
    fund = await session.scalar(
        select(Fund.id).where(Fund.association_id == association_id, Fund.kind == FundKind.OPERATING).order_by(Fund.code).limit(1)
    )
    if account is None or fund is None:
        raise ExpenseAccountRequired(
            f"The association has no active expense account {REPAIRS_ACCOUNT}, or no operating fund, "
            "to code a provider's invoice to."
        )
    return account, fund


async def receive(
    session: AsyncSession, wo: WorkOrder, dispatch: WorkOrderDispatch, sent: dict[str, Any], remind_after_seconds: float
) -> dict[str, Any]:
    """Enter the provider's invoice in payables (once: a re-run of the step finds
    it by id) and complete the work order if its work is done. Returns the
    answer for the provider (`status` entered or refused, `code`, `note`) and
    whether the work order moved."""
    invoice_id = UUID(sent["id"])
    values = line_values(sent["lines"])
    if total(values) != Decimal(sent["total"]):
        raise ValueError(f"invoice {sent['id']}: lines and total disagree")
    if dispatch.invoice_id == invoice_id:
        return {"answer": await _answer_of(session, invoice_id), "moved": False}
    try:
        async with session.begin_nested():
            account, fund = await _coding(session, wo.association_id)
            data = SimpleNamespace(
                association_id=wo.association_id,
                vendor_id=dispatch.vendor_id,
                invoice_number=sent["number"],
                invoice_date=date.fromisoformat(sent["invoiceDate"]),
                due_date=date.fromisoformat(sent["dueDate"]),
                memo=(sent.get("note") or f"Work order {encode('wo', wo.id)}: {wo.title}")[:500],
                scan_id=None,
                # The platform has no clerk to ask: a likely duplicate is entered, flagged for the approver.
                acknowledge_possible_duplicate=True,
                lines=[
                    SimpleNamespace(
                        account_id=account,
                        fund_id=fund,
                        amount=amount(v["quantity"], v["unit_price"]),
                        memo=f"{v['description']} ({v['quantity']} × {v['unit_price']})"[:200],
                    )
                    for v in values
                ],
            )
            invoice = await payables.enter(session, wo.organization_id, data, durable.SYSTEM_ACTOR, invoice_id=invoice_id)
    except AppError as refusal:
        durable.audit(
            session,
            wo.organization_id,
            "invoice/refusedFromProvider",
            [encode("wo", wo.id)],
            {"invoiceNumber": sent["number"], "total": sent["total"], "code": refusal.code},
        )
        return {
            "answer": {"id": sent["id"], "status": "refused", "code": refusal.code, "note": refusal.message[:500]},
            "moved": False,
        }
    durable.start_after_commit(
        session,
        approvals.WORKFLOW,
        invoice.workflow_id,
        str(wo.organization_id),
        str(invoice.id),
        remind_after_seconds,
        recorded_in=wo.organization_id,
    )
    dispatch.invoice_id = invoice.id
    durable.audit(
        session,
        wo.organization_id,
        "invoice/receivedFromProvider",
        [encode("inv", invoice.id), encode("wo", wo.id)],
        {"invoiceNumber": invoice.invoice_number, "total": str(invoice.total), "holdCode": invoice.hold_code},
    )
    moved = False
    if WorkOrderStatus.COMPLETED in lifecycle.STATE_MAP[wo.status]:
        note = f"Provider's invoice {invoice.invoice_number} of {invoice.total} received"
        await lifecycle.move(session, wo, WorkOrderStatus.COMPLETED, (ActorKind.WORKFLOW, durable.SYSTEM_ACTOR), note)
        moved = True
    await session.flush()
    return {"answer": _answer(invoice.id, invoice.hold_code, invoice.hold_reason), "moved": moved}


def _answer(invoice_id: UUID, hold_code: str | None, hold_reason: str | None) -> dict[str, Any]:
    return {"id": str(invoice_id), "status": "entered", "code": hold_code, "note": hold_reason}


async def _answer_of(session: AsyncSession, invoice_id: UUID) -> dict[str, Any]:
    invoice = await approvals.lock(session, invoice_id)
    assert invoice is not None
    return _answer(invoice.id, invoice.hold_code, invoice.hold_reason)
