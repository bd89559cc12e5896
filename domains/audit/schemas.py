"""API models of the audit domain."""

from __future__ import annotations

from pydantic import Field

from domains.audit.models import AuditEvent
from graph.schemas import ApiModel, derive

AuditEventRead = derive(
    AuditEvent,
    "AuditEvent",
    [
        "id",
        "organization_id",
        "actor_kind",
        "actor_id",
        "operation",
        "target_ids",
        "idempotency_key",
        "trace_id",
        "summary",
        "occurred_at",
        "chain_seq",
        "hash",
    ],
    node=True,
)


class AuditChainVerifyInput(ApiModel):
    """No input: verifies the active organization's audit chain."""


class AuditChainStatus(ApiModel):
    """Result of re-hashing the organization's audit log from the first event."""

    checked: int = Field(description="How many events were checked.")
    intact: bool = Field(description="True when no event was edited, removed or reordered.")
    first_broken_at: int | None = Field(None, description="chainSeq of the first event whose link fails; null when intact.")
