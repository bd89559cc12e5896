"""Accounts payable: vendors with their insurance certificates, vendor invoices
with their lines and approval decisions, and the payments that settle them.

The database keeps the money right, not the service's good manners:
- an invoice's total equals the sum of its lines (checked at commit, lines and
  invoice are written together); lines, approvals, payments and certificates
  can't be updated or deleted by the application role, and of an invoice only
  its status can change;
- `amount_paid` is kept by a trigger on each payment and can never exceed the
  total, so no race of two clerks overpays an invoice;
- every reference stays inside one organization, and the references of an
  invoice (lines' accounts and funds, its journal entry, its payments) inside
  one association (composite foreign keys).

Vendors belong to the organization, so a management company keeps one vendor
record (one W-9, one set of certificates) for all the associations it runs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.documents import models as _documents  # noqa: F401  (FK targets)
from graph.db import (
    Base,
    TenantMixin,
    TimestampMixin,
    association_fk,
    new_id,
    pg_enum,
    tenant_fk,
)
from graph.schemas import register_id

# --- vendors ----------------------------------------------------------------


class TaxIdKind(StrEnum):
    """The kind of taxpayer identification number: an employer identification
    number (12-3456789) or a social security / individual taxpayer number (123-45-6789)."""

    EIN = "ein"
    """An employer identification number (12-3456789)."""
    SSN = "ssn"
    """A social security or individual taxpayer number (123-45-6789)."""


class TaxClassification(StrEnum):
    """The federal tax classification a vendor certified on its W-9 (line 3):
    what decides whether its payments are reported on Form 1099-NEC."""

    INDIVIDUAL = "individual"
    """An individual or sole proprietor (or a single-member LLC disregarded as one): reported."""
    PARTNERSHIP = "partnership"
    """A partnership: reported."""
    LLC = "llc"
    """A limited liability company taxed as a partnership: reported."""
    C_CORPORATION = "c_corporation"
    """A C corporation (or an LLC taxed as one): exempt."""
    S_CORPORATION = "s_corporation"
    """An S corporation (or an LLC taxed as one): exempt."""
    TRUST_ESTATE = "trust_estate"
    """A trust or estate: reported."""
    GOVERNMENT = "government"
    """A government or its agency (a city, a utility district): exempt."""
    TAX_EXEMPT = "tax_exempt"
    """An organization exempt from tax under §501(a): exempt."""
    OTHER = "other"
    """Any other entity: reported."""


class Vendor(TimestampMixin, TenantMixin, Base):
    """Someone the associations pay: a service-provider organization on the
    platform, or a plain payee (a utility, a city). New vendors start on payment
    hold until someone verifies their tax id and insurance and releases it."""

    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("organization_id", "id"),)
    # RETURNING brings back what the database computes (updated_at, the last four
    # digits), so a handler answers without reading the row again.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The vendor's id.")
    name: Mapped[str] = mapped_column(String(200), doc="Payee name, as on checks and 1099s.")
    provider_organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"),
        doc="The service-provider organization this vendor is, if it is on the platform; null for a plain payee.",
    )
    # Never loaded unless asked for: reads show the last four digits only.
    tax_id: Mapped[str | None] = deferred(
        mapped_column(String(11), doc="Taxpayer identification number (EIN or SSN); never shown in full.")
    )
    tax_id_kind: Mapped[TaxIdKind | None] = mapped_column(
        pg_enum(TaxIdKind, "tax_id_kind"), doc="EIN or SSN, if a tax id is on file."
    )
    tax_id_last4: Mapped[str | None] = mapped_column(
        String(4), Computed("right(tax_id, 4)", persisted=True), doc="Last four digits of the tax id, the only part ever shown."
    )
    is_1099: Mapped[bool] = mapped_column(Boolean, doc="Payments are reported on Form 1099-NEC/MISC (needs a tax id).")
    tax_classification: Mapped[TaxClassification | None] = mapped_column(
        pg_enum(TaxClassification, "tax_classification"), doc="Federal tax classification from its W-9; null until known."
    )
    w9_received_on: Mapped[date | None] = mapped_column(Date, doc="When its signed W-9 was received; null: none on file.")
    remittance_address: Mapped[str | None] = mapped_column(String(400), doc="Where payments are sent (several lines).")
    payment_hold: Mapped[bool] = mapped_column(
        Boolean, doc="True while payments are blocked (on for a new vendor and after payee details change)."
    )
    hold_reason: Mapped[str | None] = mapped_column(String(200), doc="Why payments are on hold.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class InsuranceKind(StrEnum):
    """The coverage a certificate of insurance proves."""

    GENERAL_LIABILITY = "general_liability"
    """General liability."""
    WORKERS_COMPENSATION = "workers_compensation"
    """Workers' compensation."""
    AUTO_LIABILITY = "auto_liability"
    """Commercial auto liability."""
    UMBRELLA = "umbrella"
    """Umbrella (excess) liability."""
    PROFESSIONAL_LIABILITY = "professional_liability"
    """Professional liability (errors and omissions)."""


class InsuranceCertificate(TimestampMixin, TenantMixin, Base):
    """A vendor's certificate of insurance for one kind of coverage. Kept as
    evidence: never changed; a renewal is a new certificate. A vendor is paid
    only while every kind of coverage it has on file is in force."""

    __tablename__ = "insurance_certificates"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("vendor_id", "vendors"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The certificate's id.")
    vendor_id: Mapped[UUID] = mapped_column(doc="The insured vendor.")
    kind: Mapped[InsuranceKind] = mapped_column(pg_enum(InsuranceKind, "insurance_kind"), doc="Kind of coverage.")
    carrier: Mapped[str] = mapped_column(String(200), doc="Insurance company.")
    policy_number: Mapped[str] = mapped_column(String(60), doc="Policy number on the certificate.")
    coverage_amount: Mapped[Decimal] = mapped_column(MONEY, doc="Limit of coverage (per occurrence), in dollars.")
    effective_on: Mapped[date] = mapped_column(Date, doc="First day of coverage.")
    expires_on: Mapped[date] = mapped_column(Date, doc="Last day of coverage.")


# --- settings ---------------------------------------------------------------


class PayablesSettings(Booked, Base):
    """How an association approves invoices: above the threshold, the board
    approves after the manager. Without settings every invoice goes to the board."""

    __tablename__ = "payables_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    board_approval_threshold: Mapped[Decimal] = mapped_column(
        MONEY, doc="Invoices with a total above this also need the board's approval (0: every invoice)."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed them.")


# --- invoices ---------------------------------------------------------------


class InvoiceStatus(StrEnum):
    """Where an invoice is: waiting for the manager, then (above the threshold)
    for the board; approved and payable; paid in full; or rejected (its
    posting reversed)."""

    AWAITING_MANAGER = "awaiting_manager"
    """Waiting for the manager's approval."""
    AWAITING_BOARD = "awaiting_board"
    """Above the threshold: waiting for the board's approval."""
    APPROVED = "approved"
    """Approved and payable."""
    PAID = "paid"
    """Paid in full."""
    REJECTED = "rejected"
    """Rejected; its posting is reversed."""


PENDING = (InvoiceStatus.AWAITING_MANAGER, InvoiceStatus.AWAITING_BOARD)


class Invoice(TimestampMixin, Booked, Base):
    """A vendor's bill to an association, posted to the books when entered
    (expense and payable, accrual view) and paid once approved."""

    __tablename__ = "invoices"
    # `status` lets the policies tell who decides the pending step.
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "status": "status"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        tenant_fk("vendor_id", "vendors"),
        association_fk("journal_entry_id", "journal_entries"),
        association_fk("possible_duplicate_of_id", "invoices"),
        tenant_fk("scan_id", "documents"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The invoice's id.")
    vendor_id: Mapped[UUID] = mapped_column(doc="The vendor who billed.")
    invoice_number: Mapped[str] = mapped_column(
        String(40),
        doc="The vendor's invoice number; unique per vendor in the association (ignoring case), rejected invoices aside.",
    )
    invoice_date: Mapped[date] = mapped_column(Date, doc="Date on the invoice; the expense is posted on it (accrual view).")
    due_date: Mapped[date] = mapped_column(Date, doc="When payment is due.")
    memo: Mapped[str | None] = mapped_column(String(500), doc="What the invoice is for.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the lines.")
    amount_paid: Mapped[Decimal] = mapped_column(
        MONEY, server_default="0", doc="Sum of the payments so far (never above the total)."
    )
    status: Mapped[InvoiceStatus] = mapped_column(pg_enum(InvoiceStatus, "invoice_status"), doc="Approval and payment state.")
    board_approval_required: Mapped[bool] = mapped_column(
        Boolean, doc="True when the total was above the association's board threshold at entry."
    )
    possible_duplicate_of_id: Mapped[UUID | None] = mapped_column(
        doc="An invoice of the same vendor, amount and date that the clerk acknowledged entering beside this one."
    )
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The entry that posted the expense and the payable.")
    scan_id: Mapped[UUID | None] = mapped_column(
        doc="The invoice as received (a scan): a document of the association's library or the organization's own."
    )
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of the approval workflow; see `workflow(id:)`.")
    entered_by: Mapped[UUID] = mapped_column(doc="User or service account that entered it.")
    hold_code: Mapped[str | None] = mapped_column(
        String(40),
        doc="Entered while the vendor could not be paid: VENDOR_ON_HOLD or VENDOR_INSURANCE_EXPIRED (payment is "
        "checked again when it is made).",
    )
    hold_reason: Mapped[str | None] = mapped_column(String(300), doc="What the hold was, in words.")


class InvoiceLine(Booked, Base):
    """One charge of an invoice, coded to an expense account and a fund."""

    __tablename__ = "invoice_lines"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "invoice_id", "line_no"),
        association_fk("invoice_id", "invoices", deferrable=True, initially="DEFERRED"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice.")
    line_no: Mapped[int] = mapped_column(
        SmallInteger, doc="Position on the invoice, from 1; payments settle lines in this order."
    )
    account_id: Mapped[UUID] = mapped_column(doc="Expense account charged.")
    fund_id: Mapped[UUID] = mapped_column(doc="Fund that bears the expense.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount, positive, at most two decimals.")
    memo: Mapped[str | None] = mapped_column(String(200), doc="Line description.")


class ApprovalStep(StrEnum):
    """Who decides: the manager first, then the board above the threshold."""

    MANAGER = "manager"
    """The manager's approval, always first."""
    BOARD = "board"
    """The board's approval, for an invoice above the threshold."""


class Decision(StrEnum):
    """What was decided at a step."""

    APPROVED = "approved"
    """Approved."""
    REJECTED = "rejected"
    """Rejected."""


class InvoiceApproval(Booked, Base):
    """One decision on an invoice at one step, kept for good: who approved or
    rejected it, when and why. A step is decided once."""

    __tablename__ = "invoice_approvals"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "invoice_id", "step"),
        association_fk("invoice_id", "invoices"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The decision's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice decided on.")
    step: Mapped[ApprovalStep] = mapped_column(pg_enum(ApprovalStep, "approval_step"), doc="Manager or board step.")
    decision: Mapped[Decision] = mapped_column(pg_enum(Decision, "approval_decision"), doc="Approved or rejected.")
    decided_by: Mapped[UUID] = mapped_column(doc="User or service account that decided.")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")
    note: Mapped[str | None] = mapped_column(String(500), doc="The approver's note; the reason of a rejection.")


# --- payments ---------------------------------------------------------------


class VendorPaymentMethod(StrEnum):
    """How the money went out."""

    CHECK = "check"
    """A paper check."""
    ACH = "ach"
    """An ACH transfer."""
    WIRE = "wire"
    """A wire transfer."""
    CARD = "card"
    """A card payment."""


class VendorPayment(TimestampMixin, Booked, Base):
    """A payment of an approved invoice, in full or in part. It settles the
    invoice's lines in order and posts: payable and expense (cash view) debited,
    cash credited."""

    __tablename__ = "vendor_payments"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("invoice_id", "invoices"),
        association_fk("journal_entry_id", "journal_entries"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The payment's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice paid.")
    paid_on: Mapped[date] = mapped_column(Date, doc="Payment date; the cash leaves the books on it.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount paid, positive, at most the invoice's open amount.")
    method: Mapped[VendorPaymentMethod] = mapped_column(
        pg_enum(VendorPaymentMethod, "vendor_payment_method"), doc="Check, ACH, wire or card."
    )
    reference: Mapped[str | None] = mapped_column(String(60), doc="Check number or bank reference.")
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The entry that posted the payment.")
    paid_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")


class VendorPaymentVoid(Booked, Base):
    """A vendor payment entered in error, voided: its journal entry reversed, its
    amount given back to the invoice (a trigger), and the reason."""

    __tablename__ = "vendor_payment_voids"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # A payment is voided once.
        UniqueConstraint("organization_id", "vendor_payment_id"),
        tenant_fk("vendor_payment_id", "vendor_payments"),
        association_fk("journal_entry_id", "journal_entries"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The void's id.")
    vendor_payment_id: Mapped[UUID] = mapped_column(doc="The payment voided.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="The payment's amount, given back to its invoice.")
    voided_on: Mapped[date] = mapped_column(Date, doc="Accounting date of the reversal.")
    reason: Mapped[str] = mapped_column(String(200), doc="Why it was voided (e.g. the check was never sent).")
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The reversing journal entry.")
    voided_by: Mapped[UUID] = mapped_column(doc="Who voided it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


VendorId = register_id(Vendor, "vnd", "vendor")
InsuranceCertificateId = register_id(InsuranceCertificate, "icf", "vendor")
PayablesSettingsId = register_id(PayablesSettings, "pys", "payables_settings")
InvoiceId = register_id(Invoice, "inv", "invoice")
InvoiceLineId = register_id(InvoiceLine, "inl", "invoice")
InvoiceApprovalId = register_id(InvoiceApproval, "iap", "invoice")
VendorPaymentId = register_id(VendorPayment, "vpy", "vendor_payment")
VendorPaymentVoidId = register_id(VendorPaymentVoid, "vpv", "vendor_payment")
