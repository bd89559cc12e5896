"""API models of the work-orders domain, derived from its tables."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from domains.associations.models import AssociationId, UnitId
from domains.documents.models import DocumentId
from domains.documents.schemas import attached_ids
from domains.jobs.models import EstimateStatus
from domains.jobs.schemas import ESTIMATE, ESTIMATE_LINE
from domains.payables.models import VendorId
from domains.work_orders.models import (
    ClassifierLevel,
    CommentVisibility,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderCategoryId,
    WorkOrderComment,
    WorkOrderDispatch,
    WorkOrderEstimate,
    WorkOrderEstimateId,
    WorkOrderEstimateLine,
    WorkOrderId,
    WorkOrderNotice,
    WorkOrderPriority,
    WorkOrderSettings,
    WorkOrderStatus,
    WorkOrderTransition,
)
from graph.schemas import ApiModel, connection_model, derive

_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
_MINUTES: dict[str, Any] = {"gt": 0, "max_digits": 10, "decimal_places": 2}

# --- settings ---------------------------------------------------------------

_DEADLINES = [f"{p.value}_{d}_minutes" for p in WorkOrderPriority for d in ("response", "completion")]

WorkOrderSettingsRead = derive(
    WorkOrderSettings,
    "WorkOrderSettings",
    ["association_id", *_DEADLINES, "reopen_window_days", "updated_at", "updated_by"],
    optional=("updated_at",),
    doc="An association's work-order deadlines per priority (minutes from the request) and reopen window. "
    "Until set, the defaults: routine 2 days / 14 days, urgent 4 hours / 3 days, emergency 1 hour / 1 day, "
    "warranty 3 days / 30 days; reopen within 14 days.",
)
WorkOrderSettingsSetInput = derive(
    WorkOrderSettings,
    "WorkOrderSettingsSetInput",
    ["association_id", *_DEADLINES, "reopen_window_days"],
    doc="Set an association's deadlines; only the fields given change. Applies to work orders opened from now on.",
    optional=(*_DEADLINES, "reopen_window_days"),
    constraints=dict.fromkeys(_DEADLINES, _MINUTES) | {"reopen_window_days": {"ge": 0, "le": 365}},
    examples=[{"associationId": "asn_…", "emergencyResponseMinutes": "30", "reopenWindowDays": 30}],
)


class WorkOrderSettingsGetInput(ApiModel):
    """Whose settings to read."""

    association_id: AssociationId = Field(description="The association.")


# --- classifier -------------------------------------------------------------

WorkOrderCategoryRead = derive(
    WorkOrderCategory,
    "WorkOrderCategory",
    ["id", "association_id", "parent_id", "level", "name", "created_at"],
    node=True,
)
WorkOrderCategoryCreateInput = derive(
    WorkOrderCategory,
    "WorkOrderCategoryCreateInput",
    ["association_id", "parent_id", "level", "name"],
    doc="A node of the classifier: a place (no parent), a category under a place, or a problem under a category.",
    constraints={"name": _TRIMMED},
    examples=[{"associationId": "asn_…", "parentId": "woc_…", "level": "category", "name": "Irrigation"}],
)


class WorkOrderCategoryListInput(ApiModel):
    """An association's classifier, places first, then categories, then problems, by name."""

    association_id: AssociationId = Field(description="The association.")
    level: ClassifierLevel | None = Field(None, description="Only nodes of this level.")
    parent_id: WorkOrderCategoryId | None = Field(None, description="Only the nodes under this one.")
    first: int = Field(100, ge=1, le=100, description="Page size, 1–100 (default 100).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


class WorkOrderCategoryInstallInput(ApiModel):
    """Install the default classifier in an association (what is there already stays)."""

    association_id: AssociationId = Field(description="The association.")


class WorkOrderCategoryInstallResult(ApiModel):
    """What the default classifier added."""

    association_id: AssociationId = Field(description="The association.")
    added: int = Field(description="Nodes added (0 when the defaults were all there).")
    total: int = Field(description="Nodes the association's classifier holds now.")


WorkOrderCategoryConnection = connection_model(WorkOrderCategoryRead)

# --- work orders ------------------------------------------------------------

WorkOrderTransitionRead = derive(
    WorkOrderTransition,
    "WorkOrderTransition",
    ["id", "work_order_id", "from_status", "to_status", "actor_kind", "actor_id", "note", "created_at"],
    node=True,
)
WorkOrderCommentRead = derive(
    WorkOrderComment,
    "WorkOrderComment",
    ["id", "work_order_id", "body", "visibility", "author_id", "created_at"],
    node=True,
)
WorkOrderNoticeRead = derive(
    WorkOrderNotice,
    "WorkOrderNotice",
    ["id", "work_order_id", "event", "audience", "message", "created_at"],
    node=True,
)

WorkOrderDispatchRead = derive(
    WorkOrderDispatch,
    "WorkOrderDispatch",
    [
        "id",
        "work_order_id",
        "vendor_id",
        "provider_organization_id",
        "status",
        "scheduled_for",
        "provider_note",
        "workflow_id",
        "invoice_id",
        "created_at",
        "updated_at",
    ],
    node=True,
)

WorkOrderRead = derive(
    WorkOrder,
    "WorkOrder",
    [
        "id",
        "organization_id",
        "association_id",
        "unit_id",
        "location",
        "title",
        "description",
        "category_id",
        "priority",
        "status",
        "requester_kind",
        "requester_user_id",
        "requester_party_id",
        "vendor_id",
        "respond_by",
        "complete_by",
        "response_escalated_at",
        "completion_escalated_at",
        "escalated",
        "completed_at",
        "feedback_score",
        "feedback_note",
        "workflow_id",
        "created_by",
        "created_at",
        "updated_at",
    ],
    extra={
        "document_ids": (
            list[DocumentId],
            Field(default_factory=list, description="Its photos and documents, by id (see `documents`)."),
        )
    },
    node=True,
)
WorkOrderCreateInput = derive(
    WorkOrder,
    "WorkOrderCreateInput",
    ["association_id", "unit_id", "location", "title", "description", "category_id", "priority"],
    doc="A request for work. For a unit, the unit's current owners and residents are linked to it; for a common area "
    "(no unit), `location` says where. Staff, the board and integrations open any; an owner or tenant opens one "
    "for their own unit or a common area of their association.",
    constraints={"title": _TRIMMED},
    extra={
        "document_ids": (list[DocumentId], attached_ids("Photos and documents about the request")),
    },
    examples=[
        {
            "associationId": "asn_…",
            "location": "Pool gate",
            "title": "Gate latch broken",
            "description": "The pool gate does not close by itself any more.",
            "priority": "urgent",
        }
    ],
)


class WorkOrderGetInput(ApiModel):
    """Which work order to read."""

    id: WorkOrderId = Field(description="The work order.")


class WorkOrderListInput(ApiModel):
    """Work orders the caller may see, newest first; across every association of
    the organization unless one is named."""

    association_id: AssociationId | None = Field(None, description="Only this association's work orders.")
    unit_id: UnitId | None = Field(None, description="Only this unit's work orders.")
    status: WorkOrderStatus | None = Field(None, description="Only work orders in this state.")
    open: bool | None = Field(None, description="Only open (true) or finished (false) work orders.")
    priority: WorkOrderPriority | None = Field(None, description="Only this priority.")
    escalated: bool | None = Field(None, description="Only work orders with a missed deadline (true) or without (false).")
    vendor_id: VendorId | None = Field(None, description="Only work orders assigned to this vendor.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


WorkOrderConnection = connection_model(WorkOrderRead)


class WorkOrderTransitionInput(ApiModel):
    """Move a work order along its lifecycle. The state map decides which moves
    exist (ILLEGAL_TRANSITION otherwise)."""

    id: WorkOrderId = Field(description="The work order.")
    to: WorkOrderStatus = Field(description="The state to move to.")
    note: str | None = Field(None, max_length=1000, description="Why (kept with the transition).")
    vendor_id: VendorId | None = Field(None, description="The vendor chosen: required to move to `vendor_chosen`.")
    vendor_ids: list[VendorId] = Field(
        default_factory=list,
        max_length=10,
        description="With `estimates_requested`: the vendors asked for an estimate (up to 10); each that is a "
        "service-provider organization gets a job to estimate.",
    )


class WorkOrderReopenInput(ApiModel):
    """Reopen a completed work order (back to review) within the association's window."""

    id: WorkOrderId = Field(description="The work order.")
    reason: str = Field(min_length=1, max_length=1000, description="What is still wrong.")


class WorkOrderFeedbackInput(ApiModel):
    """The requester's score of the work, once completed."""

    id: WorkOrderId = Field(description="The work order.")
    score: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")
    note: str | None = Field(None, max_length=1000, description="What went well or badly.")


# --- comments ---------------------------------------------------------------

WorkOrderCommentCreateInput = derive(
    WorkOrderComment,
    "WorkOrderCommentCreateInput",
    ["work_order_id", "body", "visibility"],
    doc="A comment on a work order. Internal comments (staff, board) are not shown to the requester; "
    "owners and tenants write comments visible to the requester only.",
    constraints={"body": _TRIMMED},
    examples=[{"workOrderId": "wo_…", "body": "Vendor will come Tuesday morning.", "visibility": "requester"}],
)


class WorkOrderCommentListInput(ApiModel):
    """A work order's comments the caller may read, oldest first."""

    work_order_id: WorkOrderId = Field(description="The work order.")
    visibility: CommentVisibility | None = Field(None, description="Only comments of this visibility.")
    first: int = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


WorkOrderCommentConnection = connection_model(WorkOrderCommentRead)


# --- estimates --------------------------------------------------------------

WorkOrderEstimateLineRead = derive(
    WorkOrderEstimateLine, "WorkOrderEstimateLine", ["id", "estimate_id", *ESTIMATE_LINE], node=True
)
WorkOrderEstimateRead = derive(
    WorkOrderEstimate,
    "WorkOrderEstimate",
    ["id", "work_order_id", "dispatch_id", "vendor_id", *ESTIMATE, "decided_by"],
    node=True,
    extra={"lines": (list[WorkOrderEstimateLineRead], Field(default_factory=list, description="Its lines, in order."))},
)


class WorkOrderEstimateGetInput(ApiModel):
    """Which estimate to read."""

    id: WorkOrderEstimateId = Field(description="The estimate (one revision).")


class WorkOrderEstimateListInput(ApiModel):
    """A work order's estimates from every vendor, every revision, oldest first."""

    work_order_id: WorkOrderId = Field(description="The work order.")
    status: EstimateStatus | None = Field(None, description="Only revisions in this state.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


WorkOrderEstimateConnection = connection_model(WorkOrderEstimateRead)


class WorkOrderEstimateDecideInput(ApiModel):
    """Approve or decline a revision of an estimate."""

    id: WorkOrderEstimateId = Field(description="The estimate (one revision, awaiting a decision).")
    note: str | None = Field(None, max_length=1000, description="A note for the provider (a decline's reason).")
