"""The lifecycle workflow of each work order (service/lifecycle.py holds the
state map and what each wake-up does)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.jobs.models import EstimateStatus, JobActorKind, JobStatus
from domains.jobs.service import estimates, jobs, visits
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
    association's scope, write it in the provider's, as the platform (no user).
    A re-run finds the job there (same id) and writes nothing."""
    sessions = current_platform().sessions
    async with scoped_transaction(sessions, UUID(organization_id), None) as session:
        provider, values = await dispatches.job_of(session, UUID(dispatch_id))
    async with scoped_transaction(sessions, provider, None) as session:
        await jobs.receive(session, provider, UUID(dispatch_id), values)
    # Test-only: the job is committed in the provider's organization, the step not yet recorded.
    settings = current_platform().settings
    await durable.pause_for_crash_test(settings.dispatch_crash_pause_file, settings.environment, dispatch_id)
    return str(provider)


@DBOS.step(name="apply_job_event_step")
async def apply_job_event_step(organization_id: str, dispatch_id: str, event: dict[str, Any]) -> dict[str, Any]:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        return await dispatches.apply(session, UUID(dispatch_id), event)


@DBOS.step(name="cancel_job_step")
async def cancel_job_step(provider_id: str, dispatch_id: str) -> None:
    """The association withdrew the work: the job is canceled on the provider's
    side (if it still can be), and its technicians' visits with it."""
    async with scoped_transaction(current_platform().sessions, UUID(provider_id), None) as session:
        job = await jobs.lock(session, UUID(dispatch_id))
        if job is not None and JobStatus.CANCELED in jobs.JOB_MAP[job.status]:
            await jobs.move(session, job, JobStatus.CANCELED, (JobActorKind.PLATFORM, jobs.PLATFORM), "Withdrawn by the customer")
            await visits.release(session, job.id)


@DBOS.step(name="send_estimate_decision_step")
async def send_estimate_decision_step(provider_id: str, decision: dict[str, Any]) -> bool:
    """The association approved or declined a revision: the provider's copy takes the decision."""
    async with scoped_transaction(current_platform().sessions, UUID(provider_id), None) as session:
        return await estimates.decided(
            session,
            UUID(decision["estimateId"]),
            EstimateStatus(decision["status"]),
            decision.get("note"),
            datetime.fromisoformat(decision["decidedAt"]),
        )


@durable.long_running(dispatches.WORKFLOW)
async def dispatch_work_order_workflow(organization_id: str, dispatch_id: str) -> str:
    """Send the job to the provider's organization, then carry each of the
    provider's answers (events on the `job` topic: moves of the job, estimates)
    back to the dispatch and the work order, and the association's decisions on
    estimates to the provider, until the provider declines or finishes, or the
    association withdraws the work."""
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
        if state["moved"]:
            # Wake the work order's own workflow: its deadlines may be met now.
            await DBOS.send_async(state["workOrderWorkflowId"], {"dispatch": state["status"]}, topic=lifecycle.TOPIC)
        if state["status"] in {s.value for s in dispatches.FINAL}:
            return str(state["status"])
