"""Error codes of the arc_requests domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class InvalidArcTransition(Conflict):
    """The request's status doesn't allow this step (the message names what does)."""

    code = "INVALID_ARC_TRANSITION"


class NeighborAcknowledgementsRequired(AppError):
    """The association requires neighbours' acknowledgements with a request."""

    code = "NEIGHBOR_ACKNOWLEDGEMENTS_REQUIRED"
    status = 422


class NotCommitteeMember(AppError):
    """Only a current member of the association's committee votes (its chair decides)."""

    code = "NOT_COMMITTEE_MEMBER"
    status = 403


class WrongDecisionMode(Conflict):
    """The association's settings say who decides: votes, or the chair."""

    code = "WRONG_DECISION_MODE"


class AlreadyVoted(Conflict):
    """A member votes once per review round."""

    code = "ALREADY_VOTED"


class ConditionsRequired(AppError):
    """An approval with conditions states them; a denial states its reasons."""

    code = "CONDITIONS_REQUIRED"
    status = 422


class NoAppeal(AppError):
    """This denial offers no appeal (the jurisdiction doesn't require one and none was offered)."""

    code = "NO_APPEAL"
    status = 422


class InvalidDates(AppError):
    """A date range runs backwards."""

    code = "INVALID_ARC_DATES"
    status = 422


class NotACommittee(AppError):
    """The architectural committee is one of the association's committees that
    sits: not a board, not dissolved, not another association's body."""

    code = "NOT_A_COMMITTEE"
    status = 422
