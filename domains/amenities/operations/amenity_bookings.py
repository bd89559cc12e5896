"""amenityBooking/v1/{request,confirm,checkIn,cancel,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.amenities.models import AmenityBooking, AmenityBookingTransition
from domains.amenities.schemas import (
    AmenityBookingCancelInput,
    AmenityBookingConnection,
    AmenityBookingListInput,
    AmenityBookingRead,
    AmenityBookingRequestInput,
    AmenityBookingStepInput,
    AmenityBookingTransitionRead,
)
from domains.amenities.service import bookings
from domains.amenities.service.bookings import TOPIC, WORKFLOW
from domains.associations.models import Unit
from graph.handlers import OperationContext, actor, as_connection, org, require, with_nodes
from graph.operations import operation


async def _with_transitions(ctx: OperationContext, rows: Sequence[AmenityBooking]) -> list[Any]:
    """Bookings as API models with their transitions (one statement)."""
    steps = await bookings.transitions_of(ctx.session, [b.id for b in rows])
    return [
        AmenityBookingRead.model_validate(b).model_copy(
            update={"transitions": [AmenityBookingTransitionRead.model_validate(t) for t in steps[b.id]]}
        )
        for b in rows
    ]


async def _stepped(ctx: OperationContext, booking: AmenityBooking, step: AmenityBookingTransition) -> AmenityBookingRead:
    """After a step: wake the workflow, say what changed in the audit row, answer the booking."""
    # Started if it isn't running (a booking loaded by the demo seed has none
    # yet); a start with the id of a running or finished workflow changes nothing.
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": WORKFLOW,
            "workflow_id": booking.workflow_id,
            "args": [str(booking.organization_id), str(booking.id), ctx.platform.settings.workflow_day_seconds],
        }
    )
    ctx.send(booking.workflow_id, TOPIC, {"step": step.to_status.value})
    ctx.audit_summary = {
        "from": step.from_status.value if step.from_status else None,
        "to": step.to_status.value,
        **({"reason": step.reason} if step.reason else {}),
        **{k: v for k, v in step.details.items() if v is not None},
    }
    return (await _with_transitions(ctx, [booking]))[0]


@operation(
    "amenityBooking/v1/request",
    input=AmenityBookingRequestInput,
    output=AmenityBookingRead,
    kind="amenity_booking",
    action="request",
    summary="Book a slot of an amenity",
)
async def request_booking(ctx: OperationContext, data: AmenityBookingRequestInput) -> AmenityBookingRead:
    """Book a slot of an amenity for a unit (its owner, or a manager for them).
    The unit must be in good standing under the amenity's rules, the slot one
    the amenity offers, and the unit under its weekly limit; a place is then
    held in the slot — when two ask for the last place at once, one gets it and
    the other SLOT_FULL. Confirmed at once (fee and deposit charged to the
    unit's ledger) unless the amenity needs a manager's confirmation. Its
    lifecycle workflow ends it when the slot ends. Refused: a retired amenity
    (AMENITY_INACTIVE); an amenity of another association (INVALID_REFERENCE);
    NOT_IN_GOOD_STANDING (details name the past-due amount or the open
    violations); SLOT_NOT_OFFERED; WEEKLY_LIMIT_REACHED; SLOT_FULL."""
    unit = await require(ctx.session, Unit, data.unit_id, "unitId")
    await ctx.authorize("amenity_booking", "request_for_unit", unit)
    booking = await bookings.request(ctx.session, org(ctx), unit, data, actor(ctx))
    await ctx.start_workflow(
        WORKFLOW, booking.workflow_id, str(booking.organization_id), str(booking.id), ctx.platform.settings.workflow_day_seconds
    )
    ctx.audit_summary = {
        "startsAt": booking.starts_at.isoformat(),
        "status": booking.status.value,
        "fee": str(booking.fee),
        "deposit": str(booking.deposit),
    }
    return (await _with_transitions(ctx, [booking]))[0]


@operation(
    "amenityBooking/v1/confirm",
    input=AmenityBookingStepInput,
    output=AmenityBookingRead,
    kind="amenity_booking",
    action="confirm",
    target=AmenityBooking,
    summary="Confirm a requested booking",
)
async def confirm_booking(ctx: OperationContext, data: AmenityBookingStepInput) -> AmenityBookingRead:
    """Confirm a booking waiting for a manager: its fee and deposit are charged
    to the unit's ledger, once. Refused: a booking not requested (INVALID_BOOKING_TRANSITION)."""
    booking = await bookings.lock(ctx.session, data.id)
    return await _stepped(ctx, booking, await bookings.confirm(ctx.session, booking, actor(ctx)))


@operation(
    "amenityBooking/v1/checkIn",
    input=AmenityBookingStepInput,
    output=AmenityBookingRead,
    kind="amenity_booking",
    action="check_in",
    target=AmenityBooking,
    summary="Check a booking in",
)
async def check_in_booking(ctx: OperationContext, data: AmenityBookingStepInput) -> AmenityBookingRead:
    """The party arrived: a confirmed booking is checked in, from 15 minutes
    before its slot until its end; when the slot ends it closes and its deposit
    is credited back. Refused: outside those times (CHECK_IN_NOT_OPEN); a
    booking not confirmed (INVALID_BOOKING_TRANSITION)."""
    booking = await bookings.lock(ctx.session, data.id)
    return await _stepped(ctx, booking, await bookings.check_in(ctx.session, booking, actor(ctx)))


@operation(
    "amenityBooking/v1/cancel",
    input=AmenityBookingCancelInput,
    output=AmenityBookingRead,
    kind="amenity_booking",
    action="cancel",
    target=AmenityBooking,
    summary="Cancel a booking",
)
async def cancel_booking(ctx: OperationContext, data: AmenityBookingCancelInput) -> AmenityBookingRead:
    """Cancel a requested or confirmed booking: its place is free again and its
    deposit is credited back; its fee too when cancelled at least the amenity's
    cancellation hours before the start. Refused: a booking checked in or ended
    (INVALID_BOOKING_TRANSITION)."""
    booking = await bookings.lock(ctx.session, data.id)
    return await _stepped(ctx, booking, await bookings.cancel(ctx.session, booking, data.reason, actor(ctx)))


@operation(
    "amenityBooking/v1/get",
    input=AmenityBookingStepInput,
    output=AmenityBookingRead,
    kind="amenity_booking",
    action="read",
    target=AmenityBooking,
    mutates=False,
    summary="Read a booking",
)
async def get_booking(ctx: OperationContext, data: AmenityBookingStepInput) -> AmenityBookingRead:
    """One booking with every step so far."""
    return (await _with_transitions(ctx, [ctx.target]))[0]


@operation(
    "amenityBooking/v1/list",
    input=AmenityBookingListInput,
    output=AmenityBookingConnection,
    kind="amenity_booking",
    action="list",
    mutates=False,
    graphql_name="amenityBookings",
    summary="List bookings",
)
async def list_bookings(ctx: OperationContext, data: AmenityBookingListInput) -> AmenityBookingConnection:
    """An association's bookings, soonest first, with their steps; filter by
    amenity, unit, status and start time. An owner sees their units' bookings,
    a tenant the bookings of the unit they live in."""
    rows, page = await bookings.booking_page(ctx.session, data, await ctx.visible("amenity_booking", "read", AmenityBooking))
    return with_nodes(as_connection(AmenityBookingConnection, rows, page), await _with_transitions(ctx, rows))
