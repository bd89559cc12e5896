"""Error codes of the associations domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class AssociationsNotAllowed(AppError):
    """Only association and management-company organizations hold associations."""

    code = "ASSOCIATIONS_NOT_ALLOWED"
    status = 422


class DuplicateCode(Conflict):
    """The organization already has an association with this code."""

    code = "ASSOCIATION_CODE_TAKEN"


class DuplicateUnitNumber(Conflict):
    """The association already has a unit with this number."""

    code = "UNIT_NUMBER_TAKEN"


class SharesExceeded(AppError):
    """Active units' voting weights or assessment shares would sum above 1."""

    code = "SHARES_EXCEED_TOTAL"
    status = 422


class InterestExceeded(AppError):
    """Current co-owners' interests in a unit would sum above 1."""

    code = "OWNERSHIP_INTEREST_EXCEEDED"
    status = 422


class HistoryImmutable(AppError):
    """Ownerships and residencies are history: an ended one can't change."""

    code = "HISTORY_IMMUTABLE"
    status = 422


class InvalidTransfer(AppError):
    """A transfer's buyers don't add up (listed twice, interests not summing to 1,
    two primaries), or it is dated before a current ownership starts."""

    code = "INVALID_TRANSFER"
    status = 422


class UserNotMember(AppError):
    """A party can only be linked to a user who belongs to this organization."""

    code = "USER_NOT_A_MEMBER"
    status = 422


class PartyUserTaken(Conflict):
    """Another party of the organization is already linked to this user."""

    code = "PARTY_USER_TAKEN"


class ImportRejected(AppError):
    """A bulk import with wrong rows: nothing was imported; `details.rows` lists every problem."""

    code = "IMPORT_REJECTED"
    status = 422


class ElectronicConsentRequired(AppError):
    """Electronic delivery of notices needs the owner's consent on record (e.g. California Civil Code §4040(b))."""

    code = "ELECTRONIC_CONSENT_REQUIRED"
    status = 422
