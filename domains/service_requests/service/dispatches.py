"""Dispatch: a service request sent to a service provider becomes a job in the
provider's organization, as an association's work order does
(domains/jobs: the same job, the same answers, the same events).

This side keeps a dispatch record per provider asked; the provider's side keeps
the job, written by the dispatch workflow as the platform with what the
provider needs (the work, the address, a contact line, the preferred dates) and
nothing else of the requester. The provider's answers come back as events
(DBOS send/recv on the jobs' customer topic) that `apply` records here; a
posted request one provider declines goes to the next provider offering its
category that has not been asked yet.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, DateTime, String, Uuid, column, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.models import EstimateStatus
from domains.jobs.service.estimates import decide_copy, line_values, supersede, total
from domains.jobs.service.jobs import CUSTOMER_TOPIC
from domains.organizations.models import Organization
from domains.service_requests.errors import NoProviderOffering, NotAServiceProvider
from domains.service_requests.models import (
    ServiceDispatchStatus,
    ServiceRequest,
    ServiceRequestActorKind,
    ServiceRequestDispatch,
    ServiceRequestEstimate,
    ServiceRequestEstimateLine,
    ServiceRequestStatus,
)
from domains.service_requests.service import invoices, requests
from graph import durable
from graph.db import new_id
from graph.ids import encode
from graph.pages import Page, decode_cursor

WORKFLOW = "dispatch_service_request_workflow"
FINAL = frozenset({ServiceDispatchStatus.DECLINED, ServiceDispatchStatus.WORK_DONE, ServiceDispatchStatus.CANCELED})
# Where the dispatch workflow stops listening: the provider declined or the job
# was withdrawn. Finished work still waits for the provider's invoice.
ENDED = frozenset({ServiceDispatchStatus.DECLINED, ServiceDispatchStatus.CANCELED})
S = ServiceRequestStatus
# What the provider's answer does to the request (if the state map allows it from where it is).
MOVES = {
    ServiceDispatchStatus.ACCEPTED: S.ACCEPTED,
    ServiceDispatchStatus.SCHEDULED: S.SCHEDULED,
    ServiceDispatchStatus.IN_PROGRESS: S.IN_PROGRESS,
    ServiceDispatchStatus.WORK_DONE: S.WORK_DONE,
}
BY_WORKFLOW = (ServiceRequestActorKind.WORKFLOW, requests.WORKFLOW_ACTOR)


def workflow_id(dispatch_id: UUID) -> str:
    return f"service-request-dispatch-{dispatch_id}"


def providers_statement(category: str | None) -> Any:
    """Every service-provider organization, or those offering `category`, through
    migration 0035's function: RLS hides other organizations, and it reveals a
    provider's id, name and categories only (and since when it offers `category`)."""
    return func.service_providers(category).table_valued(
        column("organization_id", Uuid),
        column("name", String),
        column("categories", ARRAY(String)),
        column("offered_since", DateTime(timezone=True)),
    )


async def providers(session: AsyncSession, data: Any) -> tuple[list[Any], Page]:
    """Service providers by name (those offering `data.category`, if named), a page of them."""
    p = Page(data.first, data.after, "name")
    fn = providers_statement(data.category)
    query = select(fn).order_by(fn.c.name, fn.c.organization_id).limit(p.first + 1)
    if p.after:
        key = [fn.c.name, fn.c.organization_id]
        query = query.where(tuple_(*key) > tuple_(*decode_cursor(p.after, key)))
    rows = (await session.execute(query)).all()
    return [SimpleNamespace(id=r.organization_id, **r._mapping) for r in rows], p


async def _provider(session: AsyncSession, request: ServiceRequest, provider_id: UUID | None) -> Any:
    """The provider named, or the first offering the request's category (longest
    offering first) that has not been asked yet; None when nobody is left."""
    if provider_id is not None:
        fn = providers_statement(None)
        found = (await session.execute(select(fn).where(fn.c.organization_id == provider_id))).first()
        if found is None:
            raise NotAServiceProvider(
                "`providerOrganizationId` must name a service-provider organization.", field=["providerOrganizationId"]
            )
        return found
    asked = select(ServiceRequestDispatch.provider_organization_id).where(ServiceRequestDispatch.service_request_id == request.id)
    fn = providers_statement(request.category)
    return (
        await session.execute(
            select(fn).where(fn.c.organization_id.not_in(asked)).order_by(fn.c.offered_since, fn.c.organization_id).limit(1)
        )
    ).first()


async def send(
    session: AsyncSession,
    request: ServiceRequest,
    provider_id: UUID | None,
    actor: tuple[ServiceRequestActorKind, UUID],
    note: str | None = None,
    *,
    start: bool = True,
) -> ServiceRequestDispatch | None:
    """Send `request` (locked) to the provider named, or else to the next one
    offering its category: a dispatch record, the move to dispatched, and its
    workflow started once this transaction commits (it writes the job; the demo
    seed, which runs no workflows, writes the job itself: `start=False`). With
    nobody left to ask: NO_PROVIDER_OFFERING for a user; the workflow (after a
    decline) leaves the request unassigned and returns None."""
    requests.check(request, S.DISPATCHED, actor)
    provider = await _provider(session, request, provider_id)
    if provider is None:
        if actor[0] is not ServiceRequestActorKind.WORKFLOW:
            raise NoProviderOffering(
                f"No service provider offering {request.category} is left to ask; name one.",
                field=["providerOrganizationId"],
                details={"category": request.category},
            )
        await requests.move(session, request, S.UNASSIGNED, actor, note)
        return None
    dispatch_id = new_id()
    row = ServiceRequestDispatch(
        id=dispatch_id,
        organization_id=request.organization_id,
        service_request_id=request.id,
        requester_user_id=request.requester_user_id,
        provider_organization_id=provider.organization_id,
        provider_name=provider.name[:200],
        status=ServiceDispatchStatus.SENT,
        workflow_id=workflow_id(dispatch_id),
    )
    session.add(row)
    request.provider_organization_id = provider.organization_id
    sent = f"Sent to {provider.name}"
    await requests.move(session, request, S.DISPATCHED, actor, (f"{note} — {sent}" if note else sent)[:1000])
    if start:
        durable.start_after_commit(
            session, WORKFLOW, row.workflow_id, str(request.organization_id), str(row.id), recorded_in=request.organization_id
        )
    return row


async def withdraw(session: AsyncSession, request: ServiceRequest) -> list[ServiceRequestDispatch]:
    """Cancel the request's dispatches still running; their workflows are told
    once this commits (canceling the jobs on the providers' side)."""
    running = (
        await session.scalars(
            select(ServiceRequestDispatch).where(
                ServiceRequestDispatch.service_request_id == request.id, ServiceRequestDispatch.status.not_in(FINAL)
            )
        )
    ).all()
    for row in running:
        row.status = ServiceDispatchStatus.CANCELED
        durable.send_after_commit(session, row.workflow_id, CUSTOMER_TOPIC, {"status": "canceled"})
    await session.flush()
    return list(running)


async def job_of(session: AsyncSession, dispatch_id: UUID) -> tuple[UUID, dict[str, Any]]:
    """The provider's organization and what its job carries: the work, the
    address, the preferred dates and category, the requester's name and a
    contact line — nothing else of the requester."""
    dispatch = await session.get(ServiceRequestDispatch, dispatch_id)
    assert dispatch is not None
    request = await session.get(ServiceRequest, dispatch.service_request_id)
    org = await session.get(Organization, dispatch.organization_id)
    assert request is not None and org is not None
    more = [f"Category: {request.category}."]
    if request.preferred_dates:
        more.append("Preferred dates: " + ", ".join(d.isoformat() for d in request.preferred_dates) + ".")
    description = "\n\n".join([*([request.description] if request.description else []), " ".join(more)])
    return dispatch.provider_organization_id, {
        "customer_organization_id": dispatch.organization_id,
        "customer_name": org.name[:200],
        "customer_workflow_id": dispatch.workflow_id,
        "title": request.title,
        "description": description[:4000],
        "site": request.address,
        "contact": f"{org.name}, service request {encode('srq', request.id)}"[:400],
        "priority": "routine",
    }


async def _estimate(session: AsyncSession, dispatch: ServiceRequestDispatch, sent: dict[str, Any]) -> None:
    """Copy a revision the provider sent, once (a re-run finds it by id)."""
    values = line_values(sent["lines"])
    if total(values) != Decimal(sent["total"]):
        raise ValueError(f"estimate {sent['id']}: lines and total disagree")
    made = await session.scalar(
        insert(ServiceRequestEstimate)
        .values(
            id=UUID(sent["id"]),
            organization_id=dispatch.organization_id,
            service_request_id=dispatch.service_request_id,
            requester_user_id=dispatch.requester_user_id,
            dispatch_id=dispatch.id,
            revision=sent["revision"],
            status=EstimateStatus.SUBMITTED,
            total=Decimal(sent["total"]),
            note=sent.get("note"),
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(ServiceRequestEstimate.id)
    )
    if made is None:
        return
    await session.execute(
        insert(ServiceRequestEstimateLine),
        [{"id": new_id(), "organization_id": dispatch.organization_id, "estimate_id": made} | v for v in values],
    )
    await supersede(session, ServiceRequestEstimate, ServiceRequestEstimate.dispatch_id == dispatch.id, sent["revision"])


async def decide_estimate(
    session: AsyncSession, request: ServiceRequest, estimate_id: UUID, approve: bool, note: str | None
) -> ServiceRequestEstimate | None:
    """The requester's decision on a revision of a provider's estimate for
    `request` (None when it is another request's); the provider's copy takes it
    through the dispatch workflow once this commits."""
    estimate = await session.scalar(
        select(ServiceRequestEstimate)
        .where(ServiceRequestEstimate.id == estimate_id, ServiceRequestEstimate.service_request_id == request.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if estimate is None:
        return None
    status = EstimateStatus.APPROVED if approve else EstimateStatus.DECLINED
    event = await decide_copy(session, ServiceRequestEstimate, estimate, status, note)
    workflow = await session.scalar(
        select(ServiceRequestDispatch.workflow_id).where(ServiceRequestDispatch.id == estimate.dispatch_id)
    )
    assert workflow is not None
    durable.send_after_commit(session, workflow, CUSTOMER_TOPIC, event)
    return estimate


async def apply(session: AsyncSession, dispatch_id: UUID, event: dict[str, Any]) -> dict[str, Any]:
    """Record the provider's answer on the dispatch (a move of its job, an
    estimate, or an invoice: `invoice` is then the answer for the provider) and
    move the request on, as the workflow, where the state map allows. A decline
    of the request's current dispatch sends a posted request to the next
    provider offering its category (or leaves it unassigned). An answer that no
    longer fits (the requester canceled) is recorded only. Returns the
    dispatch's status and the after-commit actions (a next dispatch's workflow
    to start)."""
    dispatch = await session.scalar(
        select(ServiceRequestDispatch).where(ServiceRequestDispatch.id == dispatch_id).with_for_update()
    )
    assert dispatch is not None
    request = await requests.lock(session, dispatch.service_request_id)
    assert request is not None
    if dispatch.status is ServiceDispatchStatus.CANCELED:
        return {"status": dispatch.status.value, "deliveries": []}
    if "estimate" in event:
        await _estimate(session, dispatch, event["estimate"])
        return {"status": dispatch.status.value, "deliveries": []}
    if "invoice" in event:
        answer = await invoices.receive(session, dispatch, event["invoice"])
        return {"status": dispatch.status.value, "deliveries": [], "invoice": answer}
    status = ServiceDispatchStatus(event["status"])
    dispatch.status = status
    dispatch.provider_note = event.get("note")
    if event.get("scheduledFor"):
        dispatch.scheduled_for = datetime.fromisoformat(event["scheduledFor"])
    note = (f"{dispatch.provider_name}: {status.value}" + (f" — {event['note']}" if event.get("note") else ""))[:1000]
    current = request.provider_organization_id == dispatch.provider_organization_id
    if status is ServiceDispatchStatus.DECLINED and current and request.status is S.DISPATCHED:
        if request.posted:
            await send(session, request, None, BY_WORKFLOW, note)
        else:
            await requests.move(session, request, S.UNASSIGNED, BY_WORKFLOW, note)
    elif (to := MOVES.get(status)) is not None and current and to in requests.STATE_MAP[request.status]:
        await requests.move(session, request, to, BY_WORKFLOW, note)
    await session.flush()
    return {"status": status.value, "deliveries": durable.pending(session)}
