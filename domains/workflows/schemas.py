"""API models of the workflows domain. DBOS owns the data; nothing here mirrors a table of ours."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from graph.schemas import ApiModel


class WorkflowState(StrEnum):
    """Where a workflow is: queued, running (or waiting on an event or timer), finished, failed or cancelled."""

    ENQUEUED = "enqueued"
    """Queued, not yet started."""
    PENDING = "pending"
    """Running, or waiting on an event or timer."""
    SUCCESS = "success"
    """Finished."""
    ERROR = "error"
    """Failed."""
    CANCELLED = "cancelled"
    """Cancelled."""
    MAX_RECOVERY_ATTEMPTS_EXCEEDED = "max_recovery_attempts_exceeded"
    """Failed: recovered too many times after crashes."""


class WorkflowGetInput(ApiModel):
    """The workflow to read."""

    id: str = Field(min_length=1, max_length=80, description="Workflow id, e.g. a join request's workflowId.")


class Workflow(ApiModel):
    """A durable workflow of the active organization and its current state."""

    id: str = Field(description="Workflow id.")
    name: str = Field(description="What kind of workflow it is, e.g. review_join_request_workflow.")
    state: WorkflowState = Field(description="Current state; `pending` includes waiting on an event or a timer.")
    created_at: datetime = Field(description="When it started (UTC).")
    updated_at: datetime | None = Field(None, description="Last state change (UTC).")
