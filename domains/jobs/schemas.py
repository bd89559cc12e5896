"""API models of the jobs domain, derived from its tables."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domains.jobs.models import Job, JobId, JobStatus, JobTransition
from graph.schemas import ApiModel, connection_model, derive

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
