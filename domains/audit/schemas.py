"""API models of the audit domain."""

from __future__ import annotations

from domains.audit.models import AuditEvent
from graph.schemas import derive

AuditEventRead = derive(
    AuditEvent,
    "AuditEvent",
    ["id", "organization_id", "actor_kind", "actor_id", "operation", "target_ids", "idempotency_key", "trace_id", "summary", "occurred_at"],
    node=True,
)
