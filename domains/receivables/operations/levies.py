"""levy/v1/{preview,post,get,list}."""

from __future__ import annotations

from domains.receivables.models import AssessmentSchedule, Levy
from domains.receivables.schemas import (
    LevyConnection,
    LevyGetInput,
    LevyInput,
    LevyListInput,
    LevyPreview,
    LevyPreviewLine,
    LevyRead,
)
from domains.receivables.service import assessments
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation


@operation(
    "levy/v1/preview",
    input=LevyInput,
    output=LevyPreview,
    kind="assessment_schedule",
    action="preview",
    mutates=False,
    summary="Preview a levy",
)
async def preview_levy(ctx: OperationContext, data: LevyInput) -> LevyPreview:
    """What levying one period of a schedule would charge each active unit, the
    total and how the cents were rounded — posting nothing. Says so if the
    period was already levied."""
    schedule = await require(ctx.session, AssessmentSchedule, data.schedule_id, "scheduleId")
    plan = await assessments.plan(ctx.session, schedule, data.period)
    existing = await assessments.existing_levy(ctx.session, plan.schedule.id, plan.period)
    return LevyPreview(
        schedule_id=plan.schedule.id,
        association_id=plan.schedule.association_id,
        period=plan.period,
        due_date=plan.due_date,
        method=plan.schedule.method,
        total=plan.total,
        unit_count=len(plan.lines),
        remainder_cents=plan.remainder_cents,
        levy_id=existing.id if existing else None,
        lines=[
            LevyPreviewLine(
                unit_id=ln.unit_id, unit_number=ln.unit_number, assessment_share=ln.share, exact=ln.exact, amount=ln.amount
            )
            for ln in plan.lines
        ],
    )


@operation(
    "levy/v1/post",
    input=LevyInput,
    output=LevyRead,
    kind="assessment_schedule",
    action="levy",
    summary="Levy one period of a schedule",
)
async def post_levy(ctx: OperationContext, data: LevyInput) -> LevyRead:
    """Charge one period of a schedule to every active unit, exactly once: a
    durable workflow posts the charges (`workflowId`; `postedUnits` counts
    them), using any credit a unit has. Levying a period again — even
    concurrently, with another idempotency key — answers with the levy already
    started and charges nothing more. The period's month must be open."""
    assert ctx.principal is not None
    schedule = await require(ctx.session, AssessmentSchedule, data.schedule_id, "scheduleId")
    levy = await assessments.existing_levy(ctx.session, schedule.id, data.period)
    started = False
    if levy is None:
        plan = await assessments.plan(ctx.session, schedule, data.period)
        levy, started = await assessments.start(ctx.session, org(ctx), plan, ctx.principal.id)
        if started:
            size = ctx.platform.settings.levy_batch_units
            await ctx.start_workflow(
                assessments.LEVY_WORKFLOW, levy.workflow_id, str(org(ctx)), str(levy.id), assessments.batches(plan, size)
            )
    ctx.audit_summary = {"period": str(levy.period), "total": str(levy.total), "units": levy.unit_count, "started": started}
    return (await assessments.levy_reads(ctx.session, [levy]))[0]


@operation(
    "levy/v1/get",
    input=LevyGetInput,
    output=LevyRead,
    kind="assessment_schedule",
    action="read",
    target=Levy,
    mutates=False,
    summary="Read a levy",
)
async def get_levy(ctx: OperationContext, data: LevyGetInput) -> LevyRead:
    """One levy, with how many of its units are charged so far."""
    return (await assessments.levy_reads(ctx.session, [ctx.target]))[0]


@operation(
    "levy/v1/list",
    input=LevyListInput,
    output=LevyConnection,
    kind="assessment_schedule",
    action="list",
    mutates=False,
    graphql_name="levies",
    summary="List levies",
)
async def list_levies(ctx: OperationContext, data: LevyListInput) -> LevyConnection:
    """An association's levies, latest period first."""
    rows, page = await assessments.levy_page(ctx.session, data, await ctx.visible("assessment_schedule", "read", Levy))
    connection = as_connection(LevyConnection, rows, page)
    nodes = await assessments.levy_reads(ctx.session, rows[: page.first])
    return connection.model_copy(
        update={"nodes": nodes, "edges": [e.model_copy(update={"node": n}) for e, n in zip(connection.edges, nodes, strict=True)]}
    )
