"""`viewer`: who you are, where you belong, and which organization is active.
It spans the identity and organizations domains, so it lives here."""

from __future__ import annotations

from uuid import UUID

import strawberry
from sqlalchemy import select

from domains.associations.models import Unit
from domains.associations.schemas import UnitRead
from domains.identity.models import User
from domains.identity.schemas import UserRead
from domains.organizations.models import Membership, Organization
from domains.organizations.schemas import MembershipRead, OrganizationRead
from graph.auth.principal import PrincipalKind
from graph.gqltypes import output_type

UnitType = output_type(UnitRead)
UserType = output_type(UserRead)
MembershipType = output_type(MembershipRead)
OrganizationType = output_type(OrganizationRead)


@strawberry.type(description="The authenticated caller.")
class Viewer:
    principal_kind: str = strawberry.field(description="user or service_account.")
    user: UserType | None = strawberry.field(description="The user; null for a service account.")
    memberships: list[MembershipType] = strawberry.field(
        description="Your memberships in every organization (a service account: none)."
    )
    active_organization: OrganizationType | None = strawberry.field(
        description="The organization org-scoped operations act in; null until organizationSelect."
    )

    @strawberry.field(
        description="Units of the active organization you own or live in today (through your linked party); "
        "empty with no active organization."
    )
    async def my_units(self, info: strawberry.Info) -> list[UnitType]:
        ctx = info.context
        if ctx.organization_id is None:
            return []
        principal = await ctx.ensure_roles()
        ids = list(dict.fromkeys([*principal.relations.get("owner_of", []), *principal.relations.get("resident_of", [])]))
        units = await ctx.loaders.by_id(Unit).load_many([UUID(i) for i in ids])
        return sorted((u for u in units if u is not None), key=lambda u: (u.unit_number, u.id))


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller, their memberships and active organization; null when not logged in.")
    async def viewer(self, info: strawberry.Info) -> Viewer | None:
        ctx = info.context
        principal = ctx.principal
        if principal is None:
            return None
        active = None
        if principal.active_organization_id is not None:
            active = await ctx.loaders.by_id(Organization).load(principal.active_organization_id)
        if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
            return Viewer(principal_kind=principal.kind.value, user=None, memberships=[], active_organization=active)
        user = await ctx.loaders.by_id(User).load(principal.id)
        memberships = await ctx.scalars(
            select(Membership).where(Membership.user_id == principal.id).order_by(Membership.created_at, Membership.id)
        )
        return Viewer(principal_kind=principal.kind.value, user=user, memberships=list(memberships), active_organization=active)
