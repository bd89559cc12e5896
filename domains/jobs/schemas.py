"""API models of the jobs domain, derived from its tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field, model_validator

from domains.identity.models import UserId
from domains.jobs.models import (
    EstimateStatus,
    Job,
    JobEstimate,
    JobEstimateLine,
    JobId,
    JobInvoice,
    JobInvoiceId,
    JobInvoiceLine,
    JobInvoiceStatus,
    JobStatus,
    JobTransition,
    JobVisit,
    JobVisitStatus,
    PriceBookItem,
    PriceBookItemId,
)
from domains.organizations.models import OrganizationId
from graph.schemas import ApiModel, connection_model, derive

ESTIMATE_LINE = ["line_no", "description", "quantity", "unit_price", "amount"]
ESTIMATE = ["revision", "status", "total", "note", "decided_at", "decision_note", "created_at"]

JobTransitionRead = derive(
    JobTransition,
    "JobTransition",
    ["id", "job_id", "from_status", "to_status", "actor_kind", "actor_id", "note", "created_at"],
    node=True,
)
JobRead = derive(
    Job,
    "Job",
    [
        "id",
        "organization_id",
        "customer_organization_id",
        "customer_name",
        "title",
        "description",
        "site",
        "contact",
        "priority",
        "status",
        "scheduled_for",
        "created_at",
        "updated_at",
    ],
    node=True,
)


class JobGetInput(ApiModel):
    """Which job to read."""

    id: JobId = Field(description="The job.")


class JobListInput(ApiModel):
    """The provider's jobs from every customer, newest first."""

    status: JobStatus | None = Field(None, description="Only jobs in this state.")
    customer_organization_id: OrganizationId | None = Field(None, description="Only this customer's jobs.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


JobConnection = connection_model(JobRead)


class JobAnswerInput(ApiModel):
    """Accept, decline, start or finish a job."""

    id: JobId = Field(description="The job.")
    note: str | None = Field(None, max_length=1000, description="A note for the customer (a decline's reason, what was done).")


class JobScheduleInput(ApiModel):
    """Schedule the visit of an accepted job."""

    id: JobId = Field(description="The job.")
    scheduled_for: datetime = Field(description="When the technician comes (with a time zone).")
    note: str | None = Field(None, max_length=1000, description="A note for the customer.")
    technician_ids: list[UserId] = Field(
        default_factory=list,
        max_length=10,
        description="The technicians who go (members of your organization, up to 10); each is booked for the visit, "
        "and rescheduling cancels the job's earlier bookings.",
    )
    duration_minutes: int = Field(120, ge=15, le=1440, description="How long the visit takes, 15–1440 minutes (default 120).")
    technician_note: str | None = Field(
        None, max_length=1000, description="What the technicians should know (not sent to the customer)."
    )


# --- estimates ---------------------------------------------------------------

JobEstimateLineRead = derive(
    JobEstimateLine, "JobEstimateLine", ["id", "estimate_id", *ESTIMATE_LINE, "price_book_item_id"], node=True
)
JobEstimateRead = derive(
    JobEstimate,
    "JobEstimate",
    ["id", "job_id", *ESTIMATE, "submitted_by"],
    node=True,
    extra={"lines": (list[JobEstimateLineRead], Field(default_factory=list, description="Its lines, in order."))},
)


class JobEstimateListInput(ApiModel):
    """Your estimates to every customer, newest first: every revision, with the customer's decision."""

    status: EstimateStatus | None = Field(None, description="Only revisions in this state (e.g. submitted: awaiting a decision).")
    job_id: JobId | None = Field(None, description="Only this job's revisions.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


JobEstimateConnection = connection_model(JobEstimateRead)


class EstimateLineInput(ApiModel):
    """One line of an estimate or invoice: a service of your price book (its name
    and price copied onto the line), or a description and a price."""

    description: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern=r"^\S(.*\S)?$",
        description="The service or part (default: the price-book service's name).",
    )
    quantity: Decimal = Field(gt=0, max_digits=12, decimal_places=3, description="How many (hours, parts), up to 3 decimals.")
    unit_price: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="Price of one, in dollars (default: the price-book service's price, copied).",
    )
    price_book_item_id: PriceBookItemId | None = Field(
        None,
        description="A service of your price book (PRICE_BOOK_ITEM_RETIRED if retired): its name and price are copied "
        "onto the line, which later price changes don't reach.",
    )

    @model_validator(mode="after")
    def _priced(self) -> EstimateLineInput:
        if self.price_book_item_id is None and (self.description is None or self.unit_price is None):
            raise ValueError("give `description` and `unitPrice`, or a `priceBookItemId`")
        return self


class JobEstimateSubmitInput(ApiModel):
    """A new revision of the estimate for a job: its lines replace the last
    revision's, which is kept (superseded) with its history."""

    id: JobId = Field(description="The job.")
    lines: list[EstimateLineInput] = Field(min_length=1, max_length=100, description="The lines, 1–100, in order.")
    note: str | None = Field(None, max_length=1000, description="Scope, assumptions, how long the price holds.")


# --- visits ------------------------------------------------------------------

JobVisitRead = derive(
    JobVisit,
    "JobVisit",
    ["id", "job_id", "technician_id", "starts_at", "ends_at", "status", "note", "scheduled_by", "created_at", "updated_at"],
    node=True,
)


class JobVisitListInput(ApiModel):
    """Technicians' visits by start time: one technician's schedule, or everyone's."""

    technician_id: UserId | None = Field(None, description="Only this technician's visits.")
    status: JobVisitStatus | None = Field(None, description="Only visits in this state (e.g. scheduled).")
    starts_from: datetime | None = Field(None, description="Only visits still going on at or after this time.")
    starts_before: datetime | None = Field(None, description="Only visits starting before this time.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


JobVisitConnection = connection_model(JobVisitRead)


# --- invoices ----------------------------------------------------------------

JobInvoiceLineRead = derive(
    JobInvoiceLine, "JobInvoiceLine", ["id", "invoice_id", *ESTIMATE_LINE, "price_book_item_id"], node=True
)
JobInvoiceRead = derive(
    JobInvoice,
    "JobInvoice",
    [
        "id",
        "job_id",
        "invoice_number",
        "invoice_date",
        "due_date",
        "total",
        "note",
        "status",
        "customer_code",
        "customer_note",
        "submitted_by",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={"lines": (list[JobInvoiceLineRead], Field(default_factory=list, description="Its lines, in order."))},
)


class JobInvoiceSubmitInput(ApiModel):
    """The invoice for a job whose work is done, sent to the customer, where it
    becomes a payables invoice awaiting approval."""

    id: JobId = Field(description="The job (work done).")
    invoice_number: str = Field(
        min_length=1, max_length=40, pattern=r"^\S(.*\S)?$", description="Your invoice number, unique in your organization."
    )
    invoice_date: date = Field(description="Date on the invoice.")
    due_date: date = Field(description="When payment is due (on or after the invoice date).")
    lines: list[EstimateLineInput] = Field(min_length=1, max_length=100, description="The lines, 1–100, in order.")
    note: str | None = Field(None, max_length=500, description="What the invoice is for, as the customer reads it.")

    @model_validator(mode="after")
    def _dates(self) -> JobInvoiceSubmitInput:
        if self.due_date < self.invoice_date:
            raise ValueError("`dueDate` can't be before `invoiceDate`")
        return self


class JobInvoiceGetInput(ApiModel):
    """Which invoice to read."""

    id: JobInvoiceId = Field(description="The invoice.")


class JobInvoiceListInput(ApiModel):
    """Your invoices to every customer, newest first."""

    status: JobInvoiceStatus | None = Field(None, description="Only invoices in this state.")
    job_id: JobId | None = Field(None, description="Only this job's invoices.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


JobInvoiceConnection = connection_model(JobInvoiceRead)


# --- price book --------------------------------------------------------------

PRICE_BOOK = ["name", "category", "unit", "unit_price", "active"]
PriceBookItemRead = derive(PriceBookItem, "PriceBookItem", ["id", *PRICE_BOOK, "created_at", "updated_at"], node=True)
_TRIMMED = {"pattern": r"^\S(.*\S)?$", "min_length": 1}
PriceBookItemCreateInput = derive(
    PriceBookItem,
    "PriceBookItemCreateInput",
    PRICE_BOOK,
    doc="A service for your price book.",
    constraints={"name": _TRIMMED, "category": _TRIMMED, "unit": _TRIMMED, "unit_price": {"ge": 0}},
)
PriceBookItemUpdateInput = derive(
    PriceBookItem,
    "PriceBookItemUpdateInput",
    ["id", *PRICE_BOOK],
    doc="Change a service of your price book (lines already priced from it keep their price); `active: false` retires it.",
    optional=tuple(PRICE_BOOK),
    constraints={"name": _TRIMMED, "category": _TRIMMED, "unit": _TRIMMED, "unit_price": {"ge": 0}},
)


class PriceBookItemGetInput(ApiModel):
    """Which service to read."""

    id: PriceBookItemId = Field(description="The service.")


class PriceBookItemListInput(ApiModel):
    """Your price book, by category and name."""

    category: str | None = Field(None, max_length=100, description="Only this category.")
    active: bool | None = Field(None, description="Only offered (true) or retired (false) services.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


PriceBookItemConnection = connection_model(PriceBookItemRead)
