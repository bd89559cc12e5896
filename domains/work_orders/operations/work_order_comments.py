"""workOrderComment/v1/{create,list}."""

from __future__ import annotations

from typing import Any

from domains.work_orders.models import CommentVisibility, WorkOrder, WorkOrderComment
from domains.work_orders.schemas import (
    WorkOrderCommentConnection,
    WorkOrderCommentCreateInput,
    WorkOrderCommentListInput,
    WorkOrderCommentRead,
)
from domains.work_orders.service import work_orders
from graph.authz import ResourceRef, resource_attrs
from graph.errors import Forbidden, NotFound
from graph.handlers import OperationContext, actor, as_connection, require
from graph.operations import operation


async def _work_order(ctx: OperationContext, work_order_id: Any, *actions: str) -> Any:
    """The work order, if the caller may read it (NOT_FOUND otherwise, as for any
    hidden row) and do `actions` on it (FORBIDDEN)."""
    assert ctx.principal is not None
    wo = await require(ctx.session, WorkOrder, work_order_id, "workOrderId")
    ref = ResourceRef(id=str(wo.id), attrs=resource_attrs(wo))
    decisions = (await ctx.decisions.check(ctx.principal, "work_order", [ref], {"read", *actions}))[ref.id]
    if not decisions["read"]:
        raise NotFound("No work order with this id is visible to you.", field=["workOrderId"])
    for action in actions:
        if not decisions[action]:
            raise Forbidden(f"Not allowed to {action.replace('_', ' ')} on this work order.")
    return wo


@operation(
    "workOrderComment/v1/create",
    input=WorkOrderCommentCreateInput,
    output=WorkOrderCommentRead,
    kind="work_order_comment",
    action="create",
    summary="Comment on a work order",
)
async def create_work_order_comment(ctx: OperationContext, data: WorkOrderCommentCreateInput) -> WorkOrderCommentRead:
    """Add a comment to a work order the caller may see. Staff, the board and
    integrations write internal comments or ones the requester reads; owners
    and tenants write only comments visible to the requester (FORBIDDEN for an
    internal one)."""
    internal = data.visibility is CommentVisibility.INTERNAL
    wo = await _work_order(ctx, data.work_order_id, "comment", *(["comment_internal"] if internal else []))
    row = work_orders.comment(wo, data, actor(ctx))
    await work_orders.add_comment(ctx.session, row)
    ctx.audit_summary = {"workOrderId": str(wo.id), "visibility": data.visibility.value}
    return WorkOrderCommentRead.model_validate(row)


@operation(
    "workOrderComment/v1/list",
    input=WorkOrderCommentListInput,
    output=WorkOrderCommentConnection,
    kind="work_order_comment",
    action="list",
    mutates=False,
    graphql_name="workOrderComments",
    summary="List a work order's comments",
)
async def list_work_order_comments(ctx: OperationContext, data: WorkOrderCommentListInput) -> WorkOrderCommentConnection:
    """A work order's comments, oldest first: all of them for staff and the
    board, only those visible to the requester for owners and tenants."""
    await _work_order(ctx, data.work_order_id)
    visible = await ctx.visible("work_order_comment", "read", WorkOrderComment)
    rows, page = await work_orders.comment_page(ctx.session, data, visible)
    return as_connection(WorkOrderCommentConnection, rows, page)
