"""Join requests: a user asks, an admin decides, and a long-running workflow
settles the request — admitting the user, or expiring it when nobody decided
in time. The workflow waits on a `decision` event with a durable timeout, so it
survives restarts; it settles from the database state, so a decision that
commits just as the timer fires is still honoured."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.identity.models import User
from domains.organizations.errors import (
    AlreadyMember,
    JoinRequestNotFound,
    JoinRequestNotPending,
    OrganizationNotFound,
)
from domains.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Organization,
    OrganizationRole,
)
from graph import durable
from graph.db import add_or_raise, new_id
from graph.ids import encode

WORKFLOW = "review_join_request_workflow"


async def create(session: AsyncSession, organization_id: UUID, user_id: UUID, message: str) -> JoinRequest:
    existing = await session.scalar(
        select(Membership.id).where(Membership.organization_id == organization_id, Membership.user_id == user_id)
    )
    if existing is not None:
        raise AlreadyMember("You are already a member of this organization.", field=["input", "organizationId"])
    pending = await session.scalar(
        select(JoinRequest.id).where(
            JoinRequest.organization_id == organization_id,
            JoinRequest.user_id == user_id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
    )
    if pending is not None:
        raise JoinRequestNotPending(
            "You already have a pending request for this organization.", field=["input", "organizationId"]
        )
    request_id = new_id()
    request = JoinRequest(
        id=request_id,
        organization_id=organization_id,
        user_id=user_id,
        message=message,
        status=JoinRequestStatus.PENDING,
        workflow_id=f"join-request-{request_id}",
    )
    # A foreign-key failure means the organization doesn't exist: answered like "not yours".
    await add_or_raise(session, request, OrganizationNotFound("No such organization.", field=["input", "organizationId"]))
    await _tell_admins(session, request)
    return request


async def _tell_admins(session: AsyncSession, request: JoinRequest) -> None:
    """The organization's admins hear of the request, in its transaction: one letter per admin and request."""
    organization = await session.get(Organization, request.organization_id)
    user = await session.get(User, request.user_id)
    assert organization is not None and user is not None
    variables = {
        "request": {
            "name": user.display_name,
            "email": user.email,
            "message": request.message,
            "organization": organization.name,
        }
    }
    admins = await people.staff(session, request.organization_id, [OrganizationRole.ADMIN.value])
    source = f"join-request:{request.id}"
    await outbox.write(session, request.organization_id, None, TemplateKind.JOIN_REQUEST, source, admins, variables, user.id)


async def decide(
    session: AsyncSession, organization_id: UUID, request_id: UUID, approve: bool, decider: UUID | None
) -> JoinRequest:
    request = await session.scalar(
        select(JoinRequest).where(JoinRequest.organization_id == organization_id, JoinRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise JoinRequestNotFound("No such join request in this organization.", field=["input", "id"])
    if request.status is not JoinRequestStatus.PENDING:
        raise JoinRequestNotPending(f"This request is already {request.status.value}.", field=["input", "id"])
    request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    request.decided_at = datetime.now(UTC)
    if decider is not None:
        request.decided_by_membership_id = await session.scalar(
            select(Membership.id).where(Membership.organization_id == organization_id, Membership.user_id == decider)
        )
    await session.flush()
    return request


async def settle(session: AsyncSession, org: UUID, rid: UUID) -> str:
    """Admit the user of an approved request (once: a re-run finds the membership)
    or expire a request still pending; its status for the workflow."""
    request = await session.scalar(
        select(JoinRequest).where(JoinRequest.organization_id == org, JoinRequest.id == rid).with_for_update()
    )
    if request is None:
        return "gone"
    if request.status is JoinRequestStatus.PENDING:
        request.status = JoinRequestStatus.EXPIRED
        request.decided_at = datetime.now(UTC)
        _audit(session, request, "joinRequest/expire", {"status": "expired"})
    elif request.status is JoinRequestStatus.APPROVED:
        admitted = await session.scalar(
            select(Membership.id).where(Membership.organization_id == org, Membership.user_id == request.user_id)
        )
        if admitted is None:  # a re-run step finds the membership and adds nothing
            membership = Membership(organization_id=org, user_id=request.user_id, roles=[OrganizationRole.MEMBER.value])
            session.add(membership)
            await session.flush()
            _audit(session, request, "joinRequest/admit", {"membership": encode("mem", membership.id)})
    return request.status.value


def _audit(session: AsyncSession, request: JoinRequest, operation: str, summary: dict[str, str]) -> None:
    durable.audit(
        session, request.organization_id, operation, [encode("jrq", request.id)], summary | {"workflowId": request.workflow_id}
    )
