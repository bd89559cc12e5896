"""Error codes of the portfolio domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class PortfolioManagerNotMember(AppError):
    """The user to assign is not a member of the organization."""

    code = "PORTFOLIO_MANAGER_NOT_MEMBER"
    status = 422


class PortfolioAlreadyAssigned(Conflict):
    """The user already runs this association (a current assignment)."""

    code = "PORTFOLIO_ALREADY_ASSIGNED"


class PortfolioAssignmentEnded(Conflict):
    """The assignment has already ended."""

    code = "PORTFOLIO_ASSIGNMENT_ENDED"
