"""Work orders of an association: requests for work on a common area or a unit,
classified (place / category / problem), prioritized, with response and
completion deadlines from the association's settings, and a lifecycle whose
every transition is a row.

History is kept by the database: transitions, comments, notices and the
parties linked at creation are append-only for the application role; a work
order itself is never deleted (canceling is a transition).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.jobs.models import EstimateFields, EstimateLineFields
from domains.payables import models as _payables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id

MINUTES = Numeric(10, 2)


class WorkOrderPriority(StrEnum):
    """How soon the work is needed, which sets its deadlines: routine, urgent,
    emergency, or warranty work (a defect the builder or a vendor must fix)."""

    ROUTINE = "routine"
    """Routine work, the longest deadlines."""
    URGENT = "urgent"
    """Urgent work, shorter deadlines."""
    EMERGENCY = "emergency"
    """An emergency, the shortest deadlines."""
    WARRANTY = "warranty"
    """A defect the builder or a vendor must fix under warranty."""


class WorkOrderStatus(StrEnum):
    """Where a work order is in its lifecycle (see service/lifecycle.py for the state map)."""

    RECEIVED = "received"
    """Opened, not yet looked at."""
    REVIEW = "review"
    """Being reviewed (or reopened)."""
    NOT_RESPONSIBLE = "not_responsible"
    """Not the association's to fix; the requester is to be told."""
    REQUESTER_TOLD = "requester_told"
    """The requester was told the association is not responsible."""
    CLOSED = "closed"
    """Closed without work (terminal)."""
    ESTIMATES_REQUESTED = "estimates_requested"
    """Estimates asked of vendors."""
    ESTIMATES_RECEIVED = "estimates_received"
    """Estimates in, to choose from."""
    VENDOR_CHOSEN = "vendor_chosen"
    """A vendor is chosen."""
    ASSIGNED = "assigned"
    """Assigned to the vendor."""
    SCHEDULED = "scheduled"
    """The vendor set a date."""
    IN_PROGRESS = "in_progress"
    """Work has started."""
    WORK_DONE = "work_done"
    """The vendor reports the work done."""
    COMPLETED = "completed"
    """Completed, to be billed."""
    COMPLETED_NO_BILL = "completed_no_bill"
    """Completed with nothing to bill."""
    CANCELED = "canceled"
    """Canceled (terminal)."""


class RequesterKind(StrEnum):
    """Who opened the work order: staff (admin, manager), the board, an owner or
    tenant of the association, or an integration (service account)."""

    STAFF = "staff"
    """Staff: an admin or manager."""
    BOARD = "board"
    """A board member."""
    OWNER = "owner"
    """An owner of the unit."""
    TENANT = "tenant"
    """A tenant of the unit."""
    INTEGRATION = "integration"
    """An integration (service account)."""


class ClassifierLevel(StrEnum):
    """A level of the classifier: where (place), what kind of work (category),
    what is wrong (problem)."""

    PLACE = "place"
    """Where: e.g. a unit's kitchen, the pool."""
    CATEGORY = "category"
    """What kind of work: e.g. plumbing."""
    PROBLEM = "problem"
    """What is wrong: e.g. a leak."""


class CommentVisibility(StrEnum):
    """Who reads a comment: staff, the board and the provider only (internal), or
    the requester too."""

    INTERNAL = "internal"
    """Staff, the board and the provider only."""
    REQUESTER = "requester"
    """The requester reads it too."""


class PartyRelation(StrEnum):
    """How a party linked to a work order relates to its unit."""

    OWNER = "owner"
    RESIDENT = "resident"


class NoticeEvent(StrEnum):
    """What a notice tells."""

    RESPONSE_OVERDUE = "response_overdue"
    """The response deadline passed without a decision."""
    COMPLETION_OVERDUE = "completion_overdue"
    """The completion deadline passed with the work not done."""
    NOT_RESPONSIBLE = "not_responsible"
    """The association is not responsible for this work."""
    VENDOR_ASSIGNED = "vendor_assigned"
    """A vendor was assigned."""
    COMPLETED = "completed"
    """The work order was completed."""
    REOPENED = "reopened"
    """The work order was reopened."""


class NoticeAudience(StrEnum):
    """Who a notice is for."""

    STAFF = "staff"
    """The association's staff."""
    REQUESTER = "requester"
    """Whoever opened the work order."""


class ActorKind(StrEnum):
    """Who made a transition: a user, a service account, or the work order's workflow."""

    USER = "user"
    """A user."""
    SERVICE_ACCOUNT = "service_account"
    """A service account."""
    WORKFLOW = "workflow"
    """The work order's own workflow."""


class DispatchStatus(StrEnum):
    """Where a dispatch to a provider is: sent, then as the provider answers."""

    SENT = "sent"
    """Sent to the provider, not yet answered."""
    ACCEPTED = "accepted"
    """The provider accepted."""
    DECLINED = "declined"
    """The provider declined."""
    SCHEDULED = "scheduled"
    """The provider set a date."""
    IN_PROGRESS = "in_progress"
    """Work has started."""
    WORK_DONE = "work_done"
    """The provider reports the work done."""
    CANCELED = "canceled"
    """Withdrawn."""


class WorkOrderSettings(Booked, Base):
    """An association's work-order deadlines, in minutes from the request, per
    priority, and how long a completed work order may be reopened. Made with the
    defaults when the association's first work order is opened."""

    __tablename__ = "work_order_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    routine_response_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Routine: minutes to decide what to do.")
    routine_completion_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Routine: minutes to get the work done.")
    urgent_response_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Urgent: minutes to decide what to do.")
    urgent_completion_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Urgent: minutes to get the work done.")
    emergency_response_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Emergency: minutes to decide what to do.")
    emergency_completion_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Emergency: minutes to get the work done.")
    warranty_response_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Warranty: minutes to decide what to do.")
    warranty_completion_minutes: Mapped[Decimal] = mapped_column(MINUTES, doc="Warranty: minutes to get the work done.")
    reopen_window_days: Mapped[int] = mapped_column(
        SmallInteger, doc="Days after completion during which the work order may be reopened."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID | None] = mapped_column(doc="Who last changed them; null while they are the defaults.")


class WorkOrderCategory(TimestampMixin, Booked, Base):
    """One node of an association's classifier: a place (no parent), a category
    of work under a place, or a problem under a category."""

    __tablename__ = "work_order_categories"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "parent_id", "name", postgresql_nulls_not_distinct=True),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("parent_id", "work_order_categories"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The classifier node's id.")
    parent_id: Mapped[UUID | None] = mapped_column(doc="The node above (a place above a category, a category above a problem).")
    level: Mapped[ClassifierLevel] = mapped_column(
        pg_enum(ClassifierLevel, "work_order_classifier_level"), doc="Place, category or problem."
    )
    name: Mapped[str] = mapped_column(String(100), doc="Name, unique under its parent.")


class WorkOrder(TimestampMixin, Booked, Base):
    """A request for work on a common area or a unit of an association."""

    __tablename__ = "work_orders"
    # The policies read who may see it: staff, the unit's owners and residents, the requester.
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "unit_id": "unit_id",
        "user_id": "requester_user_id",
        "status": "status",
    }
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("unit_id", "units"),
        association_fk("category_id", "work_order_categories"),
        tenant_fk("requester_party_id", "parties"),
        tenant_fk("vendor_id", "vendors"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The work order's id.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit the work is for; null for a common area.")
    location: Mapped[str | None] = mapped_column(String(200), doc="Where exactly (e.g. 'pool gate', 'unit 4 balcony').")
    title: Mapped[str] = mapped_column(String(200), doc="Short summary of the problem.")
    description: Mapped[str | None] = mapped_column(String(4000), doc="What is wrong, in the requester's words.")
    category_id: Mapped[UUID | None] = mapped_column(doc="The classifier node (place, category or problem) it falls under.")
    priority: Mapped[WorkOrderPriority] = mapped_column(
        pg_enum(WorkOrderPriority, "work_order_priority"), doc="Routine, urgent, emergency or warranty."
    )
    status: Mapped[WorkOrderStatus] = mapped_column(pg_enum(WorkOrderStatus, "work_order_status"), doc="Lifecycle state.")
    requester_kind: Mapped[RequesterKind] = mapped_column(
        pg_enum(RequesterKind, "work_order_requester_kind"), doc="Who opened it: staff, board, owner, tenant or integration."
    )
    requester_user_id: Mapped[UUID | None] = mapped_column(doc="The user who opened it (null for an integration).")
    requester_party_id: Mapped[UUID | None] = mapped_column(doc="The requester's party in the organization, if they have one.")
    vendor_id: Mapped[UUID | None] = mapped_column(doc="The vendor chosen for the work, once chosen.")
    document_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid),
        server_default="{}",
        doc="Its photos and documents: of the association's library or the organization's own.",
    )
    respond_by: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), doc="Deadline for deciding what to do (from the association's settings)."
    )
    complete_by: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), doc="Deadline for the work to be done (from the association's settings)."
    )
    response_escalated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the response deadline passed unmet and was escalated."
    )
    completion_escalated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the completion deadline passed unmet and was escalated."
    )
    escalated: Mapped[bool] = mapped_column(
        Boolean,
        Computed("response_escalated_at IS NOT NULL OR completion_escalated_at IS NOT NULL", persisted=True),
        doc="True once a deadline passed unmet (shown in lists and dashboards).",
    )
    completed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When it was last completed; it may be reopened for the association's window after."
    )
    feedback_score: Mapped[int | None] = mapped_column(SmallInteger, doc="The requester's score after completion, 1–5.")
    feedback_note: Mapped[str | None] = mapped_column(String(1000), doc="The requester's note with the score.")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its lifecycle workflow; see `workflow(id:)`.")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that opened it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class WorkOrderParty(TimestampMixin, Booked, Base):
    """A party linked to a unit's work order when it was opened: the unit's
    owners and residents on that day."""

    __tablename__ = "work_order_parties"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "work_order_id", "party_id", "relation"),
        association_fk("work_order_id", "work_orders"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The link's id.")
    work_order_id: Mapped[UUID] = mapped_column(doc="The work order.")
    party_id: Mapped[UUID] = mapped_column(doc="The owner or resident.")
    relation: Mapped[PartyRelation] = mapped_column(
        pg_enum(PartyRelation, "work_order_party_relation"), doc="Owner or resident of the unit."
    )


class _OfWorkOrder:
    """Rows under a work order carry its unit and requester, so the policies
    decide them alone (a `node` lookup) exactly as they decide the work order."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "unit_id": "unit_id",
        "user_id": "requester_user_id",
    }
    work_order_id: Mapped[UUID] = mapped_column(doc="The work order.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The work order's unit (null for a common area).")
    requester_user_id: Mapped[UUID | None] = mapped_column(doc="The work order's requester.")


class WorkOrderTransition(_OfWorkOrder, TimestampMixin, Booked, Base):
    """One step of a work order's lifecycle, kept for good: from, to, who, when, why."""

    __tablename__ = "work_order_transitions"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("work_order_id", "work_orders"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    from_status: Mapped[WorkOrderStatus | None] = mapped_column(
        pg_enum(WorkOrderStatus, "work_order_status"), doc="State before (null for the opening)."
    )
    to_status: Mapped[WorkOrderStatus] = mapped_column(pg_enum(WorkOrderStatus, "work_order_status"), doc="State after.")
    actor_kind: Mapped[ActorKind] = mapped_column(
        pg_enum(ActorKind, "work_order_actor_kind"), doc="A user, a service account or the workflow."
    )
    actor_id: Mapped[UUID] = mapped_column(doc="Who made it (the nil uuid for the workflow).")
    note: Mapped[str | None] = mapped_column(String(1000), doc="Why.")


class WorkOrderComment(_OfWorkOrder, TimestampMixin, Booked, Base):
    """A comment on a work order: internal (staff, board, provider) or visible to the requester."""

    __tablename__ = "work_order_comments"
    __cerbos_attrs__: ClassVar[dict[str, str]] = _OfWorkOrder.__cerbos_attrs__ | {"visibility": "visibility"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("work_order_id", "work_orders"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The comment's id.")
    body: Mapped[str] = mapped_column(String(4000), doc="The comment.")
    visibility: Mapped[CommentVisibility] = mapped_column(
        pg_enum(CommentVisibility, "work_order_comment_visibility"), doc="Internal, or visible to the requester."
    )
    author_id: Mapped[UUID] = mapped_column(doc="User or service account that wrote it.")


class WorkOrderNotice(_OfWorkOrder, TimestampMixin, Booked, Base):
    """A notification record: what someone was (or is to be) told about a work
    order — an escalation for staff, a decision for the requester."""

    __tablename__ = "work_order_notices"
    __cerbos_attrs__: ClassVar[dict[str, str]] = _OfWorkOrder.__cerbos_attrs__ | {"audience": "audience"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("work_order_id", "work_orders"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The notice's id.")
    event: Mapped[NoticeEvent] = mapped_column(pg_enum(NoticeEvent, "work_order_notice_event"), doc="What it tells.")
    audience: Mapped[NoticeAudience] = mapped_column(
        pg_enum(NoticeAudience, "work_order_notice_audience"), doc="Staff or the requester."
    )
    message: Mapped[str] = mapped_column(String(500), doc="The text of the notice.")


class WorkOrderDispatch(TimestampMixin, Booked, Base):
    """A work order sent to a vendor that is a service-provider organization: this
    side's record of the job in the provider's organization (same id) and of the
    provider's answers."""

    __tablename__ = "work_order_dispatches"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("work_order_id", "work_orders"),
        tenant_fk("vendor_id", "vendors"),
        association_fk("invoice_id", "invoices"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The dispatch's id (also its job's).")
    work_order_id: Mapped[UUID] = mapped_column(doc="The work order.")
    vendor_id: Mapped[UUID] = mapped_column(doc="The vendor it went to.")
    provider_organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The vendor's service-provider organization, where the job is."
    )
    status: Mapped[DispatchStatus] = mapped_column(
        pg_enum(DispatchStatus, "work_order_dispatch_status"), doc="Sent, then the provider's latest answer."
    )
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="The visit the provider scheduled.")
    provider_note: Mapped[str | None] = mapped_column(String(1000), doc="The provider's latest note (a decline's reason…).")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of the dispatch workflow; see `workflow(id:)`.")
    invoice_id: Mapped[UUID | None] = mapped_column(
        doc="The payables invoice the provider's latest invoice became (same id as the provider's)."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class WorkOrderEstimate(EstimateFields, TimestampMixin, Booked, Base):
    """A revision of a provider's estimate for a dispatched work order: the
    association's copy (same id as the provider's), written by the dispatch
    workflow, and the association's decision on it."""

    __tablename__ = "work_order_estimates"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "status": "status"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "dispatch_id", "revision"),
        association_fk("work_order_id", "work_orders"),
        tenant_fk("dispatch_id", "work_order_dispatches"),
        tenant_fk("vendor_id", "vendors"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The estimate's id (also the provider's).")
    work_order_id: Mapped[UUID] = mapped_column(doc="The work order.")
    dispatch_id: Mapped[UUID] = mapped_column(doc="The dispatch it answers.")
    vendor_id: Mapped[UUID] = mapped_column(doc="The vendor that sent it.")
    decided_by: Mapped[UUID | None] = mapped_column(doc="User or service account that approved or declined it.")


class WorkOrderEstimateLine(EstimateLineFields, Booked, Base):
    """A line of a provider's estimate, as the association received it."""

    __tablename__ = "work_order_estimate_lines"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "estimate_id", "line_no"),
        association_fk("estimate_id", "work_order_estimates", deferrable=True, initially="DEFERRED"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    estimate_id: Mapped[UUID] = mapped_column(doc="The estimate.")


OPEN = frozenset(
    {
        WorkOrderStatus.RECEIVED,
        WorkOrderStatus.REVIEW,
        WorkOrderStatus.ESTIMATES_REQUESTED,
        WorkOrderStatus.ESTIMATES_RECEIVED,
        WorkOrderStatus.VENDOR_CHOSEN,
        WorkOrderStatus.ASSIGNED,
        WorkOrderStatus.SCHEDULED,
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.WORK_DONE,
    }
)

WorkOrderSettingsId = register_id(WorkOrderSettings, "wos", "work_order_settings")
WorkOrderCategoryId = register_id(WorkOrderCategory, "woc", "work_order_category")
WorkOrderId = register_id(WorkOrder, "wo", "work_order")
WorkOrderPartyId = register_id(WorkOrderParty, "wop", "work_order")
WorkOrderTransitionId = register_id(WorkOrderTransition, "wot", "work_order")
WorkOrderCommentId = register_id(WorkOrderComment, "wcm", "work_order_comment")
WorkOrderDispatchId = register_id(WorkOrderDispatch, "wod", "work_order_dispatch")
WorkOrderNoticeId = register_id(WorkOrderNotice, "won", "work_order_notice")
WorkOrderEstimateId = register_id(WorkOrderEstimate, "woe", "work_order_estimate")
WorkOrderEstimateLineId = register_id(WorkOrderEstimateLine, "wel", "work_order_estimate")
