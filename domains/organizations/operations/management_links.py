"""managementLink/v1/create."""

from __future__ import annotations

from domains.organizations import service
from domains.organizations.schemas import (
    ManagementLinkCreateInput,
    ManagementLinkRead,
)
from graph.handlers import OperationContext, org
from graph.operations import operation


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
    link = await service.link_manager(ctx.session, org(ctx), data.manager_organization_id)
    return ManagementLinkRead.model_validate(link)
