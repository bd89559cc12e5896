"""Amenities: the places an association's owners book (clubhouse, pool, court,
guest parking), each with its booking rules as data — who may book (owners in
good standing: nothing past due beyond N days, no open violation of the rules
named), opening hours and slot length in the amenity's time zone, capacity per
slot, a weekly limit per unit, the fee and deposit charged to the owner's
ledger, and the cancellation window.

A slot's capacity is held by an `amenity_slots` row whose CHECK keeps the
bookings within it, so two owners can't both take the last place. A booking's
status changes only together with its transition row (who, when, from, to,
why); transitions are append-only for the application role.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Integer,
    String,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum
from graph.schemas import register_id


class AmenityKind(StrEnum):
    """What sort of place it is."""

    CLUBHOUSE = "clubhouse"
    """A clubhouse or party room."""
    POOL = "pool"
    """A pool (lap lanes, a time slot at the pool)."""
    COURT = "court"
    """A tennis, pickleball or basketball court."""
    GUEST_PARKING = "guest_parking"
    """A guest parking space."""
    OTHER = "other"
    """Anything else the association lends by the slot."""


class Amenity(TimestampMixin, Booked, Base):
    """A bookable place of an association and its booking rules. Retired
    (`isActive` false), never deleted: bookings keep pointing at it."""

    __tablename__ = "amenities"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "name"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The amenity's id.")
    name: Mapped[str] = mapped_column(String(120), doc="Its name, unique in the association (e.g. Clubhouse).")
    kind: Mapped[AmenityKind] = mapped_column(pg_enum(AmenityKind, "amenity_kind"), doc="What sort of place it is.")
    description: Mapped[str] = mapped_column(String(2000), doc="What owners should know (where, what is included, house rules).")
    time_zone: Mapped[str] = mapped_column(String(60), doc="IANA time zone of the opening hours (e.g. America/Los_Angeles).")
    opens_at: Mapped[time] = mapped_column(Time, doc="Opening time each day (local); the first slot starts then.")
    closes_at: Mapped[time] = mapped_column(Time, doc="Closing time each day (local); the last slot ends by then.")
    slot_minutes: Mapped[int] = mapped_column(Integer, doc="Length of a slot in minutes (15 to 1440).")
    capacity: Mapped[int] = mapped_column(Integer, doc="Bookings one slot takes (1 for a room, more for pool lanes).")
    max_bookings_per_unit_week: Mapped[int | None] = mapped_column(
        Integer, doc="Most bookings of this amenity one unit holds in a week (Monday to Sunday); null: no limit."
    )
    booking_days_ahead: Mapped[int] = mapped_column(Integer, doc="How many days ahead a slot may be booked.")
    requires_approval: Mapped[bool] = mapped_column(
        Boolean, doc="A booking waits for a manager's confirmation; otherwise it is confirmed when requested."
    )
    fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged to the unit's ledger when a booking is confirmed (0: free).")
    deposit: Mapped[Decimal] = mapped_column(
        MONEY, doc="Deposit charged when confirmed, credited back when closed or cancelled, kept on a no-show (0: none)."
    )
    cancellation_hours: Mapped[int] = mapped_column(
        Integer, doc="A booking cancelled at least this many hours before it starts gets its fee back; later, only its deposit."
    )
    max_days_past_due: Mapped[int | None] = mapped_column(
        Integer, doc="Good standing: the unit may owe nothing more than this many days past due; null: not checked."
    )
    blocking_rule_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), doc="Good standing: an open violation of a rule with one of these codes at the unit refuses a booking."
    )
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Retired amenities take no new bookings.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class AmenitySlot(Booked, Base):
    """The places taken in one slot of an amenity; its CHECK keeps them within the capacity."""

    __tablename__ = "amenity_slots"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "amenity_id", "starts_at"),
        association_fk("amenity_id", "amenities"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The slot row's id.")
    amenity_id: Mapped[UUID] = mapped_column(doc="The amenity.")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When the slot starts (UTC).")
    capacity: Mapped[int] = mapped_column(Integer, doc="The amenity's capacity when the slot was first booked.")
    taken: Mapped[int] = mapped_column(Integer, doc="Places held by requested, confirmed and checked-in bookings.")


class BookingStatus(StrEnum):
    """Where a booking is: requested → confirmed → checked_in → closed, or
    cancelled (by the owner or a manager, or a request left unconfirmed until
    its slot ended) or no_show (confirmed and never checked in by the slot's end)."""

    REQUESTED = "requested"
    """Asked for, waiting for a manager's confirmation (the place is held)."""
    CONFIRMED = "confirmed"
    """Confirmed: fee and deposit charged."""
    CHECKED_IN = "checked_in"
    """The owner's party arrived."""
    CLOSED = "closed"
    """The slot ended after a check-in: the deposit was credited back."""
    CANCELLED = "cancelled"
    """Cancelled; the place is free again."""
    NO_SHOW = "no_show"
    """Never checked in: the fee and deposit are kept."""


HOLDS_A_PLACE = frozenset({BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN})
TERMINAL = frozenset({BookingStatus.CLOSED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW})


class AmenityBooking(TimestampMixin, Booked, Base):
    """A unit's booking of one slot of an amenity, with the fee and deposit it
    was charged (the rules in force when it was requested)."""

    __tablename__ = "amenity_bookings"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "unit_id": "unit_id",
        "status": "status",
    }
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("amenity_id", "amenities"),
        association_fk("unit_id", "units"),
        ForeignKeyConstraint(
            ["organization_id", "unit_id", "fee_entry_id"],
            ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
        ),
        ForeignKeyConstraint(
            ["organization_id", "unit_id", "deposit_entry_id"],
            ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The booking's id.")
    amenity_id: Mapped[UUID] = mapped_column(doc="The amenity booked.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose owner booked it, and whose ledger is charged.")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When the slot starts (UTC).")
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When the slot ends (UTC).")
    status: Mapped[BookingStatus] = mapped_column(pg_enum(BookingStatus, "amenity_booking_status"), doc="Where it is now.")
    fee: Mapped[Decimal] = mapped_column(MONEY, doc="The fee, from the amenity's rules when requested.")
    deposit: Mapped[Decimal] = mapped_column(MONEY, doc="The deposit, from the amenity's rules when requested.")
    fee_entry_id: Mapped[UUID | None] = mapped_column(doc="The owner-ledger charge of the fee, once confirmed (none when free).")
    deposit_entry_id: Mapped[UUID | None] = mapped_column(
        doc="The owner-ledger charge of the deposit, once confirmed (none without a deposit)."
    )
    requested_by: Mapped[UUID] = mapped_column(doc="The user who asked for it (the owner, or a manager for them).")
    note: Mapped[str | None] = mapped_column(String(1000), doc="What the owner said about it (the occasion, guests).")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its lifecycle workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class AmenityBookingTransition(Booked, Base):
    """One step of a booking's lifecycle, kept for good: who (null: the
    workflow, when the slot ended), from which status to which, why, and the
    ledger entries it posted."""

    __tablename__ = "amenity_booking_transitions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("booking_id", "amenity_bookings"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Order of recording, across the organization.")
    booking_id: Mapped[UUID] = mapped_column(doc="The booking.")
    unit_id: Mapped[UUID] = mapped_column(doc="The booking's unit.")
    from_status: Mapped[BookingStatus | None] = mapped_column(
        pg_enum(BookingStatus, "amenity_booking_status"), doc="Status before (null for the request itself)."
    )
    to_status: Mapped[BookingStatus] = mapped_column(pg_enum(BookingStatus, "amenity_booking_status"), doc="Status after.")
    actor_id: Mapped[UUID | None] = mapped_column(doc="User who moved it; null when the workflow did at the slot's end.")
    reason: Mapped[str | None] = mapped_column(String(1000), doc="Why (a cancellation's reason).")
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="Particulars: the ledger entries posted or credited, the fee rule applied."
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it happened (UTC)."
    )


AmenityId = register_id(Amenity, "amy", "amenity")
AmenitySlotId = register_id(AmenitySlot, "asl", "amenity")
AmenityBookingId = register_id(AmenityBooking, "abk", "amenity_booking")
AmenityBookingTransitionId = register_id(AmenityBookingTransition, "abt", "amenity_booking")
