"""The provider's side of a customer's dispatch workflow: steps that write in
the provider's organization, as the platform. A customer's dispatch workflow (an
association's work order, a homeowner's service request) runs them; the two
organizations never share a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.jobs.models import EstimateStatus, JobActorKind, JobInvoiceStatus, JobStatus
from domains.jobs.service import estimates, invoices, jobs, visits
from graph import durable
from graph.db import scoped_transaction
from graph.platform import current_platform


async def deliver(provider_id: UUID, job_id: UUID, values: dict[str, Any]) -> None:
    """Write the job a customer's dispatch step read in its own scope, in the
    provider's, as the platform (no user). A re-run finds the job there (same
    id as the dispatch) and writes nothing."""
    platform = current_platform()
    async with scoped_transaction(platform.sessions, provider_id, None) as session:
        await jobs.receive(session, provider_id, job_id, values)
    # Test-only: the job is committed in the provider's organization, the step not yet recorded.
    settings = platform.settings
    await durable.pause_for_crash_test(settings.dispatch_crash_pause_file, settings.environment, str(job_id))


@DBOS.step(name="cancel_job_step")
async def cancel_job_step(provider_id: str, dispatch_id: str) -> None:
    """The customer withdrew the work: the job is canceled on the provider's
    side (if it still can be), and its technicians' visits with it."""
    async with scoped_transaction(current_platform().sessions, UUID(provider_id), None) as session:
        job = await jobs.lock(session, UUID(dispatch_id))
        if job is not None and JobStatus.CANCELED in jobs.JOB_MAP[job.status]:
            await jobs.move(session, job, JobStatus.CANCELED, (JobActorKind.PLATFORM, jobs.PLATFORM), "Withdrawn by the customer")
            await visits.release(session, job.id)


@DBOS.step(name="send_estimate_decision_step")
async def send_estimate_decision_step(provider_id: str, decision: dict[str, Any]) -> bool:
    """The customer approved or declined a revision: the provider's copy takes the decision."""
    async with scoped_transaction(current_platform().sessions, UUID(provider_id), None) as session:
        return await estimates.decided(
            session,
            UUID(decision["estimateId"]),
            EstimateStatus(decision["status"]),
            decision.get("note"),
            datetime.fromisoformat(decision["decidedAt"]),
        )


@DBOS.step(name="send_invoice_answer_step")
async def send_invoice_answer_step(provider_id: str, answer: dict[str, Any]) -> bool:
    """The customer entered or refused the provider's invoice: the provider's invoice takes the answer."""
    async with scoped_transaction(current_platform().sessions, UUID(provider_id), None) as session:
        return await invoices.answered(
            session, UUID(answer["id"]), JobInvoiceStatus(answer["status"]), answer.get("code"), answer.get("note")
        )
