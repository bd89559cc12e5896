"""Bookings: who may book (good standing read through receivables and
violations), which slots an amenity offers, the place a booking holds in its
slot (the slot row's CHECK settles a race for the last place), the fee and
deposit charged to the owner's ledger through receivables' charge path, and
each step of the lifecycle with its transition row.

A booking's steps lock it and look at its status first, so a step taken twice
(a retried request, a re-run workflow step) posts nothing twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domains.amenities.errors import (
    AmenityInactive,
    CheckInNotOpen,
    InvalidTransition,
    NotInGoodStanding,
    SlotFull,
    SlotNotOffered,
    WeeklyLimitReached,
)
from domains.amenities.models import (
    HOLDS_A_PLACE,
    Amenity,
    AmenityBooking,
    AmenityBookingTransition,
    BookingStatus,
)
from domains.amenities.service.amenities import zone
from domains.associations.models import Unit
from domains.receivables.models import EntryKind, OwnerLedgerEntry
from domains.receivables.schemas import OwnerLedgerEntryChargeInput
from domains.receivables.service import owner_ledger, reports
from domains.violations.service import violations
from graph.db import new_id
from graph.errors import InvalidReference
from graph.ids import encode
from graph.pages import Page, page_statement

S = BookingStatus
WORKFLOW = "amenity_booking_workflow"
TOPIC = "amenity_booking"
# A party may check in this early before its slot starts.
EARLY_CHECK_IN = timedelta(minutes=15)

FROM: dict[BookingStatus, frozenset[BookingStatus]] = {
    S.CONFIRMED: frozenset({S.REQUESTED}),
    S.CHECKED_IN: frozenset({S.CONFIRMED}),
    S.CLOSED: frozenset({S.CHECKED_IN}),
    S.CANCELLED: frozenset({S.REQUESTED, S.CONFIRMED}),
    S.NO_SHOW: frozenset({S.CONFIRMED}),
}


def now() -> datetime:
    return datetime.now(UTC)


def workflow_id(booking_id: UUID) -> str:
    return f"amenity-booking-{booking_id}"


# --- who may book, and when ---------------------------------------------------


async def standing(session: AsyncSession, amenity: Amenity, unit: Unit, today: date) -> dict[str, Any]:
    """Why the unit is not in good standing for the amenity (empty: it is)."""
    problems: dict[str, Any] = {}
    if amenity.max_days_past_due is not None:
        late = await reports.delinquencies(session, unit.association_id, today, amenity.max_days_past_due, Decimal("0.01"))
        mine = next((r for r in late if r["unit_id"] == unit.id), None)
        if mine is not None:
            problems["pastDue"] = {
                "amount": str(mine["past_due"]),
                "days": mine["days_past_due"],
                "limit": amenity.max_days_past_due,
            }
    codes = await violations.open_rule_codes(session, unit.id, amenity.blocking_rule_codes)
    if codes:
        problems["openViolations"] = codes
    return problems


def slot_end(amenity: Amenity, starts_at: datetime, at: datetime) -> datetime:
    """The end of the slot starting at `starts_at`, or SLOT_NOT_OFFERED: it must
    start on a slot boundary within the opening hours (local time), not have
    ended, and start within the days it may be booked ahead."""
    local = starts_at.astimezone(zone(amenity))
    opens = local.replace(hour=amenity.opens_at.hour, minute=amenity.opens_at.minute, second=0, microsecond=0)
    closes = local.replace(hour=amenity.closes_at.hour, minute=amenity.closes_at.minute, second=0, microsecond=0)
    ends = local + timedelta(minutes=amenity.slot_minutes)
    offset = (local - opens).total_seconds() / 60
    if local < opens or ends > closes or offset % amenity.slot_minutes:
        raise SlotNotOffered(
            f"{amenity.name} is booked in {amenity.slot_minutes}-minute slots from {amenity.opens_at:%H:%M} "
            f"to {amenity.closes_at:%H:%M} ({amenity.time_zone}).",
            field=["startsAt"],
        )
    if ends <= at:
        raise SlotNotOffered("This slot has ended.", field=["startsAt"])
    if starts_at > at + timedelta(days=amenity.booking_days_ahead):
        raise SlotNotOffered(f"{amenity.name} is booked at most {amenity.booking_days_ahead} days ahead.", field=["startsAt"])
    return ends.astimezone(UTC)


async def _check_week(session: AsyncSession, amenity: Amenity, unit_id: UUID, starts_at: datetime) -> None:
    if amenity.max_bookings_per_unit_week is None:
        return
    local = starts_at.astimezone(zone(amenity))
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    held = await session.scalar(
        select(func.count()).where(
            AmenityBooking.amenity_id == amenity.id,
            AmenityBooking.unit_id == unit_id,
            AmenityBooking.status.in_([*HOLDS_A_PLACE, S.CLOSED, S.NO_SHOW]),
            AmenityBooking.starts_at >= monday,
            AmenityBooking.starts_at < monday + timedelta(days=7),
        )
    )
    if held and held >= amenity.max_bookings_per_unit_week:
        raise WeeklyLimitReached(
            f"Unit holds {held} bookings of {amenity.name} that week; the limit is {amenity.max_bookings_per_unit_week}.",
            field=["startsAt"],
            details={"held": held, "limit": amenity.max_bookings_per_unit_week, "weekOf": monday.date().isoformat()},
        )


_TAKE = text(
    """INSERT INTO amenity_slots (id, organization_id, association_id, amenity_id, starts_at, capacity, taken)
VALUES (:id, :org, :association, :amenity, :starts_at, :capacity, 1)
ON CONFLICT (organization_id, amenity_id, starts_at) DO UPDATE SET taken = amenity_slots.taken + 1"""
)
_RELEASE = text(
    "UPDATE amenity_slots SET taken = taken - 1 WHERE organization_id = :org AND amenity_id = :amenity AND starts_at = :starts_at"
)


async def _take_place(session: AsyncSession, amenity: Amenity, starts_at: datetime) -> None:
    """Hold a place in the slot. Two requests for one slot serialize on its row;
    the one that would go past the capacity fails the row's CHECK: SLOT_FULL."""
    params = {
        "id": new_id(),
        "org": amenity.organization_id,
        "association": amenity.association_id,
        "amenity": amenity.id,
        "starts_at": starts_at,
        "capacity": amenity.capacity,
    }
    try:
        async with session.begin_nested():
            await session.execute(_TAKE, params)
    except IntegrityError:
        raise SlotFull(f"Every place of {amenity.name} at that time is taken.", field=["startsAt"]) from None


# --- the lifecycle --------------------------------------------------------------


def allowed(booking: AmenityBooking, to: BookingStatus) -> None:
    """An illegal step is INVALID_BOOKING_TRANSITION."""
    if booking.status not in FROM[to]:
        allowed = sorted(s.value for s in FROM[to])
        raise InvalidTransition(
            f"This booking is {booking.status.value}; {to.value} needs it to be one of: {', '.join(allowed)}.",
            field=["id"],
            details={"status": booking.status.value, "to": to.value, "allowedFrom": allowed},
        )


def move(
    session: AsyncSession,
    booking: AmenityBooking,
    to: BookingStatus,
    by: UUID | None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AmenityBookingTransition:
    """Record a step (its transition row, written once: check `allowed` before
    posting anything) and move the booking to `to`."""
    allowed(booking, to)
    row = _transition(booking, booking.status, to, by, reason, details)
    session.add(row)
    booking.status = to
    return row


def _transition(
    booking: AmenityBooking,
    before: BookingStatus | None,
    to: BookingStatus,
    by: UUID | None,
    reason: str | None,
    details: dict[str, Any] | None,
) -> AmenityBookingTransition:
    return AmenityBookingTransition(
        organization_id=booking.organization_id,
        association_id=booking.association_id,
        booking_id=booking.id,
        unit_id=booking.unit_id,
        from_status=before,
        to_status=to,
        actor_id=by,
        reason=reason,
        details=details or {},
    )


async def request(session: AsyncSession, organization_id: UUID, unit: Unit, data: Any, by: UUID) -> AmenityBooking:
    """Book a slot for the unit: the amenity is active and in the unit's
    association, the unit in good standing, the slot offered, the week's limit
    not reached, a place left. Confirmed at once unless the amenity needs a
    manager's confirmation."""
    amenity = await session.get(Amenity, data.amenity_id)
    if amenity is None or amenity.association_id != unit.association_id:
        raise InvalidReference("`amenityId` names no amenity of the unit's association.", field=["amenityId"])
    if not amenity.is_active:
        raise AmenityInactive(f"{amenity.name} is retired: it takes no new bookings.", field=["amenityId"])
    at = now()
    ends_at = slot_end(amenity, data.starts_at, at)
    # A unit's bookings take turns (its week's count stays true); receivables locks the same row to post.
    await session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
    problems = await standing(session, amenity, unit, at.date())
    if problems:
        raise NotInGoodStanding(
            "The unit is not in good standing for this amenity: " + "; ".join(_say(problems)) + ".",
            field=["unitId"],
            details=problems,
        )
    await _check_week(session, amenity, unit.id, data.starts_at)
    await _take_place(session, amenity, data.starts_at)
    booking = AmenityBooking(
        id=new_id(),
        organization_id=organization_id,
        association_id=amenity.association_id,
        amenity_id=amenity.id,
        unit_id=unit.id,
        starts_at=data.starts_at,
        ends_at=ends_at,
        status=S.REQUESTED,
        fee=amenity.fee,
        deposit=amenity.deposit,
        requested_by=by,
        note=data.note,
    )
    booking.workflow_id = workflow_id(booking.id)
    session.add(booking)
    await session.flush()
    session.add(_transition(booking, None, S.REQUESTED, by, None, {"fee": str(amenity.fee), "deposit": str(amenity.deposit)}))
    if not amenity.requires_approval:
        await confirm(session, booking, by)
    return booking


def _say(problems: dict[str, Any]) -> list[str]:
    said = []
    if "pastDue" in problems:
        late = problems["pastDue"]
        said.append(f"{late['amount']} is {late['days']} days past due (the limit is {late['limit']} days)")
    if "openViolations" in problems:
        said.append("an open violation of " + ", ".join(problems["openViolations"]))
    return said


async def _charge(session: AsyncSession, booking: AmenityBooking, amount: Decimal, what: str, name: str, by: UUID | None) -> UUID:
    charge = OwnerLedgerEntryChargeInput.model_construct(
        unit_id=booking.unit_id,
        amount=amount,
        entry_date=now().date(),
        due_date=None,
        account_id=None,
        fund_id=None,
        memo=f"{name} {what}, {booking.starts_at:%Y-%m-%d %H:%M} UTC",
    )
    rows, _ = await owner_ledger.charge(session, booking.organization_id, charge, by)
    return next(r.id for r in rows if r.kind is EntryKind.ADJUSTMENT)


async def confirm(session: AsyncSession, booking: AmenityBooking, by: UUID | None) -> AmenityBookingTransition:
    """Confirm a requested booking and charge its fee and deposit to the unit's ledger, once."""
    allowed(booking, S.CONFIRMED)
    amenity = await session.get(Amenity, booking.amenity_id)
    assert amenity is not None
    if booking.fee > 0:
        booking.fee_entry_id = await _charge(session, booking, booking.fee, "fee", amenity.name, by)
    if booking.deposit > 0:
        booking.deposit_entry_id = await _charge(session, booking, booking.deposit, "deposit", amenity.name, by)
    details = {
        "feeEntryId": booking.fee_entry_id and encode("ole", booking.fee_entry_id),
        "depositEntryId": booking.deposit_entry_id and encode("ole", booking.deposit_entry_id),
    }
    return move(session, booking, S.CONFIRMED, by, None, details)


async def _give_back(
    session: AsyncSession, booking: AmenityBooking, entry_id: UUID | None, why: str, by: UUID | None
) -> str | None:
    if entry_id is None:
        return None
    entry = await session.get(OwnerLedgerEntry, entry_id)
    assert entry is not None, "a booking's charge is on its unit's ledger"
    credit = await owner_ledger.credit_back(
        session, booking.organization_id, entry, max(now().date(), entry.entry_date), why, by, "Amenity booking"
    )
    return encode("ole", credit.id)


async def check_in(session: AsyncSession, booking: AmenityBooking, by: UUID) -> AmenityBookingTransition:
    at = now()
    if booking.status is S.CONFIRMED and not (booking.starts_at - EARLY_CHECK_IN <= at < booking.ends_at):
        raise CheckInNotOpen(
            f"Check-in is open from {booking.starts_at - EARLY_CHECK_IN:%Y-%m-%d %H:%M} to {booking.ends_at:%H:%M} UTC.",
            field=["id"],
        )
    return move(session, booking, S.CHECKED_IN, by)


async def cancel(session: AsyncSession, booking: AmenityBooking, reason: str, by: UUID | None) -> AmenityBookingTransition:
    """Cancel: the place is free again, the deposit credited back, and the fee
    too when cancelled at least the amenity's cancellation hours before the start."""
    amenity = await session.get(Amenity, booking.amenity_id)
    assert amenity is not None
    in_window = now() <= booking.starts_at - timedelta(hours=amenity.cancellation_hours)
    allowed(booking, S.CANCELLED)
    await session.execute(
        _RELEASE, {"org": booking.organization_id, "amenity": booking.amenity_id, "starts_at": booking.starts_at}
    )
    details = {
        "inCancellationWindow": in_window,
        "cancellationHours": amenity.cancellation_hours,
        "depositCredit": await _give_back(session, booking, booking.deposit_entry_id, "deposit returned (cancelled)", by),
        "feeCredit": await _give_back(session, booking, booking.fee_entry_id, "fee returned (cancelled in time)", by)
        if in_window
        else None,
    }
    return move(session, booking, S.CANCELLED, by, reason, details)


async def end_of_slot(session: AsyncSession, booking: AmenityBooking) -> AmenityBookingTransition | None:
    """What the slot's end does (the workflow calls this): a checked-in booking
    closes and its deposit is credited back; a confirmed one is a no-show (fee
    and deposit kept); a request never confirmed is cancelled."""
    if booking.status is S.CHECKED_IN:
        allowed(booking, S.CLOSED)
        credit = await _give_back(session, booking, booking.deposit_entry_id, "deposit returned", None)
        return move(session, booking, S.CLOSED, None, None, {"depositCredit": credit})
    if booking.status is S.CONFIRMED:
        return move(
            session,
            booking,
            S.NO_SHOW,
            None,
            "not checked in by the slot's end",
            {"feeKept": str(booking.fee), "depositKept": str(booking.deposit)},
        )
    if booking.status is S.REQUESTED:
        return await cancel(session, booking, "not confirmed before the slot ended", None)
    return None


# --- reading ----------------------------------------------------------------------


async def lock(session: AsyncSession, booking_id: UUID) -> AmenityBooking:
    """The booking, locked: its steps take turns."""
    row = await session.scalar(
        select(AmenityBooking).where(AmenityBooking.id == booking_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the booking was visible a moment ago"
    return row


async def booking_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[AmenityBooking], Page]:
    """Bookings, soonest first, of the rows `visible` admits."""
    page = Page(data.first, data.after, "starts_at")
    where = [visible, AmenityBooking.association_id == data.association_id]
    if data.amenity_id is not None:
        where.append(AmenityBooking.amenity_id == data.amenity_id)
    if data.unit_id is not None:
        where.append(AmenityBooking.unit_id == data.unit_id)
    if data.status is not None:
        where.append(AmenityBooking.status == data.status)
    if data.starts_from is not None:
        where.append(AmenityBooking.starts_at >= data.starts_from)
    if data.starts_before is not None:
        where.append(AmenityBooking.starts_at < data.starts_before)
    return (await session.scalars(page_statement(AmenityBooking, page, where))).all(), page


async def transitions_of(session: AsyncSession, booking_ids: list[UUID]) -> dict[UUID, list[AmenityBookingTransition]]:
    """The transitions of bookings, oldest first (one statement), those of this transaction's steps included."""
    await session.flush()
    found: dict[UUID, list[AmenityBookingTransition]] = defaultdict(list)
    for t in await session.scalars(
        select(AmenityBookingTransition)
        .where(AmenityBookingTransition.booking_id.in_(booking_ids))
        .order_by(AmenityBookingTransition.seq)
    ):
        found[t.booking_id].append(t)
    return found
