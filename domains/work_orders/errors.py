"""Error codes of the work-orders domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class IllegalTransition(Conflict):
    """The lifecycle's state map has no arrow from the work order's state to the
    one asked for; `details` names both and the states it may move to."""

    code = "ILLEGAL_TRANSITION"


class VendorRequired(AppError):
    """Choosing a vendor names the vendor."""

    code = "VENDOR_REQUIRED"
    status = 422


class LocationRequired(AppError):
    """A common-area work order says where (there is no unit to say it)."""

    code = "LOCATION_REQUIRED"
    status = 422


class ReopenWindowClosed(Conflict):
    """A completed work order may be reopened only within the association's window."""

    code = "REOPEN_WINDOW_CLOSED"


class NotCompleted(Conflict):
    """Feedback is given once the work order is completed."""

    code = "WORK_ORDER_NOT_COMPLETED"


class FeedbackGiven(Conflict):
    """The requester has already scored this work order."""

    code = "FEEDBACK_ALREADY_GIVEN"


class InvalidClassifierParent(AppError):
    """A place has no parent, a category sits under a place, a problem under a category."""

    code = "INVALID_CLASSIFIER_PARENT"
    status = 422


class CategoryExists(Conflict):
    """A node with this name already exists under the same parent."""

    code = "CATEGORY_EXISTS"
