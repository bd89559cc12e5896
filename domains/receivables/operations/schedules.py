"""assessmentSchedule/v1/{create,update,list}."""

from __future__ import annotations

from domains.receivables.models import AssessmentSchedule
from domains.receivables.schemas import (
    AssessmentScheduleConnection,
    AssessmentScheduleCreateInput,
    AssessmentScheduleListInput,
    AssessmentScheduleRead,
    AssessmentScheduleUpdateInput,
)
from domains.receivables.service import assessments
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "assessmentSchedule/v1/create",
    input=AssessmentScheduleCreateInput,
    output=AssessmentScheduleRead,
    kind="assessment_schedule",
    action="create",
    summary="Create an assessment schedule",
)
async def create_schedule(ctx: OperationContext, data: AssessmentScheduleCreateInput) -> AssessmentScheduleRead:
    """Set up a regular (monthly, quarterly, annual) or special assessment: the
    amount (a period total split by assessment share, or a fixed amount per
    unit), the income account and fund it goes to, and its dates. Levy each
    period with levyPost."""
    schedule = await assessments.create_schedule(ctx.session, org(ctx), data)
    ctx.audit_summary = {"name": schedule.name, "amount": str(schedule.amount), "method": schedule.method.value}
    return AssessmentScheduleRead.model_validate(schedule)


@operation(
    "assessmentSchedule/v1/update",
    input=AssessmentScheduleUpdateInput,
    output=AssessmentScheduleRead,
    kind="assessment_schedule",
    action="update",
    target=AssessmentSchedule,
    summary="Change an assessment schedule",
)
async def update_schedule(ctx: OperationContext, data: AssessmentScheduleUpdateInput) -> AssessmentScheduleRead:
    """Rename a schedule, change its amount, due day or end date, or stop it.
    Levies already started keep what they charged."""
    schedule = ctx.target
    ctx.audit_summary = {"changed": await assessments.update_schedule(ctx.session, schedule, data)}
    return AssessmentScheduleRead.model_validate(schedule)


@operation(
    "assessmentSchedule/v1/list",
    input=AssessmentScheduleListInput,
    output=AssessmentScheduleConnection,
    kind="assessment_schedule",
    action="list",
    mutates=False,
    graphql_name="assessmentSchedules",
    summary="List assessment schedules",
)
async def list_schedules(ctx: OperationContext, data: AssessmentScheduleListInput) -> AssessmentScheduleConnection:
    """An association's assessment schedules, by name."""
    rows, page = await assessments.schedule_page(
        ctx.session, data, await ctx.visible("assessment_schedule", "read", AssessmentSchedule)
    )
    return as_connection(AssessmentScheduleConnection, rows, page)
