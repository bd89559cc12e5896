"""API models of the amenities domain, derived from its tables."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from domains.amenities.models import (
    Amenity,
    AmenityBooking,
    AmenityBookingId,
    AmenityBookingTransition,
    AmenityId,
    AmenityKind,
    BookingStatus,
)
from domains.associations.models import AssociationId, UnitId
from graph.schemas import ApiModel, connection_model, derive

_MONEY: dict[str, Any] = {"ge": 0, "max_digits": 14, "decimal_places": 2}
RuleCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9._-]{0,19}$")]

_RULES = [
    "name",
    "kind",
    "description",
    "time_zone",
    "opens_at",
    "closes_at",
    "slot_minutes",
    "capacity",
    "max_bookings_per_unit_week",
    "max_days_past_due",
]
_DEFAULTED = ["booking_days_ahead", "requires_approval", "fee", "deposit", "cancellation_hours", "blocking_rule_codes"]
_LIMITS: dict[str, dict[str, Any]] = {
    "name": {"pattern": r"^\S(.*\S)?$"},
    "time_zone": {"pattern": r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$"},
    "slot_minutes": {"ge": 15, "le": 1440},
    "capacity": {"ge": 1, "le": 1000},
    "max_bookings_per_unit_week": {"ge": 1, "le": 100},
    "max_days_past_due": {"ge": 0, "le": 3650},
    "booking_days_ahead": {"ge": 1, "le": 365},
    "cancellation_hours": {"ge": 0, "le": 720},
    "fee": _MONEY,
    "deposit": _MONEY,
}

AmenityRead = derive(
    Amenity, "Amenity", ["id", "association_id", *_RULES, *_DEFAULTED, "is_active", "created_at", "updated_at"], node=True
)
AmenityCreateInput = derive(
    Amenity,
    "AmenityCreateInput",
    ["association_id", *_RULES],
    doc="A bookable place of the association and its rules. Opening hours are local times in `timeZone`; "
    "slots start at the opening time and are `slotMinutes` long.",
    optional=("max_bookings_per_unit_week", "max_days_past_due"),
    constraints=_LIMITS,
    extra={
        "booking_days_ahead": (
            int,
            Field(30, ge=1, le=365, description="How many days ahead a slot may be booked (default 30)."),
        ),
        "requires_approval": (
            bool,
            Field(False, description="Bookings wait for a manager's confirmation (default false: confirmed when requested)."),
        ),
        "fee": (Decimal, Field(Decimal("0.00"), **_MONEY, description="Fee charged when confirmed (default 0).")),
        "deposit": (
            Decimal,
            Field(
                Decimal("0.00"), **_MONEY, description="Deposit charged when confirmed, returned unless a no-show (default 0)."
            ),
        ),
        "cancellation_hours": (
            int,
            Field(24, ge=0, le=720, description="Cancelled at least this many hours ahead, the fee is returned (default 24)."),
        ),
        "blocking_rule_codes": (
            list[RuleCode],
            Field(
                default_factory=list,
                max_length=20,
                description="Codes of violation rules: an open violation of one at the unit refuses a booking.",
            ),
        ),
    },
    examples=[
        {
            "associationId": "asn_…",
            "name": "Clubhouse",
            "kind": "clubhouse",
            "description": "The party room by the pool, 40 guests.",
            "timeZone": "America/Los_Angeles",
            "opensAt": "09:00:00",
            "closesAt": "22:00:00",
            "slotMinutes": 240,
            "capacity": 1,
            "maxBookingsPerUnitWeek": 1,
            "maxDaysPastDue": 60,
            "fee": "75.00",
            "deposit": "200.00",
            "cancellationHours": 72,
            "blockingRuleCodes": ["NOISE-01"],
        }
    ],
)
AmenityUpdateInput = derive(
    Amenity,
    "AmenityUpdateInput",
    ["id", *_RULES, *_DEFAULTED, "is_active"],
    doc="Changes to an amenity's rules; only the fields given change (null clears the weekly or past-due limit). "
    "Bookings already made keep their fee, deposit and slot; retiring it (isActive false) stops new bookings.",
    optional=(*_RULES, *_DEFAULTED, "is_active"),
    constraints=_LIMITS,
)


class AmenityGetInput(ApiModel):
    """Which amenity to read."""

    id: AmenityId = Field(description="The amenity.")


class AmenityListInput(ApiModel):
    """An association's amenities, by name."""

    association_id: AssociationId = Field(description="The association.")
    kind: AmenityKind | None = Field(None, description="Only amenities of this kind.")
    active: bool | None = Field(None, description="Only active (true) or retired (false) amenities.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


AmenityConnection = connection_model(AmenityRead)

# --- bookings -------------------------------------------------------------------

AmenityBookingTransitionRead = derive(
    AmenityBookingTransition,
    "AmenityBookingTransition",
    ["id", "booking_id", "from_status", "to_status", "actor_id", "reason", "details", "created_at"],
    node=True,
)
AmenityBookingRead = derive(
    AmenityBooking,
    "AmenityBooking",
    [
        "id",
        "association_id",
        "amenity_id",
        "unit_id",
        "starts_at",
        "ends_at",
        "status",
        "fee",
        "deposit",
        "fee_entry_id",
        "deposit_entry_id",
        "requested_by",
        "note",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={
        "transitions": (
            list[AmenityBookingTransitionRead],
            Field(default_factory=list, description="Every step so far, oldest first."),
        )
    },
)


class AmenityBookingRequestInput(ApiModel):
    """A slot of an amenity for a unit."""

    amenity_id: AmenityId = Field(description="The amenity, of the unit's association.")
    unit_id: UnitId = Field(description="The unit booking it (its owner's ledger is charged).")
    starts_at: datetime = Field(description="Start of the slot, with its offset (one of the amenity's slot starts).")
    note: str | None = Field(None, max_length=1000, description="The occasion, the guests.")

    @field_validator("starts_at")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the start with its offset (e.g. 2026-06-01T10:00:00-07:00)")
        return value


class AmenityBookingStepInput(ApiModel):
    """Which booking to move."""

    id: AmenityBookingId = Field(description="The booking.")


class AmenityBookingCancelInput(ApiModel):
    """Which booking to cancel, and why."""

    id: AmenityBookingId = Field(description="The booking.")
    reason: str = Field(min_length=1, max_length=1000, description="Why it is cancelled.")


class AmenityBookingListInput(ApiModel):
    """An association's bookings, soonest first."""

    association_id: AssociationId = Field(description="The association.")
    amenity_id: AmenityId | None = Field(None, description="Only this amenity's.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    status: BookingStatus | None = Field(None, description="Only bookings in this status.")
    starts_from: datetime | None = Field(None, description="Only slots starting at or after this time.")
    starts_before: datetime | None = Field(None, description="Only slots starting before this time.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


AmenityBookingConnection = connection_model(AmenityBookingRead)
