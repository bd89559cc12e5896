"""workOrder/v1/{create,get,list,transition,reopen,feedback}."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domains.associations.models import Association, Unit
from domains.work_orders.errors import FeedbackGiven, LocationRequired, NotCompleted
from domains.work_orders.models import ActorKind, RequesterKind, WorkOrder, WorkOrderCategory, WorkOrderStatus
from domains.work_orders.schemas import (
    WorkOrderConnection,
    WorkOrderCreateInput,
    WorkOrderFeedbackInput,
    WorkOrderGetInput,
    WorkOrderListInput,
    WorkOrderRead,
    WorkOrderReopenInput,
    WorkOrderTransitionInput,
)
from domains.work_orders.service import dispatches, lifecycle, work_orders
from graph.auth.principal import PrincipalKind
from graph.errors import InvalidReference
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.operations import operation
from graph.relations import Paged

STAFF_ROLES = {"admin", "manager"}


def _actor(ctx: OperationContext) -> tuple[ActorKind, Any]:
    assert ctx.principal is not None
    return lifecycle.actor_of(ctx.principal)


def _requester(ctx: OperationContext, unit_id: Any) -> RequesterKind:
    """Who is opening it, from the caller's roles and, for a member, their units."""
    p = ctx.principal
    assert p is not None
    if p.kind is PrincipalKind.SERVICE_ACCOUNT:
        return RequesterKind.INTEGRATION
    if STAFF_ROLES & set(p.roles):
        return RequesterKind.STAFF
    if "board_member" in p.roles:
        return RequesterKind.BOARD
    owned = p.relations.get("owner_of") or []
    if unit_id is not None:
        return RequesterKind.OWNER if str(unit_id) in owned else RequesterKind.TENANT
    return RequesterKind.OWNER if owned else RequesterKind.TENANT


@operation(
    "workOrder/v1/create",
    input=WorkOrderCreateInput,
    output=WorkOrderRead,
    kind="work_order",
    action="create",
    summary="Open a work order",
)
async def create_work_order(ctx: OperationContext, data: WorkOrderCreateInput) -> WorkOrderRead:
    """Open a work order for a unit or a common area (then `location` is
    required, LOCATION_REQUIRED). Its response and completion deadlines follow
    from its priority and the association's settings; for a unit, the unit's
    current owners and residents are linked to it. Its lifecycle workflow
    starts: it escalates a deadline that passes unmet. Staff, the board and
    integrations open any; an owner or tenant only for a unit they own or live
    in, or a common area of their association (FORBIDDEN otherwise). Photos
    and documents are filed first and named by id: refused from another
    association's library (DOCUMENT_ELSEWHERE) or destroyed (DOCUMENT_DESTROYED)."""
    association = await require(ctx.session, Association, data.association_id, "associationId")
    if data.unit_id is not None:
        unit = await require(ctx.session, Unit, data.unit_id, "unitId")
        if unit.association_id != association.id:
            raise InvalidReference("`unitId` names a unit of another association.", field=["unitId"])
    elif not data.location:
        raise LocationRequired("Say where the work is needed (`location`) for a common area.", field=["location"])
    if data.category_id is not None:
        category = await require(ctx.session, WorkOrderCategory, data.category_id, "categoryId")
        if category.association_id != association.id:
            raise InvalidReference("`categoryId` names a classifier node of another association.", field=["categoryId"])
    assert ctx.principal is not None
    party_ids = ctx.principal.relations.get("party_ids") or []
    wo = work_orders.draft(
        org(ctx),
        data,
        _requester(ctx, data.unit_id),
        ctx.principal.user_id,
        UUID(party_ids[0]) if party_ids else None,
        actor(ctx),
    )
    # The pipeline checked that the caller may open work orders at all; this
    # asks about this one (their own unit, their association's common areas).
    await ctx.authorize("work_order", "open", wo)
    linked = await work_orders.open_(ctx.session, wo, _actor(ctx))
    await ctx.start_workflow(lifecycle.WORKFLOW, wo.workflow_id, str(wo.organization_id), str(wo.id))
    ctx.audit_summary = {
        "title": wo.title,
        "priority": wo.priority.value,
        "requesterKind": wo.requester_kind.value,
        "linkedParties": linked,
    }
    return WorkOrderRead.model_validate(wo)


@operation(
    "workOrder/v1/get",
    input=WorkOrderGetInput,
    output=WorkOrderRead,
    kind="work_order",
    action="read",
    target=WorkOrder,
    mutates=False,
    summary="Read a work order",
)
async def get_work_order(ctx: OperationContext, data: WorkOrderGetInput) -> WorkOrderRead:
    """One work order: staff and the board see every one; an owner or tenant
    those of their units and those they opened."""
    return WorkOrderRead.model_validate(ctx.target)


@operation(
    "workOrder/v1/list",
    input=WorkOrderListInput,
    output=WorkOrderConnection,
    kind="work_order",
    action="list",
    mutates=False,
    graphql_name="workOrders",
    summary="List work orders",
    compiles=Paged(WorkOrder, None, "work_order", work_orders.list_filters, work_orders.page_of),
)
async def list_work_orders(ctx: OperationContext, data: WorkOrderListInput) -> WorkOrderConnection:
    """The work orders the caller may see, newest first, across the
    organization's associations or in one; filtered by unit, state, open or
    finished, priority, missed deadline (`escalated`) or vendor."""
    rows, page = await work_orders.page(ctx.session, data, await ctx.visible("work_order", "read", WorkOrder))
    return as_connection(WorkOrderConnection, rows, page)


async def _move(ctx: OperationContext, work_order_id: Any, to: WorkOrderStatus, note: str | None, **more: Any) -> WorkOrderRead:
    wo = await lifecycle.lock(ctx.session, work_order_id)
    assert wo is not None, "the pipeline found the work order visible a moment ago"
    before = wo.status
    await lifecycle.move(ctx.session, wo, to, _actor(ctx), note, vendor_id=more.get("vendor_id"))
    ctx.send(wo.workflow_id, lifecycle.TOPIC, {"from": before.value, "to": to.value})
    ctx.audit_summary = {"from": before.value, "to": to.value} | ({"note": note} if note else {})
    new, withdrawn = await dispatches.follow(ctx.session, wo, to, more.get("vendor_ids") or ())
    ctx.audit_summary |= dispatches.summary(new, withdrawn)
    if wo.vendor_id is not None and to is WorkOrderStatus.VENDOR_CHOSEN:
        ctx.audit_summary["vendorId"] = str(wo.vendor_id)
    return WorkOrderRead.model_validate(wo)


@operation(
    "workOrder/v1/transition",
    input=WorkOrderTransitionInput,
    output=WorkOrderRead,
    kind="work_order",
    action="transition",
    target=WorkOrder,
    summary="Move a work order along its lifecycle",
)
async def transition_work_order(ctx: OperationContext, data: WorkOrderTransitionInput) -> WorkOrderRead:
    """Move a work order to the next state the lifecycle allows (staff and
    integrations): received → review; review → not_responsible (the workflow
    then tells the requester and closes it), estimates_requested,
    vendor_chosen (naming `vendorId`, VENDOR_REQUIRED) or canceled; and so on
    through assigned, scheduled, in_progress, work_done to completed or
    completed_no_bill. A move the state map lacks is ILLEGAL_TRANSITION with
    the states allowed from here; reopening a completed work order after the
    association's window is REOPEN_WINDOW_CLOSED. Assigning a vendor that is a
    service-provider organization sends it a job (its answers then move the
    work order: scheduled, in progress, work done, or back to review when it
    declines); canceling, or sending the work order back to review, cancels the job.
    Moving to estimates_requested with `vendorIds` sends each of those providers a
    job to estimate (their estimates move the work order to estimates_received);
    choosing a vendor withdraws the other vendors' jobs, and assigning the chosen
    vendor goes on with the job it estimated."""
    return await _move(ctx, data.id, data.to, data.note, vendor_id=data.vendor_id, vendor_ids=data.vendor_ids)


@operation(
    "workOrder/v1/reopen",
    input=WorkOrderReopenInput,
    output=WorkOrderRead,
    kind="work_order",
    action="reopen",
    target=WorkOrder,
    summary="Reopen a completed work order",
)
async def reopen_work_order(ctx: OperationContext, data: WorkOrderReopenInput) -> WorkOrderRead:
    """Send a completed work order back to review (staff, or the requester
    who opened it) within the association's reopen window
    (REOPEN_WINDOW_CLOSED after it; ILLEGAL_TRANSITION if it is not completed)."""
    return await _move(ctx, data.id, WorkOrderStatus.REVIEW, data.reason)


@operation(
    "workOrder/v1/feedback",
    input=WorkOrderFeedbackInput,
    output=WorkOrderRead,
    kind="work_order",
    action="feedback",
    target=WorkOrder,
    summary="Score a completed work order",
)
async def feedback_work_order(ctx: OperationContext, data: WorkOrderFeedbackInput) -> WorkOrderRead:
    """The requester's score (1–5) and note, once the work order is completed
    (WORK_ORDER_NOT_COMPLETED before); given once (FEEDBACK_ALREADY_GIVEN)."""
    wo = await lifecycle.lock(ctx.session, data.id)
    assert wo is not None
    if wo.status not in lifecycle.COMPLETED and not (wo.status is WorkOrderStatus.CLOSED and wo.completed_at):
        raise NotCompleted(f"This work order is {wo.status.value}; feedback comes after completion.", field=["id"])
    if wo.feedback_score is not None:
        raise FeedbackGiven("You have already scored this work order.", field=["id"])
    await work_orders.feedback(ctx.session, wo, data.score, data.note)
    ctx.audit_summary = {"score": data.score}
    return WorkOrderRead.model_validate(wo)
