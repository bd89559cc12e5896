"""The lifecycle workflow of each work order (service/lifecycle.py holds the
state map and what each wake-up does)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.jobs.models import JobInvoiceStatus
from domains.jobs.service import jobs
from domains.jobs.workflows import cancel_job_step, deliver, send_estimate_decision_step, send_invoice_answer_step
from domains.work_orders.service import dispatches, lifecycle
from graph import durable
from graph.db import scoped_transaction
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="track_work_order_step")
async def track_work_order_step(organization_id: str, work_order_id: str) -> dict[str, Any]:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        # With the deliveries of the letters its moves wrote, to start once it commits.
        return await lifecycle.track(session, UUID(work_order_id)) | {"deliveries": durable.pending(session)}


@durable.long_running(lifecycle.WORKFLOW)
async def run_work_order_workflow(organization_id: str, work_order_id: str) -> str:
    """Follow one work order from opening until nothing more can happen to it
    (closed, canceled, or completed past its reopen window): after each
    transition event, and when a deadline falls due (a durable timer that
    survives restarts), make the automatic moves and escalate what is late."""
    set_scope(UUID(organization_id), None)
    while True:
        state = await track_work_order_step(organization_id, work_order_id)
        await durable.perform(state["deliveries"])
        if state["wait"] is None:
            return str(state["status"])
        await DBOS.recv_async(topic=lifecycle.TOPIC, timeout_seconds=state["wait"])


@DBOS.step(name="send_job_step")
async def send_job_step(organization_id: str, dispatch_id: str) -> str:
    """Write the job in the provider's organization: read what it carries in the
    association's scope, write it in the provider's (`deliver`)."""
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        provider, values = await dispatches.job_of(session, UUID(dispatch_id))
    await deliver(provider, UUID(dispatch_id), values)
    return str(provider)


@DBOS.step(name="apply_job_event_step")
async def apply_job_event_step(organization_id: str, dispatch_id: str, event: dict[str, Any]) -> dict[str, Any]:
    platform = current_platform()
    remind_after = platform.settings.invoice_approval_reminder_seconds
    async with scoped_transaction(platform.sessions, UUID(organization_id), None) as session:
        # With what its writes start once it commits: an invoice's approval workflow, letters.
        return await dispatches.apply(session, UUID(dispatch_id), event, remind_after) | {"deliveries": durable.pending(session)}


@durable.long_running(dispatches.WORKFLOW)
async def dispatch_work_order_workflow(organization_id: str, dispatch_id: str) -> str:
    """Send the job to the provider's organization, then carry each of the
    provider's answers (events on the `job` topic: moves of the job, estimates,
    invoices) back to the dispatch and the work order, and the association's
    decisions on estimates and answers on invoices to the provider, until the
    provider declines, the association withdraws the work, or the finished
    work's invoice is entered."""
    set_scope(UUID(organization_id), None)
    provider = await send_job_step(organization_id, dispatch_id)
    while True:
        event = await DBOS.recv_async(topic=jobs.CUSTOMER_TOPIC, timeout_seconds=lifecycle.IDLE_SECONDS)
        if event is None:
            continue
        if event.get("status") == "canceled":
            await cancel_job_step(provider, dispatch_id)
            return "canceled"
        if "decision" in event:
            await send_estimate_decision_step(provider, event["decision"])
            continue
        state = await apply_job_event_step(organization_id, dispatch_id, event)
        await durable.perform(state["deliveries"])
        if state["moved"]:
            # Wake the work order's own workflow: its deadlines may be met now.
            await DBOS.send_async(state["workOrderWorkflowId"], {"dispatch": state["status"]}, topic=lifecycle.TOPIC)
        if "invoice" in state:
            await send_invoice_answer_step(provider, state["invoice"])
            if state["invoice"]["status"] == JobInvoiceStatus.ENTERED.value:
                return "invoiced"
        if state["status"] in {s.value for s in dispatches.ENDED}:
            return str(state["status"])
