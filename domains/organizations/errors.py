"""Error codes of the organizations domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict, NotFound


class OrganizationNotFound(NotFound):
    """Unknown, or not yours: the two are indistinguishable on purpose."""

    code = "ORGANIZATION_NOT_FOUND"


class MembershipNotFound(NotFound):
    """No membership of this user in the organization (or not one you may see)."""

    code = "MEMBERSHIP_NOT_FOUND"


class UserNotFound(NotFound):
    """No user with this id or email."""

    code = "USER_NOT_FOUND"


class AlreadyMember(Conflict):
    """The user is already a member of the organization."""

    code = "ALREADY_MEMBER"


class LastAdmin(Conflict):
    """The organization's last admin can't be removed or lose the admin role."""

    code = "LAST_ADMIN"


class ServiceAccountNotFound(NotFound):
    """No service account with this id in the organization."""

    code = "SERVICE_ACCOUNT_NOT_FOUND"


class InvalidManagementLink(AppError):
    """A management link joins an existing management company to an association organization, once."""

    code = "INVALID_MANAGEMENT_LINK"
    status = 422


class JoinRequestNotFound(NotFound):
    """No join request with this id is visible to you."""

    code = "JOIN_REQUEST_NOT_FOUND"


class JoinRequestNotPending(Conflict):
    """The join request was already approved, declined or withdrawn."""

    code = "JOIN_REQUEST_NOT_PENDING"
