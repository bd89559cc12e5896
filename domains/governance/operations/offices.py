"""office/v1/{assign,list}."""

from __future__ import annotations

from domains.governance.models import GoverningBody, Office, Seat
from domains.governance.schemas import OfficeAssignInput, OfficeConnection, OfficeListInput, OfficeRead
from domains.governance.service import bodies, seats
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation


@operation(
    "office/v1/assign",
    input=OfficeAssignInput,
    output=OfficeRead,
    kind="governing_body",
    action="assign_office",
    summary="Give a member an office",
)
async def assign_office(ctx: OperationContext, data: OfficeAssignInput) -> OfficeRead:
    """Make the holder of a term president, treasurer, secretary… of its body from
    `startsOn` (today or later) until `endsOn` or the term's end. Whoever holds
    the title then stops holding it that day; the holding must fall within the
    term (OFFICE_OUTSIDE_TERM), and a dissolved body takes no offices
    (GOVERNING_BODY_DISSOLVED)."""
    seat: Seat = await require(ctx.session, Seat, data.seat_id, "seatId")
    body = await bodies.lock(ctx.session, seat.body_id)
    bodies.require_active(body)
    seat = await seats.lock(ctx.session, seat.id)
    office, ended = await seats.assign_office(ctx.session, org(ctx), seat, data)
    ctx.audit_summary = {
        "body": body.name,
        "title": office.title.value,
        "startsOn": str(office.starts_on),
        "endsOn": str(office.ends_on),
        "ended": [str(o.id) for o in ended],
    }
    return OfficeRead.model_validate(office)


@operation(
    "office/v1/list",
    input=OfficeListInput,
    output=OfficeConnection,
    kind="governing_body",
    action="list",
    mutates=False,
    summary="List the offices of a board or committee",
)
async def list_offices(ctx: OperationContext, data: OfficeListInput) -> OfficeConnection:
    """Who held which office of a body, latest start first: with `currentOn`,
    the officers on that day."""
    await require(ctx.session, GoverningBody, data.body_id, "bodyId")
    rows, page = await seats.office_page(ctx.session, data, await ctx.visible("governing_body", "read", Office))
    return as_connection(OfficeConnection, rows, page)
