"""job/v1/{list,get,accept,decline,schedule,start,complete,estimate,invoice}, jobVisit/v1/list: the provider's side."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domains.jobs.models import Job, JobActorKind, JobStatus, JobVisit
from domains.jobs.schemas import (
    JobAnswerInput,
    JobConnection,
    JobEstimateLineRead,
    JobEstimateRead,
    JobEstimateSubmitInput,
    JobGetInput,
    JobInvoiceLineRead,
    JobInvoiceRead,
    JobInvoiceSubmitInput,
    JobListInput,
    JobRead,
    JobScheduleInput,
    JobVisitConnection,
    JobVisitListInput,
)
from domains.jobs.service import estimates, invoices, jobs, visits
from graph.auth.principal import PrincipalKind
from graph.handlers import OperationContext, actor, as_connection
from graph.operations import operation


def _kind(ctx: OperationContext) -> JobActorKind:
    assert ctx.principal is not None
    return JobActorKind.SERVICE_ACCOUNT if ctx.principal.kind is PrincipalKind.SERVICE_ACCOUNT else JobActorKind.USER


async def _answer(
    ctx: OperationContext, job_id: Any, to: JobStatus, note: str | None, scheduled_for: datetime | None = None
) -> JobRead:
    job = await jobs.lock(ctx.session, job_id)
    assert job is not None, "the pipeline found the job visible a moment ago"
    before = job.status
    await jobs.move(ctx.session, job, to, (_kind(ctx), actor(ctx)), note, scheduled_for)
    # The customer's side moves on when this commits: an event, never a shared row.
    ctx.send(
        job.customer_workflow_id,
        jobs.CUSTOMER_TOPIC,
        {"status": to.value, "note": note, "scheduledFor": scheduled_for.isoformat() if scheduled_for else None},
    )
    ctx.audit_summary = {"from": before.value, "to": to.value} | ({"note": note} if note else {})
    return JobRead.model_validate(job)


def _op(name: str, action: str, summary: str) -> Any:
    return operation(
        f"job/v1/{name}", input=JobAnswerInput, output=JobRead, kind="job", action=action, target=Job, summary=summary
    )


@operation(
    "job/v1/list",
    input=JobListInput,
    output=JobConnection,
    kind="job",
    action="list",
    mutates=False,
    graphql_name="jobs",
    summary="List the provider's jobs",
)
async def list_jobs(ctx: OperationContext, data: JobListInput) -> JobConnection:
    """Jobs from every customer, newest first; optionally of one state."""
    rows, page = await jobs.page(ctx.session, data, await ctx.visible("job", "read", Job))
    return as_connection(JobConnection, rows, page)


@operation(
    "job/v1/get", input=JobGetInput, output=JobRead, kind="job", action="read", target=Job, mutates=False, summary="Read a job"
)
async def get_job(ctx: OperationContext, data: JobGetInput) -> JobRead:
    """One job: its scope, site, contact and state."""
    return JobRead.model_validate(ctx.target)


@_op("accept", "answer", "Accept a job")
async def accept_job(ctx: OperationContext, data: JobAnswerInput) -> JobRead:
    """Take the job on (from received). ILLEGAL_JOB_TRANSITION from any other state."""
    return await _answer(ctx, data.id, JobStatus.ACCEPTED, data.note)


@_op("decline", "answer", "Decline a job")
async def decline_job(ctx: OperationContext, data: JobAnswerInput) -> JobRead:
    """Turn the job down (from received); the customer's work order goes back
    to review so another vendor can be chosen."""
    return await _answer(ctx, data.id, JobStatus.DECLINED, data.note)


@operation(
    "job/v1/schedule",
    input=JobScheduleInput,
    output=JobRead,
    kind="job",
    action="answer",
    target=Job,
    summary="Schedule a job's visit",
)
async def schedule_job(ctx: OperationContext, data: JobScheduleInput) -> JobRead:
    """Set (or move) the visit of an accepted job; the customer's work order
    becomes scheduled. `technicianIds` books those members of your organization
    for the visit (`durationMinutes` long); rescheduling cancels the job's
    earlier bookings. TECHNICIAN_NOT_MEMBER for someone outside your
    organization; TECHNICIAN_DOUBLE_BOOKED for a technician already on another
    visit at that time (a technician is never booked twice at once)."""
    read = await _answer(ctx, data.id, JobStatus.SCHEDULED, data.note, data.scheduled_for)
    job = await jobs.lock(ctx.session, data.id)
    assert job is not None
    ends_at = data.scheduled_for + timedelta(minutes=data.duration_minutes)
    booked = await visits.book(
        ctx.session, job, data.technician_ids, data.scheduled_for, ends_at, data.technician_note, actor(ctx)
    )
    ctx.audit_summary["technicians"] = len(booked)
    return read


@_op("start", "answer", "Start work on a job")
async def start_job(ctx: OperationContext, data: JobAnswerInput) -> JobRead:
    """The technician is on site (from scheduled); the customer's work order is in progress."""
    return await _answer(ctx, data.id, JobStatus.IN_PROGRESS, data.note)


@_op("complete", "answer", "Record a job's work as done")
async def complete_job(ctx: OperationContext, data: JobAnswerInput) -> JobRead:
    """The work is done (from in progress); the customer's work order moves to work done for its staff to complete."""
    return await _answer(ctx, data.id, JobStatus.WORK_DONE, data.note)


@operation(
    "job/v1/estimate",
    input=JobEstimateSubmitInput,
    output=JobEstimateRead,
    kind="job",
    action="answer",
    target=Job,
    summary="Send the customer an estimate for a job",
)
async def estimate_job(ctx: OperationContext, data: JobEstimateSubmitInput) -> JobEstimateRead:
    """Send a revision of the job's estimate: line items (description, quantity,
    unit price, or a service of your price book whose name and price are
    copied) whose amounts and total are computed to the cent. Each call is a
    new revision; an earlier one still awaiting the customer's decision is
    superseded, and every revision is kept. The customer's work order receives
    it (a copy on its side, through its dispatch) and approves or declines it.
    ESTIMATE_NOT_ALLOWED on a declined, finished or withdrawn job;
    ESTIMATE_ALREADY_APPROVED once the customer approved a revision;
    PRICE_BOOK_ITEM_RETIRED for a retired service."""
    job = await jobs.lock(ctx.session, data.id)
    assert job is not None, "the pipeline found the job visible a moment ago"
    estimate, values = await estimates.submit(ctx.session, job, data.lines, data.note, actor(ctx))
    lines = await estimates.lines_of(ctx.session, [estimate.id])
    ctx.send(job.customer_workflow_id, jobs.CUSTOMER_TOPIC, {"estimate": estimates.event(estimate, values)})
    ctx.audit_summary = {"revision": estimate.revision, "total": str(estimate.total), "lines": len(lines)}
    return JobEstimateRead.model_validate(estimate).model_copy(
        update={"lines": [JobEstimateLineRead.model_validate(line) for line in lines]}
    )


@operation(
    "job/v1/invoice",
    input=JobInvoiceSubmitInput,
    output=JobInvoiceRead,
    kind="job",
    action="answer",
    target=Job,
    summary="Send the customer the invoice for a job",
)
async def invoice_job(ctx: OperationContext, data: JobInvoiceSubmitInput) -> JobInvoiceRead:
    """Invoice a job whose work is done: line items (a description and a unit
    price, or a service of your price book whose name and price are copied),
    amounts and total to the cent. The customer's side receives it through its
    dispatch and enters it in its payables for approval; the invoice's status
    then says whether it was entered (`customerCode` naming the compliance
    hold it was entered under, if any: your insurance lapsed, your payments on
    hold) or refused (`customerCode`: why, e.g. the number was billed before),
    and a refused invoice may be followed by a corrected one. JOB_INVOICE_NOT_ALLOWED unless the work is done;
    JOB_ALREADY_INVOICED while an invoice of the job stands;
    JOB_INVOICE_NUMBER_TAKEN for a number you used before;
    PRICE_BOOK_ITEM_RETIRED for a retired service."""
    job = await jobs.lock(ctx.session, data.id)
    assert job is not None, "the pipeline found the job visible a moment ago"
    invoice, values = await invoices.submit(ctx.session, job, data, actor(ctx))
    lines = await invoices.lines_of(ctx.session, [invoice.id])
    ctx.send(job.customer_workflow_id, jobs.CUSTOMER_TOPIC, {"invoice": invoices.event(invoice, values)})
    ctx.audit_summary = {"invoiceNumber": invoice.invoice_number, "total": str(invoice.total), "lines": len(lines)}
    return JobInvoiceRead.model_validate(invoice).model_copy(
        update={"lines": [JobInvoiceLineRead.model_validate(line) for line in lines]}
    )


@operation(
    "jobVisit/v1/list",
    input=JobVisitListInput,
    output=JobVisitConnection,
    kind="job",
    action="list",
    mutates=False,
    graphql_name="jobVisits",
    summary="List technicians' visits",
)
async def list_job_visits(ctx: OperationContext, data: JobVisitListInput) -> JobVisitConnection:
    """Your technicians' visits by start time, across every customer's jobs: one
    technician's schedule (`technicianId`), a window of time, scheduled or canceled."""
    rows, page = await visits.page(ctx.session, data, await ctx.visible("job", "read", JobVisit))
    return as_connection(JobVisitConnection, rows, page)
