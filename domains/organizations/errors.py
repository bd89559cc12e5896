"""Error codes of the organizations domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict, NotFound


class OrganizationNotFound(NotFound):
    """Unknown, or not yours: the two are indistinguishable on purpose."""

    code = "ORGANIZATION_NOT_FOUND"


class MembershipNotFound(NotFound):
    code = "MEMBERSHIP_NOT_FOUND"


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"


class AlreadyMember(Conflict):
    code = "ALREADY_MEMBER"


class LastAdmin(Conflict):
    code = "LAST_ADMIN"


class ServiceAccountNotFound(NotFound):
    code = "SERVICE_ACCOUNT_NOT_FOUND"


class InvalidManagementLink(AppError):
    code = "INVALID_MANAGEMENT_LINK"
    status = 422


class JoinRequestNotFound(NotFound):
    code = "JOIN_REQUEST_NOT_FOUND"


class JoinRequestNotPending(Conflict):
    code = "JOIN_REQUEST_NOT_PENDING"
