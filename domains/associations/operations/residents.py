"""resident/v1/{create,update,get,list}."""

from __future__ import annotations

from domains.associations.models import Resident
from domains.associations.schemas import (
    ResidentConnection,
    ResidentCreateInput,
    ResidentGetInput,
    ResidentListInput,
    ResidentRead,
    ResidentUpdateInput,
)
from domains.associations.service import residents
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "resident/v1/create",
    input=ResidentCreateInput,
    output=ResidentRead,
    kind="resident",
    action="create",
    summary="Record a move-in",
)
async def create_resident(ctx: OperationContext, data: ResidentCreateInput) -> ResidentRead:
    """Record that a party lives in a unit from a date, as owner-occupant, tenant
    or household member."""
    return ResidentRead.model_validate(await residents.create(ctx.session, org(ctx), data))


@operation(
    "resident/v1/update",
    input=ResidentUpdateInput,
    output=ResidentRead,
    kind="resident",
    action="update",
    target=Resident,
    summary="Record a move-out",
)
async def update_resident(ctx: OperationContext, data: ResidentUpdateInput) -> ResidentRead:
    """Record a move-out date. A residency that has ended never changes."""
    row = ctx.target
    ctx.audit_summary = {"changed": await residents.move_out(ctx.session, row, data)}
    return ResidentRead.model_validate(row)


@operation(
    "resident/v1/get",
    input=ResidentGetInput,
    output=ResidentRead,
    kind="resident",
    action="read",
    target=Resident,
    mutates=False,
    summary="Read a residency",
)
async def get_resident(ctx: OperationContext, data: ResidentGetInput) -> ResidentRead:
    """One residency. Staff see all; an owner sees their unit's household; a
    tenant sees their own residency."""
    return ResidentRead.model_validate(ctx.target)


@operation(
    "resident/v1/list",
    input=ResidentListInput,
    output=ResidentConnection,
    kind="resident",
    action="list",
    mutates=False,
    graphql_name="residents",
    summary="List residents",
)
async def list_residents(ctx: OperationContext, data: ResidentListInput) -> ResidentConnection:
    """Residents visible to you, latest move-in first; current ones only unless `currentOnly` is false."""
    rows = await residents.page(ctx.session, data, await ctx.visible("resident", "read", Resident))
    return as_connection(ResidentConnection, rows, residents.page_of(data))
