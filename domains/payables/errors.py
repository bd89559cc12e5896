"""Error codes of the payables domain. Posting errors (PERIOD_CLOSED,
UNKNOWN_ACCOUNT, UNKNOWN_FUND, FUND_MISMATCH, CONTROL_ACCOUNT_MISSING) come
from the general ledger with their own codes."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class InvalidVendorOrganization(AppError):
    """A vendor can be linked only to a service-provider organization."""

    code = "INVALID_VENDOR_ORGANIZATION"
    status = 422


class VendorExists(Conflict):
    """The service-provider organization already has a vendor record here."""

    code = "VENDOR_EXISTS"


class TaxIdRequired(AppError):
    """A 1099 vendor needs a tax id on file."""

    code = "TAX_ID_REQUIRED"
    status = 422


class InvalidDates(AppError):
    """A date range runs backwards (due before invoice date, expiry before effect, report end before start)."""

    code = "INVALID_DATES"
    status = 422


class ExpenseAccountRequired(AppError):
    """Invoice lines are coded to expense accounts."""

    code = "EXPENSE_ACCOUNT_REQUIRED"
    status = 422


class DuplicateInvoice(Conflict):
    """The vendor's invoice with this number is already entered for the association."""

    code = "DUPLICATE_INVOICE"


class PossibleDuplicateInvoice(Conflict):
    """An invoice of the same vendor, total and date exists: enter it anyway with
    `acknowledgePossibleDuplicate: true` if it really is another invoice."""

    code = "POSSIBLE_DUPLICATE_INVOICE"


class InvoiceNotPending(Conflict):
    """The invoice has no pending approval step (it is approved, paid or rejected)."""

    code = "INVOICE_NOT_PENDING"


class SameApprover(AppError):
    """The board's approval must come from someone other than the manager who approved."""

    code = "SAME_APPROVER"
    status = 422


class InvoiceNotApproved(AppError):
    """Only an approved invoice is paid."""

    code = "INVOICE_NOT_APPROVED"
    status = 422


class VendorOnHold(AppError):
    """The vendor's payments are on hold; release the hold first."""

    code = "VENDOR_ON_HOLD"
    status = 422


class VendorInsuranceExpired(AppError):
    """A kind of coverage the vendor has on file is not in force on the payment date."""

    code = "VENDOR_INSURANCE_EXPIRED"
    status = 422


class Overpayment(AppError):
    """The payment is larger than what is still open on the invoice."""

    code = "OVERPAYMENT"
    status = 422


class PaymentBeforeInvoice(AppError):
    """A payment can't be dated before the invoice it pays."""

    code = "PAYMENT_BEFORE_INVOICE"
    status = 422


class ReportRangeTooLong(AppError):
    """A register covers at most 366 days; run one per fiscal year."""

    code = "REPORT_RANGE_TOO_LONG"
    status = 422


class VendorPaymentAlreadyVoided(Conflict):
    """The vendor payment has already been voided."""

    code = "VENDOR_PAYMENT_ALREADY_VOIDED"
