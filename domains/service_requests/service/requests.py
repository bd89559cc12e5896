"""Service requests: writing them, the state map, transitions as rows, reads.

    requested → dispatched | unassigned | canceled       (the opening move, in the same transaction)
    dispatched → accepted | dispatched | unassigned | canceled
                 (dispatched again: the provider declined and the next one offering the category has it;
                  unassigned: it declined and nobody else is left to ask)
    unassigned → dispatched | canceled                     (the requester names a provider, or asks the next)
    accepted → scheduled | canceled
    scheduled → in_progress | scheduled | canceled       (scheduled again: the provider moved the visit)
    in_progress → work_done
    work_done → completed                                  (the requester confirms)
    completed, canceled: terminal

The provider's answers (accepted, scheduled, in progress, work done, and a
decline) are the dispatch workflow's moves, never a user's. Every change of
state goes through `move`, which checks the map (ILLEGAL_SERVICE_REQUEST_TRANSITION
otherwise) and writes the transition row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.documents.service import documents
from domains.organizations.models import Organization, OrganizationType
from domains.service_requests.errors import (
    IllegalServiceRequestTransition,
    ServiceRequestsNotForAssociations,
    UnknownServiceCategory,
)
from domains.service_requests.models import (
    ServiceRequest,
    ServiceRequestActorKind,
    ServiceRequestStatus,
    ServiceRequestTransition,
)
from domains.service_requests.models import ServiceRequestStatus as S
from domains.work_orders.service.categories import DEFAULTS
from graph.auth.principal import Principal, PrincipalKind
from graph.db import new_id
from graph.pages import Page, page_statement

STATE_MAP: dict[ServiceRequestStatus, frozenset[ServiceRequestStatus]] = {
    S.REQUESTED: frozenset({S.DISPATCHED, S.UNASSIGNED, S.CANCELED}),
    S.DISPATCHED: frozenset({S.ACCEPTED, S.DISPATCHED, S.UNASSIGNED, S.CANCELED}),
    S.UNASSIGNED: frozenset({S.DISPATCHED, S.CANCELED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.CANCELED}),
    S.SCHEDULED: frozenset({S.IN_PROGRESS, S.SCHEDULED, S.CANCELED}),
    S.IN_PROGRESS: frozenset({S.WORK_DONE}),
    S.WORK_DONE: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELED: frozenset(),
}
# Moves only the dispatch workflow makes, carrying the provider's answers: into
# these states, and passing a declined request on to the next provider.
PROVIDERS = frozenset({S.ACCEPTED, S.SCHEDULED, S.IN_PROGRESS, S.WORK_DONE, S.UNASSIGNED})
PASSED_ON = (S.DISPATCHED, S.DISPATCHED)
TERMINAL = frozenset(s for s, nexts in STATE_MAP.items() if not nexts)
# The categories of work a request names and a provider offers: the work-order
# classifier's default categories, one list for associations and homeowners.
CATEGORIES: tuple[str, ...] = tuple(sorted({category for place in DEFAULTS.values() for category in place}))
# Organizations that ask for work through service requests (associations open work orders).
REQUESTERS = frozenset({OrganizationType.INDIVIDUAL, OrganizationType.COMMERCIAL_CLIENT})
WORKFLOW_ACTOR = UUID(int=0)


def actor_of(principal: Principal) -> tuple[ServiceRequestActorKind, UUID]:
    if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
        return ServiceRequestActorKind.SERVICE_ACCOUNT, principal.id
    return ServiceRequestActorKind.USER, principal.id


def check_category(category: str, field: list[str]) -> None:
    if category not in CATEGORIES:
        raise UnknownServiceCategory(
            f"'{category}' is not a service category.", field=field, details={"categories": list(CATEGORIES)}
        )


async def organization(session: AsyncSession, organization_id: UUID) -> Organization:
    """The requester's organization: an individual or a commercial client (an
    association or its management company opens work orders instead)."""
    org = await session.get(Organization, organization_id)
    assert org is not None, "the caller's own organization is visible to it"
    if org.type not in REQUESTERS:
        raise ServiceRequestsNotForAssociations(
            "Service requests are for individuals and commercial clients; open a work order instead.",
            details={"organizationType": org.type.value},
        )
    return org


def draft(organization_id: UUID, data: Any, user_id: UUID | None, by: UUID) -> ServiceRequest:
    """The request `data` asks for, not yet written: what the policies decide on."""
    return ServiceRequest(
        id=new_id(),
        organization_id=organization_id,
        title=data.title,
        description=data.description,
        address=data.address,
        category=data.category,
        preferred_dates=list(data.preferred_dates),
        document_ids=list(data.document_ids),
        posted=data.provider_organization_id is None,
        status=S.REQUESTED,
        requester_user_id=user_id,
        created_by=by,
    )


async def open_(session: AsyncSession, request: ServiceRequest, actor: tuple[ServiceRequestActorKind, UUID]) -> None:
    """Write `request` and its opening transition; its documents are the organization's own."""
    await documents.referenced(session, request.document_ids, None, "documentIds")
    session.add(request)
    record(session, request, S.REQUESTED, actor, None, None)
    await session.flush()


def record(
    session: AsyncSession,
    request: ServiceRequest,
    to: ServiceRequestStatus,
    actor: tuple[ServiceRequestActorKind, UUID],
    note: str | None,
    from_status: ServiceRequestStatus | None,
) -> ServiceRequestTransition:
    row = ServiceRequestTransition(
        organization_id=request.organization_id,
        service_request_id=request.id,
        requester_user_id=request.requester_user_id,
        from_status=from_status,
        to_status=to,
        actor_kind=actor[0],
        actor_id=actor[1],
        note=note,
        # The time of the move itself: two moves in one transaction keep their order.
        created_at=func.clock_timestamp(),
    )
    session.add(row)
    return row


async def lock(session: AsyncSession, request_id: UUID) -> ServiceRequest | None:
    return await session.scalar(
        select(ServiceRequest).where(ServiceRequest.id == request_id).with_for_update().execution_options(populate_existing=True)
    )


def _theirs(before: ServiceRequestStatus, to: ServiceRequestStatus) -> bool:
    """Whether the move is the provider's (the workflow's) to make."""
    return to in PROVIDERS or (before, to) == PASSED_ON


def allowed(status: ServiceRequestStatus, by_workflow: bool) -> list[str]:
    return sorted(s.value for s in STATE_MAP[status] if by_workflow or not _theirs(status, s))


def check(request: ServiceRequest, to: ServiceRequestStatus, actor: tuple[ServiceRequestActorKind, UUID]) -> None:
    """ILLEGAL_SERVICE_REQUEST_TRANSITION unless the state map has the arrow and
    the caller may make the move (the provider's answers are the workflow's)."""
    before = request.status
    by_workflow = actor[0] is ServiceRequestActorKind.WORKFLOW
    if to not in STATE_MAP[before] or (_theirs(before, to) and not by_workflow):
        raise IllegalServiceRequestTransition(
            f"A service request can't move from {before.value} to {to.value}.",
            field=["to"],
            details={"from": before.value, "to": to.value, "allowed": allowed(before, by_workflow)},
        )


async def move(
    session: AsyncSession,
    request: ServiceRequest,
    to: ServiceRequestStatus,
    actor: tuple[ServiceRequestActorKind, UUID],
    note: str | None = None,
) -> ServiceRequestTransition:
    """Move `request` (locked) to `to` (see `check`); the transition row and the
    new state are written together."""
    check(request, to, actor)
    before = request.status
    request.status = to
    if to is S.COMPLETED:
        request.completed_at = datetime.now(UTC)
    row = record(session, request, to, actor, note, before)
    await session.flush()
    return row


def list_filters(data: Any, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [visible]
    if data.status is not None:
        where.append(ServiceRequest.status == data.status)
    if data.open is not None:
        where.append(ServiceRequest.status.not_in(TERMINAL) if data.open else ServiceRequest.status.in_(TERMINAL))
    if data.category is not None:
        where.append(ServiceRequest.category == data.category)
    return where


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[ServiceRequest], Page]:
    """Service requests newest first."""
    p = Page(data.first, data.after, "created_at", descending=True)
    return (await session.scalars(page_statement(ServiceRequest, p, list_filters(data, visible)))).all(), p
