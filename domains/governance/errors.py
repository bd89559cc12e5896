"""Error codes of the governance domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class GoverningBodyNameTaken(Conflict):
    """Another body of the association has this name."""

    code = "GOVERNING_BODY_NAME_TAKEN"


class GoverningBodyDissolved(AppError):
    """A dissolved body takes no new terms or offices."""

    code = "GOVERNING_BODY_DISSOLVED"
    status = 422


class SeatsFull(AppError):
    """The term would give the body more members at once than it has seats."""

    code = "SEATS_FULL"
    status = 422


class SeatCountBelowTerms(AppError):
    """A body can't have fewer seats than it has current or future terms on some day."""

    code = "SEAT_COUNT_BELOW_TERMS"
    status = 422


class AlreadySeated(AppError):
    """The person already holds a term on this body overlapping the new one."""

    code = "ALREADY_SEATED"
    status = 422


class InvalidTerm(AppError):
    """A term (or office holding) must end after it starts."""

    code = "INVALID_TERM"
    status = 422


class TermEnded(AppError):
    """The term has already ended: its history doesn't change."""

    code = "TERM_ENDED"
    status = 409


class InvalidEarlyEnd(AppError):
    """An early end falls inside the term: after its start, before its scheduled end."""

    code = "INVALID_EARLY_END"
    status = 422


class OfficeOutsideTerm(AppError):
    """An office is held within its holder's term on the body."""

    code = "OFFICE_OUTSIDE_TERM"
    status = 422
