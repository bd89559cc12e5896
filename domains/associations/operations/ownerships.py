"""ownership/v1/{create,update,get,list,transfer}."""

from __future__ import annotations

from domains.associations.models import Ownership
from domains.associations.schemas import (
    OwnershipConnection,
    OwnershipCreateInput,
    OwnershipGetInput,
    OwnershipListInput,
    OwnershipRead,
    OwnershipTransferInput,
    OwnershipTransferResult,
    OwnershipUpdateInput,
)
from domains.associations.service import ownerships
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.handlers import OperationContext, as_connection, org
from graph.ids import encode
from graph.operations import operation


@operation(
    "ownership/v1/create",
    input=OwnershipCreateInput,
    output=OwnershipRead,
    kind="ownership",
    action="create",
    summary="Record an ownership",
)
async def create_ownership(ctx: OperationContext, data: OwnershipCreateInput) -> OwnershipRead:
    """Record that a party owns (part of) a unit from a date — for onboarding
    existing owners or adding a co-owner. Current co-owners' interests may not
    exceed 1 (OWNERSHIP_INTEREST_EXCEEDED); a change of owner is a transfer."""
    row = await ownerships.create(ctx.session, org(ctx), data)
    return OwnershipRead.model_validate(row)


@operation(
    "ownership/v1/update",
    input=OwnershipUpdateInput,
    output=OwnershipRead,
    kind="ownership",
    action="update",
    target=Ownership,
    summary="Change an ownership",
)
async def update_ownership(ctx: OperationContext, data: OwnershipUpdateInput) -> OwnershipRead:
    """Make an owner primary, or end a current ownership without a buyer (e.g.
    a co-owner leaves). Ended ownerships never change (HISTORY_IMMUTABLE)."""
    row = ctx.target
    ctx.audit_summary = {"changed": await ownerships.update(ctx.session, row, data)}
    return OwnershipRead.model_validate(row)


@operation(
    "ownership/v1/get",
    input=OwnershipGetInput,
    output=OwnershipRead,
    kind="ownership",
    action="read",
    target=Ownership,
    mutates=False,
    summary="Read an ownership",
)
async def get_ownership(ctx: OperationContext, data: OwnershipGetInput) -> OwnershipRead:
    """One ownership. Staff see all; an owner sees the ownerships of their units."""
    return OwnershipRead.model_validate(ctx.target)


@operation(
    "ownership/v1/list",
    input=OwnershipListInput,
    output=OwnershipConnection,
    kind="ownership",
    action="list",
    mutates=False,
    graphql_name="ownerships",
    summary="List ownerships",
)
async def list_ownerships(ctx: OperationContext, data: OwnershipListInput) -> OwnershipConnection:
    """Ownerships visible to you, latest start first: a unit's ownership history
    with `unitId`, a party's holdings with `partyId`."""
    rows = await ownerships.page(ctx.session, data, await ctx.visible("ownership", "read", Ownership))
    return as_connection(OwnershipConnection, rows, ownerships.page_of(data))


@operation(
    "ownership/v1/transfer",
    input=OwnershipTransferInput,
    output=OwnershipTransferResult,
    kind="ownership",
    action="transfer",
    result_field="result",
    summary="Transfer a unit to new owners",
)
async def transfer_ownership(ctx: OperationContext, data: OwnershipTransferInput) -> OwnershipTransferResult:
    """Convey a unit (sale, inheritance): on `transferOn` every current ownership
    ends and the buyers' start, interests summing to exactly 1. History is kept;
    nothing is overwritten."""
    ended, started = await ownerships.transfer(ctx.session, org(ctx), data)
    ctx.audit_targets = [encode("unt", data.unit_id), *(encode("own", r.id) for r in (*ended, *started))]
    ctx.audit_summary = {"transfer_on": str(data.transfer_on), "ended": len(ended), "started": len(started)}
    result = OwnershipTransferResult(
        ended=[OwnershipRead.model_validate(r) for r in ended],
        started=[OwnershipRead.model_validate(r) for r in started],
    )
    await events.emit(ctx.session, org(ctx), WebhookEventType.OWNERSHIP_TRANSFERRED, result)
    return result
