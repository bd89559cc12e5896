"""Error codes of the amenities domain. Posting errors (PERIOD_CLOSED,
CONTROL_ACCOUNT_MISSING) come from the books with their own codes."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class AmenityNameTaken(Conflict):
    """The association already has an amenity with this name."""

    code = "AMENITY_NAME_TAKEN"


class InvalidAmenityRules(AppError):
    """The amenity's rules disagree: it closes before it opens, or no slot fits in its hours, or the time zone is unknown."""

    code = "INVALID_AMENITY_RULES"
    status = 422


class AmenityInactive(AppError):
    """The amenity is retired: it takes no new bookings."""

    code = "AMENITY_INACTIVE"
    status = 422


class SlotNotOffered(AppError):
    """The start is not one of the amenity's slots: outside its opening hours,
    not on a slot boundary, in the past or beyond how far ahead it may be booked."""

    code = "SLOT_NOT_OFFERED"
    status = 422


class SlotFull(Conflict):
    """Every place of this slot is taken (another booking got the last one)."""

    code = "SLOT_FULL"


class WeeklyLimitReached(Conflict):
    """The unit already holds the amenity's most bookings for that week."""

    code = "WEEKLY_LIMIT_REACHED"


class NotInGoodStanding(AppError):
    """The unit's owner may not book: something is past due beyond the amenity's
    limit, or an open violation of a blocking rule is at the unit (`details` says which)."""

    code = "NOT_IN_GOOD_STANDING"
    status = 422


class InvalidTransition(Conflict):
    """The booking's status doesn't allow this step (the message names what does)."""

    code = "INVALID_BOOKING_TRANSITION"


class CheckInNotOpen(AppError):
    """A booking is checked in only from its slot's start (15 minutes early at most) until its end."""

    code = "CHECK_IN_NOT_OPEN"
    status = 422
