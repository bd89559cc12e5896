"""GraphQL relation fields of the organizations domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.identity.models import User
from domains.identity.schemas import UserRead
from domains.organizations.models import Organization
from domains.organizations.schemas import (
    ManagementLinkRead,
    MembershipRead,
    OrganizationRead,
    ServiceAccountRead,
)
from graph.gqltypes import extend, output_type


@extend(MembershipRead)
class MembershipRelations:
    @strawberry.field(description="The organization of this membership.")
    async def organization(self, root: strawberry.Parent[Any], info: strawberry.Info) -> output_type(OrganizationRead) | None:  # type: ignore[valid-type]
        return await info.context.loaders.by_id(Organization).load(root.organization_id)

    @strawberry.field(description="The member.")
    async def user(self, root: strawberry.Parent[Any], info: strawberry.Info) -> output_type(UserRead) | None:  # type: ignore[valid-type]
        return await info.context.loaders.by_id(User).load(root.user_id)

ServiceAccountType = output_type(ServiceAccountRead)
ManagementLinkType = output_type(ManagementLinkRead)
