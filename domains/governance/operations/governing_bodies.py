"""governingBody/v1/{create,update,get,list}."""

from __future__ import annotations

from domains.governance.models import GoverningBody
from domains.governance.schemas import (
    GoverningBodyConnection,
    GoverningBodyCreateInput,
    GoverningBodyGetInput,
    GoverningBodyListInput,
    GoverningBodyRead,
    GoverningBodyUpdateInput,
)
from domains.governance.service import bodies
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "governingBody/v1/create",
    input=GoverningBodyCreateInput,
    output=GoverningBodyRead,
    kind="governing_body",
    action="create",
    summary="Create a board or committee",
)
async def create_body(ctx: OperationContext, data: GoverningBodyCreateInput) -> GoverningBodyRead:
    """Add a board or committee to an association, with the number of seats its
    governing documents give it. Names are unique in the association
    (GOVERNING_BODY_NAME_TAKEN). Its members come with seat/v1/fill."""
    body = await bodies.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"kind": body.kind.value, "name": body.name, "seatCount": body.seat_count}
    return GoverningBodyRead.model_validate(body)


@operation(
    "governingBody/v1/update",
    input=GoverningBodyUpdateInput,
    output=GoverningBodyRead,
    kind="governing_body",
    action="update",
    target=GoverningBody,
    summary="Change a board or committee",
)
async def update_body(ctx: OperationContext, data: GoverningBodyUpdateInput) -> GoverningBodyRead:
    """Rename, resize or dissolve a body; only the fields given change. Fewer
    seats than terms in force at once on some day from today is
    SEAT_COUNT_BELOW_TERMS; a dissolved body takes no new terms, and the terms it
    has keep running until they end (or are ended)."""
    body = await bodies.lock(ctx.session, data.id)
    ctx.audit_summary = {"changed": await bodies.update(ctx.session, body, data)}
    return GoverningBodyRead.model_validate(body)


@operation(
    "governingBody/v1/get",
    input=GoverningBodyGetInput,
    output=GoverningBodyRead,
    kind="governing_body",
    action="read",
    target=GoverningBody,
    mutates=False,
    summary="Read a board or committee",
)
async def get_body(ctx: OperationContext, data: GoverningBodyGetInput) -> GoverningBodyRead:
    """One board or committee (its members: seat/v1/list, or `currentSeats` in GraphQL)."""
    return GoverningBodyRead.model_validate(ctx.target)


@operation(
    "governingBody/v1/list",
    input=GoverningBodyListInput,
    output=GoverningBodyConnection,
    kind="governing_body",
    action="list",
    mutates=False,
    graphql_name="governingBodies",
    summary="List boards and committees",
)
async def list_bodies(ctx: OperationContext, data: GoverningBodyListInput) -> GoverningBodyConnection:
    """The boards and committees you may see (staff: all; owners and residents:
    their associations'), by name, optionally of one association, kind or status."""
    rows, page = await bodies.page(ctx.session, data, await ctx.visible("governing_body", "read", GoverningBody))
    return as_connection(GoverningBodyConnection, rows, page)
