"""organization/v1/{create,select,list}."""

from __future__ import annotations

from domains.organizations import service
from domains.organizations.schemas import (
    MembershipList,
    MembershipRead,
    OrganizationCreateInput,
    OrganizationListInput,
    OrganizationRead,
    OrganizationSelectInput,
    membership_read,
)
from graph.auth.principal import PrincipalKind
from graph.db import new_id
from graph.errors import Forbidden
from graph.handlers import OperationContext, acting_user
from graph.operations import Scope, operation


@operation(
    "organization/v1/create",
    input=OrganizationCreateInput,
    output=OrganizationRead,
    kind="organization",
    action="create",
    scope=Scope.ACCOUNT,
    summary="Create an organization",
)
async def create_organization(ctx: OperationContext, data: OrganizationCreateInput) -> OrganizationRead:
    """Create an organization (association, management company, service provider,
    individual or commercial client). You become its admin. It does not become
    active: call organizationSelect to act in it."""
    user = acting_user(ctx)
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
async def select_organization(ctx: OperationContext, data: OrganizationSelectInput) -> MembershipRead:
    """Make an organization you belong to the active one for this session. Every
    org-scoped operation acts in it, with the roles you hold there, until you
    select another or log out."""
    user = acting_user(ctx)
    membership = await service.membership_of(ctx.session, data.organization_id, user)
    principal = ctx.principal
    assert principal is not None and principal.kind is PrincipalKind.USER
    if principal.session_id is None:
        raise Forbidden("This principal has no session to switch.")
    await ctx.enter_organization(data.organization_id)
    await ctx.platform.session_store.set_active_organization(principal.session_id, data.organization_id)
    return membership_read(membership, await service.organization_of(ctx.session, membership))


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
    rows = await service.memberships_of_user(ctx.session, acting_user(ctx))
    return MembershipList(items=[membership_read(m, org) for m, org in rows])
