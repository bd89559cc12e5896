"""amenity/v1/{create,update,get,list}: an association's bookable places and their rules."""

from __future__ import annotations

from domains.amenities.models import Amenity
from domains.amenities.schemas import (
    AmenityConnection,
    AmenityCreateInput,
    AmenityGetInput,
    AmenityListInput,
    AmenityRead,
    AmenityUpdateInput,
)
from domains.amenities.service import amenities
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "amenity/v1/create",
    input=AmenityCreateInput,
    output=AmenityRead,
    kind="amenity",
    action="create",
    summary="Add a bookable amenity",
)
async def create_amenity(ctx: OperationContext, data: AmenityCreateInput) -> AmenityRead:
    """Add a place owners book (clubhouse, pool, court, guest parking) with its
    rules: opening hours in its time zone, slot length, places per slot, a
    weekly limit per unit, how far ahead, whether a manager confirms, the fee
    and deposit charged to the owner's ledger, the cancellation window, and who
    is in good standing (nothing past due beyond N days, no open violation of
    the rules named). Refused: a name already used (AMENITY_NAME_TAKEN); hours
    with no slot in them or an unknown time zone (INVALID_AMENITY_RULES)."""
    amenity = await amenities.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"name": amenity.name, "kind": amenity.kind.value}
    return AmenityRead.model_validate(amenity)


@operation(
    "amenity/v1/update",
    input=AmenityUpdateInput,
    output=AmenityRead,
    kind="amenity",
    action="update",
    target=Amenity,
    summary="Change an amenity's rules",
)
async def update_amenity(ctx: OperationContext, data: AmenityUpdateInput) -> AmenityRead:
    """Change an amenity's rules; only the fields given change. Bookings already
    made keep their slot, fee and deposit. `isActive` false retires it: no new
    bookings."""
    amenity: Amenity = ctx.target
    ctx.audit_summary = {"changed": await amenities.update(ctx.session, amenity, data)}
    return AmenityRead.model_validate(amenity)


@operation(
    "amenity/v1/get",
    input=AmenityGetInput,
    output=AmenityRead,
    kind="amenity",
    action="read",
    target=Amenity,
    mutates=False,
    summary="Read an amenity",
)
async def get_amenity(ctx: OperationContext, data: AmenityGetInput) -> AmenityRead:
    """One amenity with its booking rules."""
    return AmenityRead.model_validate(ctx.target)


@operation(
    "amenity/v1/list",
    input=AmenityListInput,
    output=AmenityConnection,
    kind="amenity",
    action="list",
    mutates=False,
    graphql_name="amenities",
    summary="List an association's amenities",
)
async def list_amenities(ctx: OperationContext, data: AmenityListInput) -> AmenityConnection:
    """An association's amenities, by name; optionally of one kind, or only active or retired ones."""
    rows, page = await amenities.amenity_page(ctx.session, data, await ctx.visible("amenity", "read", Amenity))
    return as_connection(AmenityConnection, rows, page)
