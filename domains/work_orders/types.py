"""GraphQL relation fields of the work-orders domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.associations.types import PartyType
from domains.payables.types import VendorType
from domains.work_orders import loaders
from domains.work_orders.schemas import (
    WorkOrderCategoryRead,
    WorkOrderCommentRead,
    WorkOrderDispatchRead,
    WorkOrderNoticeRead,
    WorkOrderRead,
    WorkOrderTransitionRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(WorkOrderRead)
class WorkOrderRelations:
    unit = to_one("The unit the work is for; null for a common area.")
    category = to_one("The classifier node it falls under.")

    association = to_one("The association.", kind="association")

    @strawberry.field(description="The vendor chosen for the work (null until chosen, or if you may not see vendors).")
    def vendor(self, root: strawberry.Parent[Any], info: strawberry.Info) -> VendorType | None:
        return None if root.vendor_id is None else loaders.vendors_visible(info.context).load(root.vendor_id)

    @strawberry.field(description="The requester's party (null if they have none here, or if you may not see it).")
    def requester_party(self, root: strawberry.Parent[Any], info: strawberry.Info) -> PartyType | None:
        party = root.requester_party_id
        return None if party is None else loaders.parties_visible(info.context).load(party)

    @strawberry.field(description="Its lifecycle so far, oldest transition first.")
    def transitions(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderTransitionType]:
        return loaders.transitions(info.context).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Its latest transition.")
    def last_transition(self, root: strawberry.Parent[Any], info: strawberry.Info) -> WorkOrderTransitionType | None:
        return loaders.last_transition(info.context).load(root.id)

    @strawberry.field(description="Comments you may read, oldest first (owners and tenants: those visible to the requester).")
    def comments(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderCommentType]:
        return loaders.comments(info.context).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Notification records about it, oldest first (owners and tenants: those for the requester).")
    def notices(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderNoticeType]:
        return loaders.notices(info.context).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Its dispatches to service providers, oldest first (staff only).")
    def dispatches(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[WorkOrderDispatchType]:
        return loaders.dispatches_of(info.context).load(root.id)  # type: ignore[return-value]


@extend(WorkOrderDispatchRead)
class WorkOrderDispatchRelations:
    vendor = to_one("The vendor it went to.")


@extend(WorkOrderCategoryRead)
class WorkOrderCategoryRelations:
    parent = to_one("The node above (null for a place).")


# Built after every extension: return annotations above name these lazily.
WorkOrderTransitionType = output_type(WorkOrderTransitionRead)
WorkOrderCommentType = output_type(WorkOrderCommentRead)
WorkOrderNoticeType = output_type(WorkOrderNoticeRead)
WorkOrderDispatchType = output_type(WorkOrderDispatchRead)
WorkOrderCategoryType = output_type(WorkOrderCategoryRead)
WorkOrderType = output_type(WorkOrderRead)
