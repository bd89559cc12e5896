"""Error codes of the jobs domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class IllegalJobTransition(Conflict):
    """The job can't move from its state to the one asked for; `details` names the states allowed."""

    code = "ILLEGAL_JOB_TRANSITION"


class EstimateNotAllowed(Conflict):
    """A job that was declined, finished or withdrawn takes no estimate."""

    code = "ESTIMATE_NOT_ALLOWED"


class EstimateAlreadyApproved(Conflict):
    """The customer approved a revision of this job's estimate: it is not revised any more."""

    code = "ESTIMATE_ALREADY_APPROVED"


class TechnicianNotMember(AppError):
    """A technician is a member of the provider's own organization."""

    code = "TECHNICIAN_NOT_MEMBER"
    status = 422


class TechnicianDoubleBooked(Conflict):
    """The technician is already on another visit at that time; `details` names it and its job."""

    code = "TECHNICIAN_DOUBLE_BOOKED"
