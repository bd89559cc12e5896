"""GraphQL relation fields of the work-orders domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.documents.types import attached
from domains.work_orders import loaders
from domains.work_orders.models import WorkOrderEstimate, WorkOrderEstimateLine, WorkOrderTransition
from domains.work_orders.schemas import (
    WorkOrderCategoryRead,
    WorkOrderCommentRead,
    WorkOrderDispatchRead,
    WorkOrderEstimateLineRead,
    WorkOrderEstimateRead,
    WorkOrderNoticeRead,
    WorkOrderRead,
    WorkOrderTransitionRead,
)
from graph.gqltypes import extend, latest, output_type, to_many, to_one


@extend(WorkOrderRead)
class WorkOrderRelations:
    unit = to_one("The unit the work is for; null for a common area.")
    category = to_one("The classifier node it falls under.")

    association = to_one("The association.", kind="association")
    documents = attached("document_ids", "Its photos and documents, as `documentIds` names them (those you may read).")

    vendor = to_one("The vendor chosen for the work (null until chosen, or if you may not see vendors).", kind="vendor")
    requester_party = to_one("The requester's party (null if they have none here, or if you may not see it).", kind="party")
    transitions = to_many(
        WorkOrderTransition,
        "work_order_id",
        "WorkOrderTransitionType",
        "Its lifecycle so far, oldest transition first.",
        order_by=lambda: [WorkOrderTransition.created_at],
    )
    last_transition = latest(
        WorkOrderTransition,
        "work_order_id",
        "WorkOrderTransitionType",
        "Its latest transition.",
        newest_first=lambda: [WorkOrderTransition.created_at.desc()],
    )

    @strawberry.field(description="Comments you may read, oldest first (owners and tenants: those visible to the requester).")
    def comments(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderCommentType]:
        return loaders.comments(info.context).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Notification records about it, oldest first (owners and tenants: those for the requester).")
    def notices(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderNoticeType]:
        return loaders.notices(info.context).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Its dispatches to service providers, oldest first (staff only).")
    def dispatches(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderDispatchType]:
        return loaders.dispatches_of(info.context).load(root.id)  # type: ignore[return-value]

    estimates = to_many(
        WorkOrderEstimate,
        "work_order_id",
        "WorkOrderEstimateType",
        "Providers' estimates for it, every revision, oldest first (staff and the board).",
        order_by=lambda: [WorkOrderEstimate.created_at, WorkOrderEstimate.revision],
        kind="work_order_estimate",
    )


@extend(WorkOrderEstimateRead)
class WorkOrderEstimateRelations:
    vendor = to_one("The vendor that sent it.", kind="vendor")
    lines = to_many(
        WorkOrderEstimateLine,
        "estimate_id",
        "WorkOrderEstimateLineType",
        "Its lines, in order.",
        order_by=lambda: [WorkOrderEstimateLine.line_no],
    )


@extend(WorkOrderDispatchRead)
class WorkOrderDispatchRelations:
    vendor = to_one("The vendor it went to.")
    invoice = to_one(
        "The payables invoice the provider's invoice became (null until one is entered, or if you may not see invoices).",
        kind="invoice",
    )


@extend(WorkOrderCategoryRead)
class WorkOrderCategoryRelations:
    parent = to_one("The node above (null for a place).")


# Built after every extension: return annotations above name these lazily.
WorkOrderTransitionType = output_type(WorkOrderTransitionRead)
WorkOrderCommentType = output_type(WorkOrderCommentRead)
WorkOrderNoticeType = output_type(WorkOrderNoticeRead)
WorkOrderDispatchType = output_type(WorkOrderDispatchRead)
WorkOrderEstimateLineType = output_type(WorkOrderEstimateLineRead)
WorkOrderEstimateType = output_type(WorkOrderEstimateRead)
WorkOrderCategoryType = output_type(WorkOrderCategoryRead)
WorkOrderType = output_type(WorkOrderRead)
