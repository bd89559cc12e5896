"""seat/v1/{fill,end,list}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.governance.models import GoverningBody, Seat
from domains.governance.schemas import SeatConnection, SeatEndInput, SeatFillInput, SeatListInput, SeatRead
from domains.governance.service import bodies, seats
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation


@operation(
    "seat/v1/fill",
    input=SeatFillInput,
    output=SeatRead,
    kind="governing_body",
    action="fill_seat",
    summary="Record a term on a board or committee",
)
async def fill_seat(ctx: OperationContext, data: SeatFillInput) -> SeatRead:
    """Record that a person holds a seat on a body from `startsOn` until
    `endsOn`, the day its powers end, elected or appointed. On a board, the
    term makes its holder's user a board member for exactly those days. Refused
    when the body is dissolved (GOVERNING_BODY_DISSOLVED), when the person
    already holds an overlapping term there (ALREADY_SEATED), when the body
    would have more members at once than seats (SEATS_FULL), or when the term
    ends before it starts (INVALID_TERM)."""
    await require(ctx.session, GoverningBody, data.body_id, "bodyId")
    body = await bodies.lock(ctx.session, data.body_id)
    bodies.require_active(body)
    seat = await seats.fill(ctx.session, org(ctx), body, data)
    ctx.audit_summary = {
        "body": body.name,
        "filledBy": seat.filled_by.value,
        "startsOn": str(seat.starts_on),
        "endsOn": str(seat.ends_on),
    }
    return SeatRead.model_validate(seat)


@operation(
    "seat/v1/end",
    input=SeatEndInput,
    output=SeatRead,
    kind="governing_body",
    action="end_seat",
    target=Seat,
    summary="End a term early",
)
async def end_seat(ctx: OperationContext, data: SeatEndInput) -> SeatRead:
    """End a term before its scheduled end — a resignation, a removal — from
    `endsOn` (today or later, before the scheduled end), with the reason; the
    holder's offices end with it, and so do the board powers. The scheduled end
    is kept. A term already ended is TERM_ENDED; a day outside the term or in
    the past is INVALID_EARLY_END."""
    seat = await seats.lock(ctx.session, data.id)
    await bodies.lock(ctx.session, seat.body_id)
    before = seat.ends_on
    cut = await seats.end_early(ctx.session, seat, data.ends_on, data.reason)
    ctx.audit_summary = {
        "endsOn": {"from": str(before), "to": str(seat.ends_on)},
        "reason": data.reason.value,
        "officesEnded": [o.title.value for o in cut],
        "recordedOn": str(datetime.now(UTC).date()),
    }
    return SeatRead.model_validate(seat)


@operation(
    "seat/v1/list",
    input=SeatListInput,
    output=SeatConnection,
    kind="governing_body",
    action="list",
    mutates=False,
    summary="List the terms on a board or committee",
)
async def list_seats(ctx: OperationContext, data: SeatListInput) -> SeatConnection:
    """The terms on a body, latest start first: with `currentOn`, the members on
    that day; without it, the body's whole history."""
    await require(ctx.session, GoverningBody, data.body_id, "bodyId")
    rows = await seats.seat_page(ctx.session, data, await ctx.visible("governing_body", "read", Seat))
    return as_connection(SeatConnection, rows, seats.seat_page_of(data))
