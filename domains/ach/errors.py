"""Error codes of the ACH domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class InvalidRoutingNumber(AppError):
    """The routing number fails the ABA check digit."""

    code = "INVALID_ROUTING_NUMBER"
    status = 422


class AuthorizationExists(Conflict):
    """The unit (or the vendor, in this association) already has an active authorization: revoke it first."""

    code = "ACH_AUTHORIZATION_EXISTS"


class AuthorizationNotActive(AppError):
    """The authorization is already revoked."""

    code = "ACH_AUTHORIZATION_NOT_ACTIVE"
    status = 422


class OriginationNotSetUp(AppError):
    """The association can't originate ACH files: it needs an active bank account
    with a routing number on its operating fund, and a tax id (the company id)."""

    code = "ACH_ORIGINATION_NOT_SET_UP"
    status = 422


class InvalidAchFile(AppError):
    """The file does not follow the NACHA record layout, or holds no returned entry."""

    code = "INVALID_ACH_FILE"
    status = 422
