"""The dispatch workflow of a service request: one per provider asked, as for
an association's work order (domains/work_orders/workflows.py), with the
provider's side in domains/jobs/workflows.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.jobs.service import jobs
from domains.jobs.workflows import cancel_job_step, deliver, send_estimate_decision_step, send_invoice_answer_step
from domains.service_requests.service import dispatches
from graph import durable
from graph.db import scoped_transaction
from graph.platform import current_platform
from graph.telemetry import set_scope

# How long the workflow waits for the provider's next answer before waiting again.
IDLE_SECONDS = 30 * 24 * 3600.0


@DBOS.step(name="send_service_request_job_step")
async def send_service_request_job_step(organization_id: str, dispatch_id: str) -> str:
    """Write the job in the provider's organization: read what it carries in the
    requester's scope, write it in the provider's (`deliver`)."""
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        provider, values = await dispatches.job_of(session, UUID(dispatch_id))
    await deliver(provider, UUID(dispatch_id), values)
    return str(provider)


@DBOS.step(name="apply_service_job_event_step")
async def apply_service_job_event_step(organization_id: str, dispatch_id: str, event: dict[str, Any]) -> dict[str, Any]:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        return await dispatches.apply(session, UUID(dispatch_id), event)


@durable.long_running(dispatches.WORKFLOW)
async def dispatch_service_request_workflow(organization_id: str, dispatch_id: str) -> str:
    """Send the job to the provider's organization, then carry each of the
    provider's answers (events on the jobs' customer topic: moves of the job,
    estimates, the invoice) back to the dispatch and the request, and the
    requester's decisions on estimates to the provider — a decline of
    a posted request starts the next provider's dispatch — until the provider
    declines, the requester withdraws the work, or the finished work's invoice
    arrives."""
    set_scope(UUID(organization_id), None)
    provider = await send_service_request_job_step(organization_id, dispatch_id)
    while True:
        event = await DBOS.recv_async(topic=jobs.CUSTOMER_TOPIC, timeout_seconds=IDLE_SECONDS)
        if event is None:
            continue
        if event.get("status") == "canceled":
            await cancel_job_step(provider, dispatch_id)
            return "canceled"
        if "decision" in event:
            await send_estimate_decision_step(provider, event["decision"])
            continue
        state = await apply_service_job_event_step(organization_id, dispatch_id, event)
        await durable.perform(state["deliveries"])
        if "invoice" in state:
            await send_invoice_answer_step(provider, state["invoice"])
            # The requester pays it outside the platform and records the payments here.
            return "invoiced"
        if state["status"] in {s.value for s in dispatches.ENDED}:
            return str(state["status"])
