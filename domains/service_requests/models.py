"""Service requests of an individual or a commercial client, their transitions
(append-only), their dispatches to providers and the providers' estimates as
the requester received them; and the categories of work a provider offers.

The request lives in the requester's organization, the job in the provider's:
the two share no row. A dispatch's id is its job's, so a re-run of the dispatch
workflow's step finds the job already there.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import ARRAY, Boolean, Date, DateTime, ForeignKey, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY
from domains.jobs.models import EstimateFields, EstimateLineFields
from graph.db import Base, TenantMixin, TimestampMixin, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class ServiceRequestStatus(StrEnum):
    """Where a service request is (see service/requests.py for the state map)."""

    REQUESTED = "requested"
    """Written, not yet sent to a provider."""
    DISPATCHED = "dispatched"
    """Sent to a provider, awaiting its answer."""
    UNASSIGNED = "unassigned"
    """No provider has it: the one asked declined and no other offers the category."""
    ACCEPTED = "accepted"
    """The provider accepted."""
    SCHEDULED = "scheduled"
    """The provider set a date."""
    IN_PROGRESS = "in_progress"
    """Work has started."""
    WORK_DONE = "work_done"
    """The provider reports the work done."""
    COMPLETED = "completed"
    """The requester confirmed the work done (terminal)."""
    CANCELED = "canceled"
    """Canceled by the requester (terminal)."""


class ServiceRequestActorKind(StrEnum):
    """Who moved a service request: a user or service account of the requester, or the workflow carrying the provider's answer."""

    USER = "user"
    """A user of the requester's organization."""
    SERVICE_ACCOUNT = "service_account"
    """A service account of the requester's organization."""
    WORKFLOW = "workflow"
    """The dispatch workflow, carrying the provider's answer."""


class ServiceDispatchStatus(StrEnum):
    """Where a dispatch to one provider is: sent, then as the provider answers."""

    SENT = "sent"
    """Sent to the provider, not yet answered."""
    ACCEPTED = "accepted"
    """The provider accepted."""
    DECLINED = "declined"
    """The provider declined."""
    SCHEDULED = "scheduled"
    """The provider set a date."""
    IN_PROGRESS = "in_progress"
    """Work has started."""
    WORK_DONE = "work_done"
    """The provider reports the work done."""
    CANCELED = "canceled"
    """Withdrawn by the requester."""


class _OfRequest:
    """Rows under a service request carry its requester, so the policies decide
    them alone (a `node` lookup) exactly as they decide the request."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"user_id": "requester_user_id"}
    service_request_id: Mapped[UUID] = mapped_column(doc="The service request.")
    requester_user_id: Mapped[UUID | None] = mapped_column(doc="The request's requester.")


class ServiceRequest(TimestampMixin, TenantMixin, Base):
    """Work an individual or a commercial client asks for on its own property."""

    __tablename__ = "service_requests"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"user_id": "requester_user_id", "status": "status"}
    __table_args__ = (UniqueConstraint("organization_id", "id"),)
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The service request's id.")
    title: Mapped[str] = mapped_column(String(200), doc="Short summary of the work.")
    description: Mapped[str | None] = mapped_column(String(4000), doc="What is wrong, in the requester's words.")
    address: Mapped[str] = mapped_column(String(400), doc="The property's address, where the work is.")
    category: Mapped[str] = mapped_column(String(100), doc="The category of work (one of `serviceCategories`).")
    preferred_dates: Mapped[list[date]] = mapped_column(
        ARRAY(Date), server_default="{}", doc="Days the requester would like the visit, in order of preference."
    )
    document_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid), server_default="{}", doc="Its photos and documents, of the organization's library."
    )
    posted: Mapped[bool] = mapped_column(
        Boolean, doc="Posted to the providers offering its category (true), or sent to one provider the requester picked."
    )
    status: Mapped[ServiceRequestStatus] = mapped_column(
        pg_enum(ServiceRequestStatus, "service_request_status"), doc="Lifecycle state."
    )
    provider_organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The provider it is (or was last) sent to."
    )
    requester_user_id: Mapped[UUID | None] = mapped_column(doc="The user who asked (null for an integration).")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the requester confirmed it done.")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that wrote it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ServiceRequestTransition(_OfRequest, TimestampMixin, TenantMixin, Base):
    """One step of a service request's lifecycle, kept for good: from, to, who, when, why."""

    __tablename__ = "service_request_transitions"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("service_request_id", "service_requests"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    from_status: Mapped[ServiceRequestStatus | None] = mapped_column(
        pg_enum(ServiceRequestStatus, "service_request_status"), doc="State before (null for the opening)."
    )
    to_status: Mapped[ServiceRequestStatus] = mapped_column(
        pg_enum(ServiceRequestStatus, "service_request_status"), doc="State after."
    )
    actor_kind: Mapped[ServiceRequestActorKind] = mapped_column(
        pg_enum(ServiceRequestActorKind, "service_request_actor_kind"), doc="A user, a service account or the workflow."
    )
    actor_id: Mapped[UUID] = mapped_column(doc="Who made it (the nil uuid for the workflow).")
    note: Mapped[str | None] = mapped_column(String(1000), doc="Why.")


class ServiceRequestDispatch(_OfRequest, TimestampMixin, TenantMixin, Base):
    """The request sent to one provider: this side's record of the job in the
    provider's organization (same id) and of the provider's answers."""

    __tablename__ = "service_request_dispatches"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("service_request_id", "service_requests"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The dispatch's id (also its job's).")
    provider_organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The provider's organization, where the job is."
    )
    provider_name: Mapped[str] = mapped_column(String(200), doc="The provider's name when it was sent.")
    status: Mapped[ServiceDispatchStatus] = mapped_column(
        pg_enum(ServiceDispatchStatus, "service_dispatch_status"), doc="Sent, then the provider's latest answer."
    )
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="The visit the provider scheduled.")
    provider_note: Mapped[str | None] = mapped_column(String(1000), doc="The provider's latest note (a decline's reason…).")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of the dispatch workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ServiceRequestEstimate(_OfRequest, EstimateFields, TimestampMixin, TenantMixin, Base):
    """A revision of a provider's estimate for a service request, as the requester
    received it (same id as the provider's), written by the dispatch workflow."""

    __tablename__ = "service_request_estimates"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "dispatch_id", "revision"),
        tenant_fk("service_request_id", "service_requests"),
        tenant_fk("dispatch_id", "service_request_dispatches"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The estimate's id (also the provider's).")
    dispatch_id: Mapped[UUID] = mapped_column(doc="The dispatch it answers.")


class ServiceRequestEstimateLine(EstimateLineFields, TenantMixin, Base):
    """A line of a provider's estimate, as the requester received it."""

    __tablename__ = "service_request_estimate_lines"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "estimate_id", "line_no"),
        tenant_fk("estimate_id", "service_request_estimates", deferrable=True, initially="DEFERRED"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    estimate_id: Mapped[UUID] = mapped_column(doc="The estimate.")


class ServiceRequestInvoice(_OfRequest, TimestampMixin, TenantMixin, Base):
    """A provider's invoice for a service request's work, as the requester
    received it (same id as the provider's), with what the requester has paid
    of it (its payments are the record; this is their running sum)."""

    __tablename__ = "service_request_invoices"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("service_request_id", "service_requests"),
        tenant_fk("dispatch_id", "service_request_dispatches"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The invoice's id (also the provider's).")
    dispatch_id: Mapped[UUID] = mapped_column(doc="The dispatch whose job it bills.")
    invoice_number: Mapped[str] = mapped_column(String(40), doc="The provider's invoice number.")
    invoice_date: Mapped[date] = mapped_column(Date, doc="Date on the invoice.")
    due_date: Mapped[date] = mapped_column(Date, doc="When payment is due.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the lines.")
    note: Mapped[str | None] = mapped_column(String(500), doc="What it is for, in the provider's words.")
    amount_paid: Mapped[Decimal] = mapped_column(MONEY, doc="What the requester has recorded paying of it.")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was paid in full.")


class ServiceRequestInvoiceLine(EstimateLineFields, TenantMixin, Base):
    """A line of a provider's invoice, as the requester received it."""

    __tablename__ = "service_request_invoice_lines"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "invoice_id", "line_no"),
        tenant_fk("invoice_id", "service_request_invoices", deferrable=True, initially="DEFERRED"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice.")


class ServicePaymentMethod(StrEnum):
    """How the requester paid (recorded, not processed: the money moved outside the platform)."""

    CHECK = "check"
    """A paper check."""
    CARD = "card"
    """A credit or debit card."""
    BANK_TRANSFER = "bank_transfer"
    """A bank transfer (ACH, wire, a payment app)."""
    CASH = "cash"
    """Cash."""
    OTHER = "other"
    """Anything else; say what in the reference."""


class ServiceRequestPayment(_OfRequest, TimestampMixin, TenantMixin, Base):
    """A payment the requester recorded against a provider's invoice: kept for
    good, never changed (a mistake is not corrected here)."""

    __tablename__ = "service_request_payments"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("service_request_id", "service_requests"),
        tenant_fk("invoice_id", "service_request_invoices"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The payment's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice it pays.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="How much, in dollars.")
    paid_on: Mapped[date] = mapped_column(Date, doc="The day it was paid.")
    method: Mapped[ServicePaymentMethod] = mapped_column(
        pg_enum(ServicePaymentMethod, "service_payment_method"), doc="How it was paid."
    )
    reference: Mapped[str | None] = mapped_column(String(100), doc="A check number, a confirmation code.")
    recorded_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")


class ServiceOffering(TimestampMixin, TenantMixin, Base):
    """A category of work a service provider offers: posted requests of that
    category go to the providers offering it."""

    __tablename__ = "service_offerings"
    __table_args__ = (UniqueConstraint("organization_id", "id"), UniqueConstraint("organization_id", "category"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The offering's id.")
    category: Mapped[str] = mapped_column(String(100), doc="The category of work (one of `serviceCategories`).")


ServiceRequestId = register_id(ServiceRequest, "srq", "service_request")
ServiceRequestTransitionId = register_id(ServiceRequestTransition, "srt", "service_request")
ServiceRequestDispatchId = register_id(ServiceRequestDispatch, "srd", "service_request")
ServiceRequestEstimateId = register_id(ServiceRequestEstimate, "sre", "service_request")
ServiceRequestEstimateLineId = register_id(ServiceRequestEstimateLine, "srl", "service_request")
ServiceRequestInvoiceId = register_id(ServiceRequestInvoice, "sri", "service_request")
ServiceRequestInvoiceLineId = register_id(ServiceRequestInvoiceLine, "srv", "service_request")
ServiceRequestPaymentId = register_id(ServiceRequestPayment, "srp", "service_request")
ServiceOfferingId = register_id(ServiceOffering, "sof", "service_offering")
