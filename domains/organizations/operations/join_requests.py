"""joinRequest/v1/{create,decide}."""

from __future__ import annotations

from domains.organizations.operations import acting_user
from domains.organizations.schemas import (
    JoinRequestCreateInput,
    JoinRequestDecideInput,
    JoinRequestRead,
)
from domains.organizations.service import join_requests
from graph.handlers import OperationContext, org
from graph.operations import Scope, operation


@operation(
    "joinRequest/v1/create",
    input=JoinRequestCreateInput,
    output=JoinRequestRead,
    kind="join_request",
    action="create",
    scope=Scope.ACCOUNT,
    summary="Ask to join an organization",
)
async def create_join_request(ctx: OperationContext, data: JoinRequestCreateInput) -> JoinRequestRead:  # type: ignore[valid-type]
    """Ask to join an organization. Its admins approve or decline with
    joinRequestDecide; a request nobody decides expires after the organization's
    review period. Follow it with `workflow(id: workflowId)`."""
    user = acting_user(ctx)
    await ctx.enter_organization(data.organization_id)
    request = await join_requests.create(ctx.session, data.organization_id, user, data.message)
    await ctx.start_workflow(
        join_requests.WORKFLOW,
        request.workflow_id,
        str(request.organization_id),
        str(request.id),
        ctx.platform.settings.join_request_ttl_seconds,
    )
    return JoinRequestRead.model_validate(request)


@operation(
    "joinRequest/v1/decide",
    input=JoinRequestDecideInput,
    output=JoinRequestRead,
    kind="join_request",
    action="decide",
    summary="Approve or decline a join request",
)
async def decide_join_request(ctx: OperationContext, data: JoinRequestDecideInput) -> JoinRequestRead:  # type: ignore[valid-type]
    """Approve or decline a pending join request of the active organization. The
    review workflow then admits the user (as a member) or closes the request."""
    request = await join_requests.decide(ctx.session, org(ctx), data.id, data.approve, ctx.user_id)
    ctx.send(request.workflow_id, "decision", {"approve": data.approve})
    ctx.audit_summary = {"approve": data.approve}
    return JoinRequestRead.model_validate(request)
