"""Error codes of the violations domain. A refusal that a jurisdiction rule
causes carries the rule in `details` (key, required value, citation, source),
so the message a manager sees names the statute. Posting errors
(PERIOD_CLOSED, CONTROL_ACCOUNT_MISSING) come from the books with their own codes."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class RuleCodeTaken(Conflict):
    """The association's library already has a rule with this code."""

    code = "RULE_CODE_TAKEN"


class InvalidFineSchedule(AppError):
    """The rule's fields disagree: cure days without being curable (or the
    reverse), a continuing fine without its period, a fine above the cap."""

    code = "INVALID_FINE_SCHEDULE"
    status = 422


class RuleInactive(AppError):
    """The rule is retired: it can't be cited by a new observation or notice."""

    code = "RULE_INACTIVE"
    status = 422


class InvalidTransition(Conflict):
    """The violation's status doesn't allow this step (the message names what does)."""

    code = "INVALID_VIOLATION_TRANSITION"


class DateInFuture(AppError):
    """An event's day is after today: record what happened, not what will."""

    code = "DATE_IN_FUTURE"
    status = 422


class DateOutOfOrder(AppError):
    """An event's day is before the step it follows (a notice before the
    sighting, a hearing held before its scheduled day)."""

    code = "DATE_OUT_OF_ORDER"
    status = 422


class NoCurrentOwner(AppError):
    """The unit has no current owner to address a notice to."""

    code = "NO_CURRENT_OWNER"
    status = 422


class UnitInactive(AppError):
    """The unit is inactive: no notice goes to it."""

    code = "UNIT_INACTIVE"
    status = 422


class MailingAddressUnknown(AppError):
    """A current owner has no known mailing address (none on file, and they don't live in the unit)."""

    code = "MAILING_ADDRESS_UNKNOWN"
    status = 422


class EmailNotConsented(AppError):
    """Notice by email needs each owner's email address and consent to electronic delivery."""

    code = "EMAIL_NOT_CONSENTED"
    status = 422


class DeliveryMethodNotAllowed(AppError):
    """The jurisdiction (or the governing documents) don't allow notices by this method."""

    code = "DELIVERY_METHOD_NOT_ALLOWED"
    status = 422


class CurePeriodNotOver(AppError):
    """A violation is found uncured only after its cure date."""

    code = "CURE_PERIOD_NOT_OVER"
    status = 422


class HearingNoticeTooShort(AppError):
    """The hearing is fewer days after its notice than the jurisdiction's hearing_notice_days."""

    code = "HEARING_NOTICE_TOO_SHORT"
    status = 422


class FineScheduleRequired(AppError):
    """The jurisdiction allows fines only from a published schedule: the rule has
    no scheduled fine, or a different amount was given."""

    code = "FINE_SCHEDULE_REQUIRED"
    status = 422


class FineAboveMaximum(AppError):
    """The fine is above the jurisdiction's (or the governing documents') max_fine."""

    code = "FINE_ABOVE_MAXIMUM"
    status = 422


class DecisionDeliveryLate(AppError):
    """The written decision is past the hearing_decision_delivery_days deadline:
    it can no longer support a fine; schedule a new hearing or dismiss."""

    code = "DECISION_DELIVERY_LATE"
    status = 422


class NotCurable(AppError):
    """An incurable rule has no cure period (no cure days, no more time)."""

    code = "NOT_CURABLE"
    status = 422


class NoticeReviewRequired(AppError):
    """The rule's notices need the board's approval first (violation/v1/queueNotice,
    then reviewNotice), and no approved notice matches this one: none was queued,
    the board rejected it, or the notice differs from the one approved."""

    code = "NOTICE_REVIEW_REQUIRED"
    status = 422


class NoticeReviewPending(Conflict):
    """A notice of this violation is queued and waiting for the board's review."""

    code = "NOTICE_REVIEW_PENDING"


class NoNoticeQueued(Conflict):
    """The violation has no notice waiting for the board's review."""

    code = "NO_NOTICE_QUEUED"


class RejectionReasonRequired(AppError):
    """The board rejects a queued notice with its reasons, which the manager sees."""

    code = "REJECTION_REASON_REQUIRED"
    status = 422
