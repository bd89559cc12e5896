"""membership/v1/{add,update,remove}."""

from __future__ import annotations

from domains.organizations import service
from domains.organizations.schemas import (
    MembershipAddInput,
    MembershipRead,
    MembershipRemoveInput,
    MembershipUpdateInput,
    membership_read,
)
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.handlers import OperationContext, org
from graph.operations import operation


async def _emitted(ctx: OperationContext, type: WebhookEventType, read: MembershipRead) -> MembershipRead:
    await events.emit(ctx.session, org(ctx), type, read)
    return read


@operation(
    "membership/v1/add",
    input=MembershipAddInput,
    output=MembershipRead,
    kind="membership",
    action="create",
    summary="Add a member",
)
async def add_membership(ctx: OperationContext, data: MembershipAddInput) -> MembershipRead:
    """Add an existing user to the active organization with the given roles."""
    m = await service.add_member(ctx.session, org(ctx), data.email, [r.value for r in data.roles])
    ctx.audit_summary = {"roles": m.roles}
    return await _emitted(
        ctx, WebhookEventType.MEMBERSHIP_ADDED, membership_read(m, await service.organization_of(ctx.session, m))
    )


@operation(
    "membership/v1/update",
    input=MembershipUpdateInput,
    output=MembershipRead,
    kind="membership",
    action="update",
    summary="Change a member's roles",
)
async def update_membership(ctx: OperationContext, data: MembershipUpdateInput) -> MembershipRead:
    """Replace the roles of a membership of the active organization. The last
    admin cannot lose the admin role."""
    m = await service.update_roles(ctx.session, org(ctx), data.id, [r.value for r in data.roles])
    ctx.audit_summary = {"roles": m.roles}
    read = membership_read(m, await service.organization_of(ctx.session, m))
    return await _emitted(ctx, WebhookEventType.MEMBERSHIP_UPDATED, read)


@operation(
    "membership/v1/remove",
    input=MembershipRemoveInput,
    output=MembershipRead,
    kind="membership",
    action="delete",
    summary="Remove a member",
)
async def remove_membership(ctx: OperationContext, data: MembershipRemoveInput) -> MembershipRead:
    """Remove a membership; the user loses access to the organization at their
    next request. The last admin cannot be removed."""
    m = await service.remove_member(ctx.session, org(ctx), data.id)
    read = membership_read(m, await service.organization_of(ctx.session, m))
    return await _emitted(ctx, WebhookEventType.MEMBERSHIP_REMOVED, read)
