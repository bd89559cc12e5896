"""workOrderEstimate/v1/{get,list,approve,decline}: the association's side of estimates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.jobs.models import EstimateStatus
from domains.work_orders.models import WorkOrderEstimate, WorkOrderStatus
from domains.work_orders.schemas import (
    WorkOrderEstimateConnection,
    WorkOrderEstimateDecideInput,
    WorkOrderEstimateGetInput,
    WorkOrderEstimateLineRead,
    WorkOrderEstimateListInput,
    WorkOrderEstimateRead,
)
from domains.work_orders.service import dispatches, estimates, lifecycle
from graph.handlers import OperationContext, actor, as_connection, with_nodes
from graph.operations import operation


async def _with_lines(ctx: OperationContext, rows: Sequence[WorkOrderEstimate]) -> list[Any]:
    """Estimates as API models with their lines (one statement)."""
    lines = await estimates.lines_of(ctx.session, [e.id for e in rows])
    return [
        WorkOrderEstimateRead.model_validate(e).model_copy(
            update={"lines": [WorkOrderEstimateLineRead.model_validate(line) for line in lines if line.estimate_id == e.id]}
        )
        for e in rows
    ]


@operation(
    "workOrderEstimate/v1/get",
    input=WorkOrderEstimateGetInput,
    output=WorkOrderEstimateRead,
    kind="work_order_estimate",
    action="read",
    target=WorkOrderEstimate,
    mutates=False,
    summary="Read an estimate",
)
async def get_work_order_estimate(ctx: OperationContext, data: WorkOrderEstimateGetInput) -> WorkOrderEstimateRead:
    """One revision of a provider's estimate for a work order, with its lines (staff and the board)."""
    return (await _with_lines(ctx, [ctx.target]))[0]


@operation(
    "workOrderEstimate/v1/list",
    input=WorkOrderEstimateListInput,
    output=WorkOrderEstimateConnection,
    kind="work_order_estimate",
    action="list",
    mutates=False,
    graphql_name="workOrderEstimates",
    summary="List a work order's estimates",
)
async def list_work_order_estimates(ctx: OperationContext, data: WorkOrderEstimateListInput) -> WorkOrderEstimateConnection:
    """A work order's estimates from every vendor it asked, every revision,
    oldest first, with their lines; optionally of one state."""
    rows, page = await estimates.page(ctx.session, data, await ctx.visible("work_order_estimate", "read", WorkOrderEstimate))
    return with_nodes(as_connection(WorkOrderEstimateConnection, rows, page), await _with_lines(ctx, rows[: page.first]))


async def _decide(ctx: OperationContext, data: WorkOrderEstimateDecideInput, status: EstimateStatus) -> WorkOrderEstimateRead:
    estimate = await estimates.lock(ctx.session, data.id)
    assert estimate is not None, "the pipeline found the estimate visible a moment ago"
    await estimates.decide(ctx.session, estimate, status, data.note, actor(ctx))
    ctx.audit_summary = {"revision": estimate.revision, "total": str(estimate.total), "decision": status.value}
    if status is EstimateStatus.APPROVED:
        await _choose_vendor(ctx, estimate)
    return (await _with_lines(ctx, [estimate]))[0]


async def _choose_vendor(ctx: OperationContext, estimate: WorkOrderEstimate) -> None:
    """While the work order collects estimates, approving one chooses its vendor
    (and the other vendors' jobs are withdrawn)."""
    wo = await lifecycle.lock(ctx.session, estimate.work_order_id)
    assert wo is not None and ctx.principal is not None
    if wo.status not in estimates.COLLECTING:
        return
    before = wo.status
    by = lifecycle.actor_of(ctx.principal)
    if wo.status is WorkOrderStatus.ESTIMATES_REQUESTED:
        await lifecycle.move(ctx.session, wo, WorkOrderStatus.ESTIMATES_RECEIVED, by)
    note = f"Estimate approved: revision {estimate.revision}, {estimate.total}"
    await lifecycle.move(ctx.session, wo, WorkOrderStatus.VENDOR_CHOSEN, by, note, vendor_id=estimate.vendor_id)
    ctx.send(wo.workflow_id, lifecycle.TOPIC, {"from": before.value, "to": wo.status.value})
    new, withdrawn = await dispatches.follow(ctx.session, wo, WorkOrderStatus.VENDOR_CHOSEN)
    ctx.audit_summary |= {"workOrder": {"from": before.value, "to": wo.status.value}, "vendorId": str(wo.vendor_id)}
    ctx.audit_summary |= dispatches.summary(new, withdrawn)


@operation(
    "workOrderEstimate/v1/approve",
    input=WorkOrderEstimateDecideInput,
    output=WorkOrderEstimateRead,
    kind="work_order_estimate",
    action="decide",
    target=WorkOrderEstimate,
    summary="Approve an estimate",
)
async def approve_work_order_estimate(ctx: OperationContext, data: WorkOrderEstimateDecideInput) -> WorkOrderEstimateRead:
    """Approve a revision awaiting a decision (staff). While the work order is
    still collecting estimates, its vendor is chosen (vendor_chosen) and the
    other vendors' jobs are withdrawn; the provider's copy shows the approval
    and is not revised any more. ESTIMATE_NOT_PENDING for a revision decided
    or superseded, or when another revision of this vendor's is approved."""
    return await _decide(ctx, data, EstimateStatus.APPROVED)


@operation(
    "workOrderEstimate/v1/decline",
    input=WorkOrderEstimateDecideInput,
    output=WorkOrderEstimateRead,
    kind="work_order_estimate",
    action="decide",
    target=WorkOrderEstimate,
    summary="Decline an estimate",
)
async def decline_work_order_estimate(ctx: OperationContext, data: WorkOrderEstimateDecideInput) -> WorkOrderEstimateRead:
    """Decline a revision awaiting a decision (staff), with a note for the
    provider, who may send a new revision. ESTIMATE_NOT_PENDING as for approving."""
    return await _decide(ctx, data, EstimateStatus.DECLINED)
