"""complianceCalendar/v1/generate, complianceTask/v1/{list,complete,waive}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.associations.models import Association
from domains.compliance.models import ComplianceTask, TaskStatus
from domains.compliance.schemas import (
    ComplianceCalendarGenerated,
    ComplianceCalendarGenerateInput,
    ComplianceTaskCompleteInput,
    ComplianceTaskConnection,
    ComplianceTaskListInput,
    ComplianceTaskRead,
    ComplianceTaskWaiveInput,
)
from domains.compliance.service import calendar
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.ids import encode
from graph.operations import operation


def _today() -> datetime:
    return datetime.now(UTC)


@operation(
    "complianceCalendar/v1/generate",
    input=ComplianceCalendarGenerateInput,
    output=ComplianceCalendarGenerated,
    kind="compliance_task",
    action="generate",
    summary="Generate an association's compliance tasks now",
)
async def generate(ctx: OperationContext, data: ComplianceCalendarGenerateInput) -> ComplianceCalendarGenerated:
    """What the daily run does, for one association, now: create the tasks its
    jurisdiction's rules, its settings and its books call for with a due date from
    a year ago to a year ahead (an obligation without evidence is overdue until
    closed or waived) (each obligation and period once, however often it
    runs), close the vendor tasks payables now answers (a W-9, a renewed
    certificate, as their evidence), and raise overdue open ones a level."""
    association: Association = await require(ctx.session, Association, data.association_id, "associationId")
    today = _today().date()
    created, resolved = await calendar.generate(ctx.session, org(ctx), association, today)
    escalated = await calendar.escalate(ctx.session, org(ctx), association.id, today)
    ctx.audit_summary = {"created": len(created), "resolved": len(resolved), "escalated": escalated}
    ctx.audit_targets = [encode("asn", association.id)]
    return ComplianceCalendarGenerated(
        association_id=association.id,
        created=[ComplianceTaskRead.model_validate(t) for t in created],
        resolved=[ComplianceTaskRead.model_validate(t) for t in resolved],
        escalated=escalated,
    )


@operation(
    "complianceTask/v1/list",
    input=ComplianceTaskListInput,
    output=ComplianceTaskConnection,
    kind="compliance_task",
    action="list",
    mutates=False,
    graphql_name="complianceTasks",
    summary="List compliance tasks",
)
async def list_tasks(ctx: OperationContext, data: ComplianceTaskListInput) -> ComplianceTaskConnection:
    """Compliance tasks by due date, soonest first: one association's, or every
    association's of the organization (a management company's overdue list with
    `overdue: true`), filtered by status or obligation."""
    rows, page = await calendar.task_page(
        ctx.session, data, await ctx.visible("compliance_task", "read", ComplianceTask), _today().date()
    )
    return as_connection(ComplianceTaskConnection, rows, page)


@operation(
    "complianceTask/v1/complete",
    input=ComplianceTaskCompleteInput,
    output=ComplianceTaskRead,
    kind="compliance_task",
    action="complete",
    target=ComplianceTask,
    summary="Close a compliance task with its evidence",
)
async def complete(ctx: OperationContext, data: ComplianceTaskCompleteInput) -> ComplianceTaskRead:
    """Mark a task done with its evidence, a typed reference: a reserve study, a
    certificate of insurance or a vendor with its W-9 by public id (checked:
    EVIDENCE_REQUIRED when not on file), a meeting or a document by id or name, a
    filing by its number. A task already closed is COMPLIANCE_TASK_CLOSED."""
    task = await calendar.lock(ctx.session, data.id)
    await calendar.close(ctx.session, task, TaskStatus.DONE, actor(ctx), data.evidence_kind, data.evidence_reference, data.note)
    ctx.audit_summary = {
        "requirement": task.requirement.value,
        "evidenceKind": data.evidence_kind.value,
        "evidence": data.evidence_reference,
    }
    return ComplianceTaskRead.model_validate(task)


@operation(
    "complianceTask/v1/waive",
    input=ComplianceTaskWaiveInput,
    output=ComplianceTaskRead,
    kind="compliance_task",
    action="waive",
    target=ComplianceTask,
    summary="Waive a compliance task, with the reason",
)
async def waive(ctx: OperationContext, data: ComplianceTaskWaiveInput) -> ComplianceTaskRead:
    """Close a task that does not apply, with the reason (kept in its history). A
    task already closed is COMPLIANCE_TASK_CLOSED."""
    task = await calendar.lock(ctx.session, data.id)
    await calendar.close(ctx.session, task, TaskStatus.WAIVED, actor(ctx), None, None, data.reason)
    ctx.audit_summary = {"requirement": task.requirement.value, "reason": data.reason}
    return ComplianceTaskRead.model_validate(task)
