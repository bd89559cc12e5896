"""serviceAccount/v1/{create,revoke}."""

from __future__ import annotations

from domains.organizations import service
from domains.organizations.schemas import (
    ServiceAccountCreated,
    ServiceAccountCreateInput,
    ServiceAccountRead,
    ServiceAccountRevokeInput,
)
from graph.handlers import OperationContext, org
from graph.operations import operation


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
        ctx.session, org(ctx), data.name, [r.value for r in data.roles], ctx.user_id
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
    account = await service.revoke_service_account(ctx.session, org(ctx), data.id)
    return ServiceAccountRead.model_validate(account)
