"""organizationSettings/v1/{get,set}."""

from __future__ import annotations

from domains.organizations.schemas import OrganizationSettingsGetInput, OrganizationSettingsRead, OrganizationSettingsSetInput
from domains.organizations.service import settings
from graph.handlers import OperationContext, actor, org
from graph.operations import operation


@operation(
    "organizationSettings/v1/get",
    input=OrganizationSettingsGetInput,
    output=OrganizationSettingsRead,
    kind="organization",
    action="read",
    mutates=False,
    summary="Read the organization's settings",
)
async def get_settings(ctx: OperationContext, data: OrganizationSettingsGetInput) -> OrganizationSettingsRead:
    """What the active organization allows (defaults where never set)."""
    return OrganizationSettingsRead.model_validate(await settings.get(ctx.session, org(ctx)))


@operation(
    "organizationSettings/v1/set",
    input=OrganizationSettingsSetInput,
    output=OrganizationSettingsRead,
    kind="organization",
    action="update",
    summary="Change the organization's settings",
)
async def set_settings(ctx: OperationContext, data: OrganizationSettingsSetInput) -> OrganizationSettingsRead:
    """Change what the active organization allows: whether AI agents may call
    operations that change data through the MCP endpoint."""
    row = await settings.set_agent_mutations(ctx.session, org(ctx), data.agent_mutations_allowed, actor(ctx))
    ctx.audit_summary = {"agentMutationsAllowed": data.agent_mutations_allowed}
    return OrganizationSettingsRead.model_validate(row)
