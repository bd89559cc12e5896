"""Operations of the organizations domain (GraphQL + RPC from one declaration)."""

from __future__ import annotations

from domains.organizations import service
from domains.organizations.models import Membership, Organization
from domains.organizations.schemas import (
    JoinRequestCreateInput,
    JoinRequestDecideInput,
    JoinRequestRead,
    ManagementLinkCreateInput,
    ManagementLinkRead,
    MembershipAddInput,
    MembershipList,
    MembershipRead,
    MembershipRemoveInput,
    MembershipUpdateInput,
    OrganizationCreateInput,
    OrganizationListInput,
    OrganizationRead,
    OrganizationSelectInput,
    ServiceAccountCreated,
    ServiceAccountCreateInput,
    ServiceAccountRead,
    ServiceAccountRevokeInput,
    membership_read,
)
from domains.organizations.service import join_requests
from graph.auth.principal import PrincipalKind
from graph.db import new_id
from graph.errors import Forbidden
from graph.handlers import OperationContext
from graph.operations import Scope, operation


def _user(ctx: OperationContext):  # type: ignore[no-untyped-def]
    if ctx.user_id is None:
        raise Forbidden("Only a user (not a service account) can do this.")
    return ctx.user_id


def _org(ctx: OperationContext):  # type: ignore[no-untyped-def]
    assert ctx.organization_id is not None
    return ctx.organization_id


async def _with_organization(ctx: OperationContext, membership: Membership) -> MembershipRead:  # type: ignore[valid-type]
    organization = await ctx.session.get(Organization, membership.organization_id)
    assert organization is not None  # a member sees their organization (RLS)
    return membership_read(membership, organization)


@operation(
    "organization/v1/create",
    input=OrganizationCreateInput,
    output=OrganizationRead,
    kind="organization",
    action="create",
    scope=Scope.ACCOUNT,
    summary="Create an organization",
)
async def create_organization(ctx: OperationContext, data: OrganizationCreateInput) -> OrganizationRead:  # type: ignore[valid-type]
    """Create an organization (association, management company, service provider,
    individual or commercial client). You become its admin. It does not become
    active: call organizationSelect to act in it."""
    user = _user(ctx)
    organization_id = new_id()
    await ctx.enter_organization(organization_id)
    org = await service.create_organization(ctx.session, organization_id, data.type, data.name, user)
    ctx.audit_summary = {"type": data.type.value, "name": data.name}
    return OrganizationRead.model_validate(org)


@operation(
    "organization/v1/select",
    input=OrganizationSelectInput,
    output=MembershipRead,
    kind="organization",
    action="select",
    scope=Scope.ACCOUNT,
    summary="Choose the active organization",
)
async def select_organization(ctx: OperationContext, data: OrganizationSelectInput) -> MembershipRead:  # type: ignore[valid-type]
    """Make an organization you belong to the active one for this session. Every
    org-scoped operation acts in it, with the roles you hold there, until you
    select another or log out."""
    user = _user(ctx)
    membership = await service.membership_of(ctx.session, data.organization_id, user)
    principal = ctx.principal
    assert principal is not None and principal.kind is PrincipalKind.USER
    if principal.session_id is None:
        raise Forbidden("This principal has no session to switch.")
    await ctx.enter_organization(data.organization_id)
    await ctx.platform.session_store.set_active_organization(principal.session_id, data.organization_id)
    return await _with_organization(ctx, membership)


@operation(
    "organization/v1/list",
    input=OrganizationListInput,
    output=MembershipList,
    kind="organization",
    action="list",
    scope=Scope.ACCOUNT,
    mutates=False,
    summary="List my organizations",
    graphql_name="myMemberships",
)
async def list_organizations(ctx: OperationContext, data: OrganizationListInput) -> MembershipList:
    """The organizations you belong to, each with its name and type and your roles
    in it. Needs no active organization."""
    rows = await service.memberships_of_user(ctx.session, _user(ctx))
    return MembershipList(items=[membership_read(m, org) for m, org in rows])


@operation(
    "membership/v1/add",
    input=MembershipAddInput,
    output=MembershipRead,
    kind="membership",
    action="create",
    summary="Add a member",
)
async def add_membership(ctx: OperationContext, data: MembershipAddInput) -> MembershipRead:  # type: ignore[valid-type]
    """Add an existing user to the active organization with the given roles."""
    m = await service.add_member(ctx.session, _org(ctx), data.email, [r.value for r in data.roles])
    ctx.audit_summary = {"roles": m.roles}
    return await _with_organization(ctx, m)


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
    m = await service.update_roles(ctx.session, _org(ctx), data.id, [r.value for r in data.roles])
    ctx.audit_summary = {"roles": m.roles}
    return await _with_organization(ctx, m)


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
    m = await service.remove_member(ctx.session, _org(ctx), data.id)
    return await _with_organization(ctx, m)


@operation(
    "serviceAccount/v1/create",
    input=ServiceAccountCreateInput,
    output=ServiceAccountCreated,
    kind="service_account",
    action="create",
    summary="Create a service account and API key",
)
async def create_service_account(ctx: OperationContext, data: ServiceAccountCreateInput) -> ServiceAccountCreated:  # type: ignore[valid-type]
    """Create a service account for an integration or an AI agent, bound to the
    active organization, and return its API key (shown once)."""
    account, key = await service.create_service_account(
        ctx.session, _org(ctx), data.name, [r.value for r in data.roles], ctx.user_id
    )
    ctx.audit_summary = {"name": account.name, "roles": account.roles}
    ctx.audit_targets = [f"sa:{account.id}"]
    return ServiceAccountCreated(service_account=ServiceAccountRead.model_validate(account), api_key=key)


@operation(
    "serviceAccount/v1/revoke",
    input=ServiceAccountRevokeInput,
    output=ServiceAccountRead,
    kind="service_account",
    action="revoke",
    summary="Revoke a service account's API key",
)
async def revoke_service_account(ctx: OperationContext, data: ServiceAccountRevokeInput) -> ServiceAccountRead:  # type: ignore[valid-type]
    """Revoke a service account: its API key stops working at once."""
    account = await service.revoke_service_account(ctx.session, _org(ctx), data.id)
    return ServiceAccountRead.model_validate(account)


@operation(
    "managementLink/v1/create",
    input=ManagementLinkCreateInput,
    output=ManagementLinkRead,
    kind="organization",
    action="link_manager",
    summary="Link a management company to this association",
)
async def create_management_link(ctx: OperationContext, data: ManagementLinkCreateInput) -> ManagementLinkRead:  # type: ignore[valid-type]
    """Record that a management company manages the active association. The
    company's staff still act here only through memberships of their own."""
    link = await service.link_manager(ctx.session, _org(ctx), data.manager_organization_id)
    return ManagementLinkRead.model_validate(link)


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
    user = _user(ctx)
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
    request = await join_requests.decide(ctx.session, _org(ctx), data.id, data.approve, ctx.user_id)
    ctx.send(request.workflow_id, "decision", {"approve": data.approve})
    ctx.audit_summary = {"approve": data.approve}
    return JoinRequestRead.model_validate(request)
