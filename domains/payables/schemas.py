"""API models of the payables domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from domains.accounting.models import FundId, GlAccountId
from domains.associations.models import AssociationId
from domains.payables.models import (
    InsuranceCertificate,
    Invoice,
    InvoiceApproval,
    InvoiceId,
    InvoiceLine,
    InvoiceStatus,
    PayablesSettings,
    TaxClassification,
    TaxIdKind,
    Vendor,
    VendorId,
    VendorPayment,
    VendorPaymentId,
    VendorPaymentVoid,
)
from graph.schemas import ApiModel, Money, connection_model, derive

CENT = Decimal("0.01")
# Sums computed in SQL, answered with two decimals like the columns they add up.
# What NUMERIC(14,2) holds: a larger amount is a 400, not a database error.
_AMOUNT: dict[str, Any] = {"gt": 0, "max_digits": 14, "decimal_places": 2}
_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
_TAX_ID = {"pattern": r"^(\d{2}-\d{7}|\d{3}-\d{2}-\d{4})$"}


# --- vendors ----------------------------------------------------------------

InsuranceCertificateRead = derive(
    InsuranceCertificate,
    "InsuranceCertificate",
    ["id", "vendor_id", "kind", "carrier", "policy_number", "coverage_amount", "effective_on", "expires_on", "created_at"],
    node=True,
)
InsuranceCertificateCreateInput = derive(
    InsuranceCertificate,
    "InsuranceCertificateCreateInput",
    ["vendor_id", "kind", "carrier", "policy_number", "coverage_amount", "effective_on", "expires_on"],
    doc="A certificate of insurance received from a vendor.",
    constraints={"coverage_amount": _AMOUNT, "carrier": _TRIMMED, "policy_number": _TRIMMED},
    examples=[
        {
            "vendorId": "vnd_…",
            "kind": "general_liability",
            "carrier": "Acme Mutual",
            "policyNumber": "GL-2291-77",
            "coverageAmount": "1000000.00",
            "effectiveOn": "2026-01-01",
            "expiresOn": "2026-12-31",
        }
    ],
)

_VENDOR = ["name", "provider_organization_id", "is_1099", "remittance_address", "tax_classification", "w9_received_on"]
VendorRead = derive(
    Vendor,
    "Vendor",
    ["id", "organization_id", *_VENDOR, "tax_id_kind", "tax_id_last4", "payment_hold", "hold_reason", "created_at", "updated_at"],
    node=True,
    extra={
        "insurance_certificates": (
            list[InsuranceCertificateRead],
            Field(default_factory=list, description="Certificates of insurance on file, latest expiry first."),
        )
    },
)
VendorCreateInput = derive(
    Vendor,
    "VendorCreateInput",
    [*_VENDOR, "tax_id"],
    doc="A new vendor. It starts on payment hold: release the hold once its tax id and insurance are verified.",
    constraints={"name": _TRIMMED, "tax_id": _TAX_ID},
    examples=[
        {
            "name": "Evergreen Landscaping LLC",
            "taxId": "12-3456789",
            "is1099": True,
            "remittanceAddress": "PO Box 42\nSacramento, CA 95814",
            "taxClassification": "llc",
            "w9ReceivedOn": "2026-01-15",
        }
    ],
)
VendorUpdateInput = derive(
    Vendor,
    "VendorUpdateInput",
    ["id", "name", "is_1099", "remittance_address", "tax_id", "tax_classification", "w9_received_on"],
    doc="Changes to a vendor; only the fields given change. A new tax id or remittance address puts payments on hold again.",
    optional=("name", "is_1099", "remittance_address", "tax_id", "tax_classification", "w9_received_on"),
    constraints={"name": _TRIMMED, "tax_id": _TAX_ID},
)


class VendorHoldInput(ApiModel):
    """Stop payments to a vendor (e.g. a lapsed license, a disputed bill)."""

    id: VendorId = Field(description="The vendor.")
    reason: str = Field(min_length=1, max_length=200, description="Why payments stop; shown to whoever pays next.")


class VendorReleaseInput(ApiModel):
    """Allow payments to a vendor again, once its details are verified."""

    id: VendorId = Field(description="The vendor.")
    note: str | None = Field(None, max_length=500, description="What was verified (kept in the audit log).")


class VendorGetInput(ApiModel):
    """Which vendor to read."""

    id: VendorId = Field(description="The vendor.")


class VendorListInput(ApiModel):
    """The organization's vendors, by name."""

    payment_hold: bool | None = Field(None, description="Only vendors on hold (true) or payable (false).")
    is_1099: bool | None = Field(None, description="Only 1099 vendors (true) or the others (false).")
    first: int = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


VendorConnection = connection_model(VendorRead)

# --- settings ---------------------------------------------------------------

PayablesSettingsRead = derive(
    PayablesSettings,
    "PayablesSettings",
    ["association_id", "board_approval_threshold", "updated_at", "updated_by"],
    optional=("updated_at", "updated_by"),
    doc="How an association approves invoices. Never set: threshold 0 (the board approves every invoice), no update time.",
)
PayablesSettingsSetInput = derive(
    PayablesSettings,
    "PayablesSettingsSetInput",
    ["association_id", "board_approval_threshold"],
    doc="Set the invoice total above which the board approves after the manager. Applies to invoices entered from now on.",
    constraints={"board_approval_threshold": {"ge": 0, "max_digits": 14, "decimal_places": 2}},
    examples=[{"associationId": "asn_…", "boardApprovalThreshold": "5000.00"}],
)


class PayablesSettingsGetInput(ApiModel):
    """Whose settings to read."""

    association_id: AssociationId = Field(description="The association.")


# --- invoices ---------------------------------------------------------------

InvoiceLineRead = derive(
    InvoiceLine, "InvoiceLine", ["id", "invoice_id", "line_no", "account_id", "fund_id", "amount", "memo"], node=True
)
InvoiceApprovalRead = derive(
    InvoiceApproval, "InvoiceApproval", ["id", "invoice_id", "step", "decision", "decided_by", "decided_at", "note"], node=True
)
InvoiceRead = derive(
    Invoice,
    "Invoice",
    [
        "id",
        "organization_id",
        "association_id",
        "vendor_id",
        "invoice_number",
        "invoice_date",
        "due_date",
        "memo",
        "total",
        "amount_paid",
        "status",
        "board_approval_required",
        "possible_duplicate_of_id",
        "journal_entry_id",
        "scan_id",
        "workflow_id",
        "entered_by",
        "hold_code",
        "hold_reason",
        "created_at",
    ],
    node=True,
    extra={
        "lines": (list[InvoiceLineRead], Field(default_factory=list, description="The charges, in order.")),
        "approvals": (
            list[InvoiceApprovalRead],
            Field(default_factory=list, description="Decisions so far, manager step first."),
        ),
    },
)


class InvoiceLineInput(ApiModel):
    """One charge: an amount coded to an expense account and a fund."""

    account_id: GlAccountId = Field(description="An active expense account of the association.")
    fund_id: FundId = Field(description="The fund that bears the expense.")
    amount: Decimal = Field(description="Amount, positive, at most two decimals.", **_AMOUNT)
    memo: str | None = Field(None, max_length=200, description="Line description.")


InvoiceCreateInput = derive(
    Invoice,
    "InvoiceCreateInput",
    ["association_id", "vendor_id", "invoice_number", "invoice_date", "due_date", "memo", "scan_id"],
    doc="A vendor invoice to enter. It posts to the books at once (expense and payable, accrual view) and goes to approval.",
    constraints={"invoice_number": _TRIMMED},
    extra={
        "lines": (list[InvoiceLineInput], Field(min_length=1, max_length=200, description="The charges, 1–200.")),
        "acknowledge_possible_duplicate": (
            bool,
            Field(
                False,
                description="Enter it even though an invoice of the same vendor, total and date exists "
                "(POSSIBLE_DUPLICATE_INVOICE names it).",
            ),
        ),
    },
    examples=[
        {
            "associationId": "asn_…",
            "vendorId": "vnd_…",
            "invoiceNumber": "INV-1042",
            "invoiceDate": "2026-03-02",
            "dueDate": "2026-04-01",
            "memo": "March grounds maintenance",
            "lines": [{"accountId": "gla_…", "fundId": "fnd_…", "amount": "1450.00"}],
        }
    ],
)


class InvoiceApproveInput(ApiModel):
    """Approve the invoice's pending step."""

    id: InvoiceId = Field(description="The invoice.")
    note: str | None = Field(None, max_length=500, description="Note kept with the approval.")


class InvoiceRejectInput(ApiModel):
    """Reject the invoice at its pending step; its posting is reversed."""

    id: InvoiceId = Field(description="The invoice.")
    reason: str = Field(min_length=1, max_length=500, description="Why it is rejected (kept with the decision).")


class InvoiceGetInput(ApiModel):
    """Which invoice to read."""

    id: InvoiceId = Field(description="The invoice.")


class InvoiceListInput(ApiModel):
    """An association's invoices, latest invoice date first."""

    association_id: AssociationId = Field(description="The association.")
    status: InvoiceStatus | None = Field(None, description="Only invoices in this status.")
    vendor_id: VendorId | None = Field(None, description="Only this vendor's invoices.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


InvoiceConnection = connection_model(InvoiceRead)

# --- payments ---------------------------------------------------------------

VendorPaymentRead = derive(
    VendorPayment,
    "VendorPayment",
    [
        "id",
        "association_id",
        "invoice_id",
        "paid_on",
        "amount",
        "method",
        "reference",
        "journal_entry_id",
        "paid_by",
        "created_at",
    ],
    node=True,
)
VendorPaymentCreateInput = derive(
    VendorPayment,
    "VendorPaymentCreateInput",
    ["invoice_id", "paid_on", "amount", "method", "reference"],
    doc="Pay an approved invoice, in full or in part. Refused while the vendor is on hold or a coverage it has on file "
    "is not in force on the payment date.",
    constraints={"amount": _AMOUNT},
    examples=[{"invoiceId": "inv_…", "paidOn": "2026-03-20", "amount": "1450.00", "method": "check", "reference": "10231"}],
)


class VendorPaymentListInput(ApiModel):
    """An association's vendor payments, latest first."""

    association_id: AssociationId = Field(description="The association.")
    invoice_id: InvoiceId | None = Field(None, description="Only the payments of this invoice.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


VendorPaymentConnection = connection_model(VendorPaymentRead)


class VendorPaymentVoidInput(ApiModel):
    """A vendor payment entered in error (the check never sent, the wrong invoice) to void."""

    id: VendorPaymentId = Field(description="The payment.")
    voided_on: date = Field(description="Accounting date of the reversal, not before the payment (an open month).")
    reason: str = Field(min_length=1, max_length=200, description="Why it is voided.")


VendorPaymentVoidRead = derive(
    VendorPaymentVoid,
    "VendorPaymentVoid",
    ["id", "association_id", "vendor_payment_id", "amount", "voided_on", "reason", "journal_entry_id", "voided_by", "created_at"],
    node=True,
)

# --- AP register ------------------------------------------------------------


class ApRegisterInput(ApiModel):
    """Which invoices the register lists: an association's, dated in a range of at most 366 days."""

    association_id: AssociationId = Field(description="The association.")
    from_date: date = Field(description="First invoice date included.")
    to_date: date = Field(description="Last invoice date included; payments count up to this day.")
    vendor_id: VendorId | None = Field(None, description="Only this vendor's invoices.")
    include_rejected: bool = Field(False, description="Also list rejected invoices (they count nothing toward the totals).")


class ApRegisterRow(ApiModel):
    """One invoice of the register."""

    invoice_id: InvoiceId = Field(description="The invoice.")
    vendor_id: VendorId = Field(description="The vendor.")
    vendor_name: str = Field(description="The vendor's name.")
    invoice_number: str = Field(description="The vendor's invoice number.")
    invoice_date: date = Field(description="Date on the invoice.")
    due_date: date = Field(description="When payment is due.")
    status: InvoiceStatus = Field(description="Approval and payment state today.")
    total: Money = Field(description="Invoice total.")
    paid: Money = Field(description="Paid up to the register's end date.")
    open: Money = Field(description="Still owed at the register's end date (0 for a rejected invoice).")


class ApRegister(ApiModel):
    """Accounts payable register: an association's invoices in a date range with
    what was paid and what is still open at the range's end, by invoice date."""

    association_id: AssociationId = Field(description="The association.")
    from_date: date = Field(description="First invoice date included.")
    to_date: date = Field(description="Last invoice date included.")
    rows: list[ApRegisterRow] = Field(description="The invoices, by invoice date, then vendor and number.")
    total: Money = Field(description="Sum of the invoices' totals (rejected ones excluded).")
    paid: Money = Field(description="Sum paid up to the end date.")
    open: Money = Field(description="Sum still open at the end date.")


# --- 1099-NEC ---------------------------------------------------------------


class Form1099ReportInput(ApiModel):
    """Which association's payments to report, for which calendar year."""

    association_id: AssociationId = Field(description="The association (the payer).")
    tax_year: int = Field(ge=2020, le=2100, description="The calendar year the payments were made in (2020 on: Form 1099-NEC).")


class TinStatus(StrEnum):
    """Whether the vendor's taxpayer identification number is on file."""

    ON_FILE = "on_file"
    """A tax id is on file (shown by its last four digits)."""
    MISSING = "missing"
    """No tax id: the form can't be filed as is (backup withholding applies)."""


class Form1099Exclusion(StrEnum):
    """Why a vendor paid in the year gets no Form 1099-NEC."""

    NOT_1099_VENDOR = "not_1099_vendor"
    """The vendor is not marked for 1099 reporting (e.g. a utility, a supplier of goods)."""
    EXEMPT_PAYEE = "exempt_payee"
    """The vendor's W-9 classification is exempt (a corporation, a government, a tax-exempt organization)."""
    BELOW_THRESHOLD = "below_threshold"
    """Paid less than the year's reporting threshold."""


class Form1099Row(ApiModel):
    """One vendor the association paid in the year."""

    vendor_id: VendorId = Field(description="The vendor.")
    vendor_name: str = Field(description="Payee name, as on the form.")
    is_1099: bool = Field(description="Marked for 1099 reporting.")
    tax_classification: TaxClassification | None = Field(None, description="Classification from its W-9; null if unknown.")
    tax_id_kind: TaxIdKind | None = Field(None, description="EIN or SSN; null with no tax id on file.")
    tax_id_last4: str | None = Field(None, description="Last four digits of the tax id, the only part ever shown.")
    tin_status: TinStatus = Field(description="Whether a tax id is on file.")
    w9_received_on: date | None = Field(None, description="When its W-9 was received; null: none on file.")
    payments: int = Field(description="Payments made in the year, voided ones included.")
    gross: Money = Field(description="Sum of the payments made in the year.")
    voided: Money = Field(description="Sum of those payments later voided (entered in error).")
    total: Money = Field(description="Gross less voided: box 1, nonemployee compensation.")
    reportable: bool = Field(description="A Form 1099-NEC is due for this vendor.")
    exclusion: Form1099Exclusion | None = Field(None, description="Why no form is due; null when reportable.")
    exclusion_detail: str | None = Field(None, description="The reason in words, with its authority.")
    flags: list[str] = Field(
        description="Problems to fix before filing a reportable vendor: `missing_tin`, `missing_w9`, `unknown_classification`."
    )


class Form1099Report(ApiModel):
    """An association's Form 1099-NEC report for a calendar year, on the cash
    basis: each vendor's payments made that year net of voids, against the
    year's federal threshold."""

    association_id: AssociationId = Field(description="The association (the payer).")
    tax_year: int = Field(description="The calendar year.")
    threshold: Money = Field(description="The year's reporting threshold: a vendor paid at least this gets a form.")
    threshold_citation: str = Field(description="Where the threshold comes from.")
    rows: list[Form1099Row] = Field(description="Every vendor paid in the year, by name.")
    reportable_count: int = Field(description="Vendors due a form.")
    reportable_total: Money = Field(description="Sum of their box-1 amounts.")


class Form1099Csv(ApiModel):
    """The 1099-NEC report as a CSV file (one row per vendor paid, reportable or not)."""

    association_id: AssociationId = Field(description="The association (the payer).")
    tax_year: int = Field(description="The calendar year.")
    filename: str = Field(description="A file name for it (1099-nec-<year>.csv).")
    content_type: str = Field(description="Its media type, text/csv.")
    csv: str = Field(description="The file's text: a header row, then one row per vendor.")
