"""Jobs in a service-provider organization, and their transitions (append-only).

A job is written by the customer's dispatch workflow, as the platform, in the
provider's organization: it carries what the provider needs (scope, site,
contact, priority) and the customer's name, and nothing else of the customer.
Its id is the id of the customer's dispatch record, so a re-run of the
workflow's step finds the job already there instead of writing a second one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Boolean, Computed, Date, DateTime, ForeignKey, Numeric, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY
from graph.db import Base, TenantMixin, TimestampMixin, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class JobStatus(StrEnum):
    """Where a job is on the provider's side."""

    RECEIVED = "received"
    """Dispatched by the customer, not yet answered."""
    ACCEPTED = "accepted"
    """Accepted by the provider."""
    DECLINED = "declined"
    """Declined by the provider."""
    SCHEDULED = "scheduled"
    """Given a date."""
    IN_PROGRESS = "in_progress"
    """Work has started."""
    WORK_DONE = "work_done"
    """The provider reports the work done."""
    CANCELED = "canceled"
    """Withdrawn by the customer."""


class JobActorKind(StrEnum):
    """Who moved a job: a user or service account of the provider, or the platform (the customer's dispatch)."""

    USER = "user"
    """A user of the provider."""
    SERVICE_ACCOUNT = "service_account"
    """A service account of the provider."""
    PLATFORM = "platform"
    """The platform, carrying the customer's dispatch."""


class Job(TimestampMixin, TenantMixin, Base):
    """Work a customer sent this provider: what, where, whom to call, how urgent."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("organization_id", "id"),)
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The job's id.")
    customer_organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The customer's organization."
    )
    customer_name: Mapped[str] = mapped_column(String(200), doc="The customer (an association's legal name).")
    customer_workflow_id: Mapped[str] = mapped_column(
        String(80), doc="The customer's dispatch workflow, which the provider's answers move on."
    )
    title: Mapped[str] = mapped_column(String(200), doc="What is to be done.")
    description: Mapped[str | None] = mapped_column(String(4000), doc="Details of the problem.")
    site: Mapped[str] = mapped_column(String(400), doc="Where: the unit's address, or the common area and association.")
    contact: Mapped[str] = mapped_column(String(400), doc="Whom to contact at the customer about this job.")
    priority: Mapped[str] = mapped_column(String(20), doc="The customer's priority: routine, urgent, emergency or warranty.")
    status: Mapped[JobStatus] = mapped_column(pg_enum(JobStatus, "job_status"), doc="Where the job is.")
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="The visit, once scheduled.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class JobTransition(TimestampMixin, TenantMixin, Base):
    """One move of a job, kept for good."""

    __tablename__ = "job_transitions"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("job_id", "jobs"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    job_id: Mapped[UUID] = mapped_column(doc="The job.")
    from_status: Mapped[JobStatus | None] = mapped_column(pg_enum(JobStatus, "job_status"), doc="State before (null: arrival).")
    to_status: Mapped[JobStatus] = mapped_column(pg_enum(JobStatus, "job_status"), doc="State after.")
    actor_kind: Mapped[JobActorKind] = mapped_column(pg_enum(JobActorKind, "job_actor_kind"), doc="Who moved it.")
    actor_id: Mapped[UUID] = mapped_column(doc="The user or service account (the nil uuid for the platform).")
    note: Mapped[str | None] = mapped_column(String(1000), doc="Why, or what was done.")


class EstimateStatus(StrEnum):
    """Where one revision of an estimate is; both sides keep the same states."""

    SUBMITTED = "submitted"
    """Sent to the customer, not yet decided."""
    APPROVED = "approved"
    """Approved by the customer."""
    DECLINED = "declined"
    """Declined by the customer (the provider may revise it)."""
    SUPERSEDED = "superseded"
    """Replaced by a later revision before a decision."""


QUANTITY = Numeric(12, 3)


class EstimateFields:
    """What a revision of an estimate carries, on either side of the dispatch."""

    revision: Mapped[int] = mapped_column(SmallInteger, doc="Revision number, from 1; each revision is kept.")
    status: Mapped[EstimateStatus] = mapped_column(
        pg_enum(EstimateStatus, "estimate_status"), doc="Submitted, approved, declined or superseded."
    )
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the lines.")
    note: Mapped[str | None] = mapped_column(String(1000), doc="The provider's note (scope, assumptions, validity).")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the customer decided (UTC).")
    decision_note: Mapped[str | None] = mapped_column(String(1000), doc="The customer's note with the decision.")


class EstimateLineFields:
    """One line of an estimate: what, how many, at what price."""

    line_no: Mapped[int] = mapped_column(SmallInteger, doc="Position on the estimate, from 1.")
    description: Mapped[str] = mapped_column(String(200), doc="The service or part.")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, doc="How many (hours, parts), positive, up to three decimals.")
    unit_price: Mapped[Decimal] = mapped_column(MONEY, doc="Price of one, in dollars.")
    amount: Mapped[Decimal] = mapped_column(
        MONEY, Computed("round(quantity * unit_price, 2)", persisted=True), doc="Quantity × unit price, to the cent."
    )


class JobEstimate(EstimateFields, TimestampMixin, TenantMixin, Base):
    """A revision of the provider's estimate for a job, as sent to the customer."""

    __tablename__ = "job_estimates"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "job_id", "revision"),
        tenant_fk("job_id", "jobs"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The estimate's id (also the customer's copy's).")
    job_id: Mapped[UUID] = mapped_column(doc="The job.")
    submitted_by: Mapped[UUID] = mapped_column(doc="User or service account of the provider that submitted it.")


class JobEstimateLine(EstimateLineFields, TenantMixin, Base):
    """A line of a provider's estimate."""

    __tablename__ = "job_estimate_lines"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "estimate_id", "line_no"),
        tenant_fk("estimate_id", "job_estimates", deferrable=True, initially="DEFERRED"),
        tenant_fk("price_book_item_id", "price_book_items"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    estimate_id: Mapped[UUID] = mapped_column(doc="The estimate.")
    price_book_item_id: Mapped[UUID | None] = mapped_column(
        doc="The price-book service it was priced from (its price copied then; later changes don't reach it)."
    )


class JobVisitStatus(StrEnum):
    """Whether a technician's visit still stands."""

    SCHEDULED = "scheduled"
    """Booked."""
    CANCELED = "canceled"
    """Called off (the job was rescheduled or withdrawn)."""


class JobVisit(TimestampMixin, TenantMixin, Base):
    """A technician's visit to a job: who goes, from when to when. A technician
    is never on two scheduled visits at once (an exclusion constraint)."""

    __tablename__ = "job_visits"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("job_id", "jobs"))
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The visit's id.")
    job_id: Mapped[UUID] = mapped_column(doc="The job.")
    technician_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), doc="The technician: a member of the provider's organization."
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When the visit starts.")
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When it ends.")
    status: Mapped[JobVisitStatus] = mapped_column(pg_enum(JobVisitStatus, "job_visit_status"), doc="Scheduled or canceled.")
    note: Mapped[str | None] = mapped_column(String(1000), doc="What the technician should know.")
    scheduled_by: Mapped[UUID] = mapped_column(doc="User or service account of the provider that booked it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class PriceBookItem(TimestampMixin, TenantMixin, Base):
    """A service the provider sells at a set price: estimates and invoices may
    copy it onto a line. Retired, never deleted (lines name it)."""

    __tablename__ = "price_book_items"
    __table_args__ = (UniqueConstraint("organization_id", "id"), UniqueConstraint("organization_id", "name"))
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The service's id.")
    name: Mapped[str] = mapped_column(String(200), doc="What the service is called on a line (unique in the price book).")
    category: Mapped[str] = mapped_column(String(100), doc="The trade or kind of work, e.g. plumbing.")
    unit: Mapped[str] = mapped_column(String(40), doc="What one is: hour, visit, each, foot.")
    unit_price: Mapped[Decimal] = mapped_column(MONEY, doc="Price of one, in dollars.")
    active: Mapped[bool] = mapped_column(Boolean, doc="Offered now; a retired service prices no new line.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class JobInvoiceStatus(StrEnum):
    """Where the provider's invoice is, as the customer's side reports it back."""

    SUBMITTED = "submitted"
    """Sent to the customer, not yet entered in its payables."""
    ENTERED = "entered"
    """Entered in the customer's payables, awaiting its approval."""
    REFUSED = "refused"
    """The customer's payables refused it (`customerCode` says why: a duplicate number, a closed month…)."""


class JobInvoice(TimestampMixin, TenantMixin, Base):
    """The provider's invoice for a job's work, sent to the customer. Its id is
    also the id of the customer's payables invoice it becomes."""

    __tablename__ = "job_invoices"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "invoice_number"),
        tenant_fk("job_id", "jobs"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The invoice's id (also the customer's copy's).")
    job_id: Mapped[UUID] = mapped_column(doc="The job invoiced.")
    invoice_number: Mapped[str] = mapped_column(String(40), doc="The provider's invoice number, unique in its organization.")
    invoice_date: Mapped[date] = mapped_column(Date, doc="Date on the invoice.")
    due_date: Mapped[date] = mapped_column(Date, doc="When payment is due.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the lines.")
    note: Mapped[str | None] = mapped_column(String(500), doc="What the invoice is for, as the customer reads it.")
    status: Mapped[JobInvoiceStatus] = mapped_column(
        pg_enum(JobInvoiceStatus, "job_invoice_status"), doc="Submitted, then entered or refused by the customer."
    )
    customer_code: Mapped[str | None] = mapped_column(
        String(60), doc="The customer's code for it: why it was refused, or the hold it was entered with."
    )
    customer_note: Mapped[str | None] = mapped_column(String(500), doc="The customer's explanation of that code.")
    submitted_by: Mapped[UUID] = mapped_column(doc="User or service account of the provider that sent it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class JobInvoiceLine(EstimateLineFields, TenantMixin, Base):
    """A line of a provider's invoice."""

    __tablename__ = "job_invoice_lines"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "invoice_id", "line_no"),
        tenant_fk("invoice_id", "job_invoices", deferrable=True, initially="DEFERRED"),
        tenant_fk("price_book_item_id", "price_book_items"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    invoice_id: Mapped[UUID] = mapped_column(doc="The invoice.")
    price_book_item_id: Mapped[UUID | None] = mapped_column(
        doc="The price-book service it was priced from (its price copied then; later changes don't reach it)."
    )


JobId = register_id(Job, "job", "job")
JobTransitionId = register_id(JobTransition, "jbt", "job")
JobEstimateId = register_id(JobEstimate, "jes", "job")
JobEstimateLineId = register_id(JobEstimateLine, "jel", "job")
JobVisitId = register_id(JobVisit, "jvs", "job")
JobInvoiceId = register_id(JobInvoice, "jin", "job")
JobInvoiceLineId = register_id(JobInvoiceLine, "jil", "job")
PriceBookItemId = register_id(PriceBookItem, "pbi", "price_book_item")
