"""party/v1/{create,update,get,list}."""

from __future__ import annotations

from domains.associations.models import Party
from domains.associations.schemas import (
    PartyConnection,
    PartyCreateInput,
    PartyGetInput,
    PartyListInput,
    PartyRead,
    PartyUpdateInput,
)
from domains.associations.service import parties
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation("party/v1/create", input=PartyCreateInput, output=PartyRead, kind="party", action="create", summary="Create a party")
async def create_party(ctx: OperationContext, data: PartyCreateInput) -> PartyRead:
    """Add a person or company who owns, rents or lives in units, with their
    contact points and delivery preference. Electronic delivery needs the
    consent time on record."""
    row = await parties.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"kind": row.kind.value, "linked_user": row.user_id is not None}
    return PartyRead.model_validate(row)


@operation(
    "party/v1/update",
    input=PartyUpdateInput,
    output=PartyRead,
    kind="party",
    action="update",
    target=Party,
    summary="Change a party",
)
async def update_party(ctx: OperationContext, data: PartyUpdateInput) -> PartyRead:
    """Change a party's name, delivery preference or contact points; only the
    fields given change. Owners may change their own party, but linking a user
    account (`userId`) is for staff."""
    row = ctx.target
    if "user_id" in data.model_fields_set and data.user_id != row.user_id:
        await ctx.authorize("party", "link_user", row)
    ctx.audit_summary = {"changed": await parties.update(ctx.session, row, data)}
    return PartyRead.model_validate(row)


@operation(
    "party/v1/get",
    input=PartyGetInput,
    output=PartyRead,
    kind="party",
    action="read",
    target=Party,
    mutates=False,
    summary="Read a party",
)
async def get_party(ctx: OperationContext, data: PartyGetInput) -> PartyRead:
    """One party. Staff see every party; an owner or tenant sees their own."""
    return PartyRead.model_validate(ctx.target)


@operation(
    "party/v1/list",
    input=PartyListInput,
    output=PartyConnection,
    kind="party",
    action="list",
    mutates=False,
    graphql_name="parties",
    summary="List parties",
)
async def list_parties(ctx: OperationContext, data: PartyListInput) -> PartyConnection:
    """Parties visible to you, by name, optionally those whose name starts with `search`."""
    rows = await parties.page(ctx.session, data, await ctx.visible("party", "read", Party))
    return as_connection(PartyConnection, rows, parties.page_of(data))
