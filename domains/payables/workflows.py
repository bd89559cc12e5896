"""The invoice approval workflow (service/approvals.py records the decisions)."""

from __future__ import annotations

from uuid import UUID

from dbos import DBOS

from domains.payables.models import PENDING
from domains.payables.service import approvals
from graph import durable
from graph.db import scoped_transaction
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="settle_invoice_approval_step")
async def settle_invoice_approval_step(organization_id: str, invoice_id: str, overdue: bool) -> str:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        return await approvals.settle(session, org, UUID(invoice_id), overdue)


@durable.long_running(approvals.WORKFLOW)
async def approve_invoice_workflow(organization_id: str, invoice_id: str, remind_after_seconds: float) -> str:
    """Wait for the decisions, step by step, until the invoice is approved or
    rejected; remind (audit row) whenever a step has waited too long."""
    set_scope(UUID(organization_id), None)
    pending = {s.value for s in PENDING}
    while True:
        # A durable wait: the timer survives restarts; a decision event ends it early.
        event = await DBOS.recv_async(topic=approvals.TOPIC, timeout_seconds=remind_after_seconds)
        status = await settle_invoice_approval_step(organization_id, invoice_id, event is None)
        if status not in pending:
            return status
