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


class JobInvoiceNotAllowed(Conflict):
    """Only a job whose work is done is invoiced; `details` names its state."""

    code = "JOB_INVOICE_NOT_ALLOWED"


class JobAlreadyInvoiced(Conflict):
    """The job has an invoice the customer has not refused; `details` names it."""

    code = "JOB_ALREADY_INVOICED"


class JobInvoiceNumberTaken(Conflict):
    """You have already used this invoice number."""

    code = "JOB_INVOICE_NUMBER_TAKEN"


class PriceBookItemRetired(AppError):
    """A retired service of the price book prices no new line."""

    code = "PRICE_BOOK_ITEM_RETIRED"
    status = 422


class PriceBookItemNameTaken(Conflict):
    """The price book already has a service of that name."""

    code = "PRICE_BOOK_ITEM_NAME_TAKEN"


class EstimateNotPending(Conflict):
    """Only a revision awaiting a decision is approved or declined, and only while
    none of the same provider's revisions is approved; `details.status` says where it is."""

    code = "ESTIMATE_NOT_PENDING"
