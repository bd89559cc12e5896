"""achAuthorization/v1/{create,setAutopay,revoke,get,list}."""

from __future__ import annotations

from domains.ach.models import AchAuthorization
from domains.ach.schemas import (
    AchAuthorizationConnection,
    AchAuthorizationCreateInput,
    AchAuthorizationGetInput,
    AchAuthorizationListInput,
    AchAuthorizationRead,
    AchAuthorizationRevokeInput,
    AchAuthorizationSetAutopayInput,
)
from domains.ach.service import authorizations
from domains.associations.models import Association, Unit
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.operations import operation

KIND = "ach_authorization"


@operation(
    "achAuthorization/v1/create",
    input=AchAuthorizationCreateInput,
    output=AchAuthorizationRead,
    kind=KIND,
    action="create",
    summary="Record an ACH authorization",
)
async def create(ctx: OperationContext, data: AchAuthorizationCreateInput) -> AchAuthorizationRead:
    """Record an owner's ACH debit authorization for their unit (autopay; staff
    may record one for an owner), or a vendor's bank account for ACH credits
    (staff only), with the date it was signed and its terms. The routing and
    account numbers are sealed at rest and read back as their last four digits.
    One active authorization per unit, and per vendor in an association
    (ACH_AUTHORIZATION_EXISTS); a routing number failing its check digit is
    INVALID_ROUTING_NUMBER."""
    if data.unit_id is not None:
        await ctx.authorize(KIND, "create_for_unit", await require(ctx.session, Unit, data.unit_id, "unitId"))
    else:
        await ctx.authorize(
            KIND, "create_for_vendor", await require(ctx.session, Association, data.association_id, "associationId")
        )
    row = await authorizations.create(ctx.session, org(ctx), data, ctx.platform.sealer, actor(ctx))
    ctx.audit_summary = {"party": "unit" if row.unit_id else "vendor", "accountLast4": row.account_last4}
    return AchAuthorizationRead.model_validate(row)


@operation(
    "achAuthorization/v1/revoke",
    input=AchAuthorizationRevokeInput,
    output=AchAuthorizationRead,
    kind=KIND,
    action="revoke",
    target=AchAuthorization,
    summary="Revoke an ACH authorization",
)
async def revoke(ctx: OperationContext, data: AchAuthorizationRevokeInput) -> AchAuthorizationRead:
    """Revoke an authorization (the owner their own, or staff): no later file
    uses it; entries already sent stand. Once (ACH_AUTHORIZATION_NOT_ACTIVE)."""
    row = await authorizations.revoke(ctx.session, ctx.target, data, actor(ctx))
    ctx.audit_summary = {"reason": data.reason, "revokedOn": data.revoked_on.isoformat()}
    return AchAuthorizationRead.model_validate(row)


@operation(
    "achAuthorization/v1/setAutopay",
    input=AchAuthorizationSetAutopayInput,
    output=AchAuthorizationRead,
    kind=KIND,
    action="set_autopay",
    target=AchAuthorization,
    summary="Enrol a unit in autopay, or cancel it",
)
async def set_autopay(ctx: OperationContext, data: AchAuthorizationSetAutopayInput) -> AchAuthorizationRead:
    """The owner (or staff for them) turns autopay on or off for a unit's saved
    account: on, each due date's debit file takes what the unit owes; off, the
    account stays saved for one-time payments (ownerPayment/v1/create). A file
    already built stands. A revoked authorization is ACH_AUTHORIZATION_NOT_ACTIVE."""
    row = await authorizations.set_autopay(ctx.session, ctx.target, data.autopay)
    ctx.audit_summary = {"autopay": data.autopay}
    return AchAuthorizationRead.model_validate(row)


@operation(
    "achAuthorization/v1/get",
    input=AchAuthorizationGetInput,
    output=AchAuthorizationRead,
    kind=KIND,
    action="read",
    target=AchAuthorization,
    mutates=False,
    summary="Read an ACH authorization",
)
async def get(ctx: OperationContext, data: AchAuthorizationGetInput) -> AchAuthorizationRead:
    """One authorization, its bank numbers masked. Owners read their own units'."""
    return AchAuthorizationRead.model_validate(ctx.target)


@operation(
    "achAuthorization/v1/list",
    input=AchAuthorizationListInput,
    output=AchAuthorizationConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="achAuthorizations",
    summary="List ACH authorizations",
)
async def list_authorizations(ctx: OperationContext, data: AchAuthorizationListInput) -> AchAuthorizationConnection:
    """An association's authorizations, newest first, bank numbers masked. Owners see their own units' only."""
    rows, page = await authorizations.page(ctx.session, data, await ctx.visible(KIND, "read", AchAuthorization))
    return as_connection(AchAuthorizationConnection, rows, page)
