"""workOrderCategory/v1/{create,list,installDefaults}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.work_orders.models import WorkOrderCategory
from domains.work_orders.schemas import (
    WorkOrderCategoryConnection,
    WorkOrderCategoryCreateInput,
    WorkOrderCategoryInstallInput,
    WorkOrderCategoryInstallResult,
    WorkOrderCategoryListInput,
    WorkOrderCategoryRead,
)
from domains.work_orders.service import categories
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation


@operation(
    "workOrderCategory/v1/create",
    input=WorkOrderCategoryCreateInput,
    output=WorkOrderCategoryRead,
    kind="work_order_category",
    action="create",
    summary="Add a node to an association's work-order classifier",
)
async def create_work_order_category(ctx: OperationContext, data: WorkOrderCategoryCreateInput) -> WorkOrderCategoryRead:
    """Add a place (no parent), a category under a place or a problem under a
    category (INVALID_CLASSIFIER_PARENT otherwise); names are unique under
    their parent (CATEGORY_EXISTS)."""
    await require(ctx.session, Association, data.association_id, "associationId")
    parent = await require(ctx.session, WorkOrderCategory, data.parent_id, "parentId") if data.parent_id else None
    row = await categories.create(ctx.session, org(ctx), data.association_id, parent, data.level, data.name)
    ctx.audit_summary = {"level": row.level.value, "name": row.name}
    return WorkOrderCategoryRead.model_validate(row)


@operation(
    "workOrderCategory/v1/installDefaults",
    input=WorkOrderCategoryInstallInput,
    output=WorkOrderCategoryInstallResult,
    kind="work_order_category",
    action="create",
    summary="Install the default work-order classifier",
)
async def install_work_order_categories(
    ctx: OperationContext, data: WorkOrderCategoryInstallInput
) -> WorkOrderCategoryInstallResult:
    """Add the default places, categories and problems (common area,
    building exterior, unit; landscaping, lighting, pool, roof, plumbing…) that
    the association's classifier lacks; nodes already there, and the
    association's own, stay as they are."""
    await require(ctx.session, Association, data.association_id, "associationId")
    added, total = await categories.install_defaults(ctx.session, org(ctx), data.association_id)
    ctx.audit_summary = {"added": added, "total": total}
    return WorkOrderCategoryInstallResult(association_id=data.association_id, added=added, total=total)


@operation(
    "workOrderCategory/v1/list",
    input=WorkOrderCategoryListInput,
    output=WorkOrderCategoryConnection,
    kind="work_order_category",
    action="list",
    mutates=False,
    graphql_name="workOrderCategories",
    summary="List an association's work-order classifier",
)
async def list_work_order_categories(ctx: OperationContext, data: WorkOrderCategoryListInput) -> WorkOrderCategoryConnection:
    """An association's classifier nodes by name, optionally of one level or under one parent."""
    await require(ctx.session, Association, data.association_id, "associationId")
    rows, page = await categories.page(ctx.session, data, await ctx.visible("work_order_category", "read", WorkOrderCategory))
    return as_connection(WorkOrderCategoryConnection, rows, page)
