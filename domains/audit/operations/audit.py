"""Verifying the audit log's hash chain."""

from __future__ import annotations

from domains.audit.schemas import AuditChainStatus, AuditChainVerifyInput
from domains.audit.service import events
from graph.handlers import OperationContext
from graph.operations import operation


@operation(
    "auditEvent/v1/verify",
    input=AuditChainVerifyInput,
    output=AuditChainStatus,
    kind="audit_event",
    action="read",
    mutates=False,
    summary="Verify the audit log has not been tampered with",
    graphql_name="auditChainVerify",
)
async def verify_chain(ctx: OperationContext, data: AuditChainVerifyInput) -> AuditChainStatus:
    """Recompute the active organization's audit hash chain (every event is
    hashed with the one before it) and report the first event that was edited,
    removed or reordered, if any. Admins and auditors."""
    row = await events.verify_chain(ctx.session, ctx.organization_id)
    return AuditChainStatus(checked=row.checked, intact=row.first_broken is None, first_broken_at=row.first_broken)
