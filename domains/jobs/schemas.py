"""API models of the jobs domain, derived from its tables."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field

from domains.identity.models import UserId
from domains.jobs.models import Job, JobEstimate, JobEstimateLine, JobId, JobStatus, JobTransition, JobVisit, JobVisitStatus
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

JobEstimateLineRead = derive(JobEstimateLine, "JobEstimateLine", ["id", "estimate_id", *ESTIMATE_LINE], node=True)
JobEstimateRead = derive(
    JobEstimate,
    "JobEstimate",
    ["id", "job_id", *ESTIMATE, "submitted_by"],
    node=True,
    extra={"lines": (list[JobEstimateLineRead], Field(default_factory=list, description="Its lines, in order."))},
)


class EstimateLineInput(ApiModel):
    """One line of an estimate."""

    description: str = Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$", description="The service or part.")
    quantity: Decimal = Field(gt=0, max_digits=12, decimal_places=3, description="How many (hours, parts), up to 3 decimals.")
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="Price of one, in dollars.")


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
