"""The booking lifecycle workflow: one per booking, from its request to its
end. Requests move a booking (service/bookings.py checks each step) and wake
its workflow; the workflow does what the slot's end asks on its own — close a
checked-in booking (deposit back), mark a confirmed one a no-show (fee and
deposit kept), cancel a request never confirmed — with a durable timer that
survives restarts. `workflow_day_seconds` is how long a day is (shorter in tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.amenities.models import TERMINAL
from domains.amenities.service import bookings
from graph.db import scoped_transaction
from graph.durable import audit, long_running
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope

DAY = 86400.0


@DBOS.step(name="plan_amenity_booking_step")
async def plan_booking_step(organization_id: str, booking_id: str) -> dict[str, Any]:
    """The booking's status and when its slot ends."""
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        booking = await bookings.lock(session, UUID(booking_id))
        return {
            "status": booking.status.value,
            "terminal": booking.status in TERMINAL,
            "ends_at": booking.ends_at.isoformat(),
            "wait": max(0.0, (booking.ends_at - bookings.now()).total_seconds()),
        }


@DBOS.step(name="end_amenity_booking_step")
async def end_booking_step(organization_id: str, booking_id: str, ends_at: str) -> str:
    """The slot's end: move the booking on, if it is still open and its slot the planned one."""
    org, bid = UUID(organization_id), UUID(booking_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        booking = await bookings.lock(session, bid)
        if booking.ends_at != datetime.fromisoformat(ends_at):
            return booking.status.value
        step = await bookings.end_of_slot(session, booking)
        if step is not None:
            audit(
                session,
                org,
                f"amenityBooking/{step.to_status.value}",
                [encode("abk", bid)],
                {"from": step.from_status.value if step.from_status else None, "to": step.to_status.value},
            )
        return booking.status.value


@long_running(bookings.WORKFLOW)
async def amenity_booking_workflow(organization_id: str, booking_id: str, day_seconds: float) -> str:
    """Follow one booking until it is closed, cancelled or a no-show."""
    set_scope(UUID(organization_id), None)
    while True:
        plan = await plan_booking_step(organization_id, booking_id)
        if plan["terminal"]:
            return str(plan["status"])
        if plan["wait"] > 0:
            # A durable wait until the slot ends (scaled by the day's length); a request's step ends it early.
            event = await DBOS.recv_async(topic=bookings.TOPIC, timeout_seconds=plan["wait"] * day_seconds / DAY)
            if event is not None:
                continue
        await end_booking_step(organization_id, booking_id, plan["ends_at"])
