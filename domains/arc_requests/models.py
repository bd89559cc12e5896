"""Architectural review: each association's review settings (naming its
committee, one of governance's bodies), the requests owners submit for their
units, the committee's votes and every step of a request's lifecycle.

A request keeps the jurisdiction rules in force the day it was submitted
(`rulesUsed`) and its decision deadline from them (arc_decision_days, or
solar_arc_decision_days for a solar project); its workflow deems it approved
when the deadline passes without a decision, where the rules say so. History
is kept: votes and events are append-only for the application role; of a
request only its current-state columns change, with the event saying why.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.governance import models as _governance  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum
from graph.schemas import register_id


class ArcDecisionMode(StrEnum):
    """How the committee decides: by its members' votes, or by its chair alone."""

    VOTE = "vote"
    """The committee's members vote; the votes required decide by majority."""
    CHAIR = "chair"
    """The committee's chair decides alone."""


class ArcClock(StrEnum):
    """What a request for more information does to the decision deadline: pause
    it until the owner replies, or restart it from the reply."""

    PAUSE = "pause"
    """The deadline stops while the owner is asked for more information and resumes at the reply."""
    RESTART = "restart"
    """The deadline starts again in full from the owner's reply."""


class ArcSettings(Booked, Base):
    """How an association reviews architectural requests. Never set: votes, one
    vote decides, no neighbour acknowledgements, the clock pauses, no inspection."""

    __tablename__ = "arc_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("committee_body_id", "governing_bodies", name="arc_settings_committee_body_fkey"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    decision_mode: Mapped[ArcDecisionMode] = mapped_column(
        pg_enum(ArcDecisionMode, "arc_decision_mode"), doc="Committee votes, or the chair decides."
    )
    votes_required: Mapped[int] = mapped_column(
        SmallInteger, doc="Votes that decide a request (mode vote): the majority of them."
    )
    neighbor_acknowledgements_required: Mapped[bool] = mapped_column(
        Boolean, doc="A request needs the neighbours' acknowledgements to be complete."
    )
    more_info_clock: Mapped[ArcClock] = mapped_column(
        pg_enum(ArcClock, "arc_clock"), doc="A request for more information pauses the deadline, or restarts it on the reply."
    )
    inspection_required: Mapped[bool] = mapped_column(Boolean, doc="Finished work is inspected before the request is completed.")
    committee_body_id: Mapped[UUID | None] = mapped_column(
        doc="The association's architectural committee: one of its governing bodies (a committee); "
        "its members are whoever holds a term on it today, its chair the holder of its chair office."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed them.")


class ArcProjectType(StrEnum):
    """What the owner wants to build or change. Solar energy systems have their own statutory deadline."""

    SOLAR = "solar"
    """A solar energy system (its own statutory deadline, e.g. California Civil Code §714)."""
    ADDITION = "addition"
    """A room addition or other new structure."""
    FENCE = "fence"
    """A fence or wall."""
    LANDSCAPING = "landscaping"
    """Landscaping visible from outside."""
    PAINT = "paint"
    """Exterior paint or colour change."""
    ROOF = "roof"
    """A roof replacement or change of roofing material."""
    WINDOWS = "windows"
    """Windows or exterior doors."""
    OTHER = "other"
    """Anything else; the description says what."""


class ArcStatus(StrEnum):
    """Where a request is.

    submitted → under_review (complete) | more_info_requested → (owner's reply)
    under_review → approved | approved_with_conditions | denied (reasons; appeal
    where offered → appealed → approved | denied) | more_info_requested;
    undecided past its deadline → deemed_approved where the rules say so;
    approved → pending_inspection → completed; void from any undecided state."""

    SUBMITTED = "submitted"
    """Waiting for its completeness check."""
    UNDER_REVIEW = "under_review"
    """Complete, and before the committee."""
    MORE_INFO_REQUESTED = "more_info_requested"
    """Waiting for the owner's answer to a request for more information."""
    APPROVED = "approved"
    """Approved as submitted."""
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    """Approved, with conditions the work must meet."""
    DENIED = "denied"
    """Denied, with reasons (and an appeal where offered)."""
    DEEMED_APPROVED = "deemed_approved"
    """Approved by the rules because no decision came by the deadline."""
    APPEALED = "appealed"
    """A denial under appeal."""
    PENDING_INSPECTION = "pending_inspection"
    """Approved work reported complete, waiting for inspection."""
    COMPLETED = "completed"
    """The work is done and inspected."""
    VOID = "void"
    """Withdrawn or voided before a decision."""


UNDECIDED = frozenset({ArcStatus.SUBMITTED, ArcStatus.UNDER_REVIEW, ArcStatus.MORE_INFO_REQUESTED})
APPROVED = frozenset({ArcStatus.APPROVED, ArcStatus.APPROVED_WITH_CONDITIONS, ArcStatus.DEEMED_APPROVED})
ENDED = frozenset({ArcStatus.COMPLETED, ArcStatus.VOID})


class ArcRequest(TimestampMixin, Booked, Base):
    """An owner's request to change the exterior of their unit, from submission
    to completion, with the rules and the deadline it is decided under."""

    __tablename__ = "arc_requests"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "unit_id": "unit_id",
        "status": "status",
    }
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The request's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit the work is on.")
    submitted_by: Mapped[UUID] = mapped_column(doc="User or service account that submitted it.")
    project_type: Mapped[ArcProjectType] = mapped_column(pg_enum(ArcProjectType, "arc_project_type"), doc="What kind of work.")
    description: Mapped[str] = mapped_column(String(4000), doc="The work, as the owner describes it.")
    starts_on: Mapped[date | None] = mapped_column(Date, doc="Planned start of the work.")
    ends_on: Mapped[date | None] = mapped_column(Date, doc="Planned end of the work.")
    contractor: Mapped[str | None] = mapped_column(String(200), doc="Who does the work (name, license number).")
    document_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid), doc="Its plans and photos: documents of the association's library or the organization's own."
    )
    neighbor_acknowledgements: Mapped[list[Any]] = mapped_column(
        JSONB, doc="Neighbours who acknowledged the plans: name, unit number and day."
    )
    status: Mapped[ArcStatus] = mapped_column(pg_enum(ArcStatus, "arc_status"), doc="Where it is now.")
    jurisdiction: Mapped[str] = mapped_column(String(10), doc="The jurisdiction whose rules apply (e.g. US-CA, default).")
    rules_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The jurisdiction rules applied, by key: value, source, citation, statute version (effective date)."
    )
    submitted_on: Mapped[date] = mapped_column(Date, doc="Day it was submitted; the decision deadline runs from it.")
    decision_due_by: Mapped[date] = mapped_column(
        Date, doc="Last day to decide (moved by a request for more information as the settings say)."
    )
    deemed_approval: Mapped[bool] = mapped_column(
        Boolean, doc="Whether the request is deemed approved if undecided by its deadline (from the rules)."
    )
    paused_on: Mapped[date | None] = mapped_column(Date, doc="Day the clock stopped for more information, while it waits.")
    review_round: Mapped[int] = mapped_column(
        Integer, doc="Review round, from 1; a reply to a request for information starts the next."
    )
    decided_on: Mapped[date | None] = mapped_column(Date, doc="Day of the decision (or of deemed approval).")
    conditions: Mapped[str | None] = mapped_column(String(4000), doc="Conditions of an approval with conditions.")
    reasons: Mapped[str | None] = mapped_column(String(4000), doc="Reasons of a denial (or what information is missing).")
    appeal_available: Mapped[bool | None] = mapped_column(
        Boolean, doc="For a denial: whether the owner may appeal (the jurisdiction's appeal_required, or always offered)."
    )
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its deadline workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ArcVoteChoice(StrEnum):
    """A committee member's vote."""

    APPROVE = "approve"
    """Approve as submitted."""
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    """Approve, with the member's conditions."""
    DENY = "deny"
    """Deny, with the member's reasons."""


class ArcVote(Booked, Base):
    """One committee member's vote on a request, in one review round."""

    __tablename__ = "arc_votes"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "arc_request_id", "review_round", "voter_id"),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The vote's id.")
    arc_request_id: Mapped[UUID] = mapped_column(doc="The request.")
    unit_id: Mapped[UUID] = mapped_column(doc="The request's unit.")
    review_round: Mapped[int] = mapped_column(Integer, doc="The review round voted in.")
    voter_id: Mapped[UUID] = mapped_column(doc="The committee member (user).")
    vote: Mapped[ArcVoteChoice] = mapped_column(
        pg_enum(ArcVoteChoice, "arc_vote_choice"), doc="Approve, with conditions, or deny."
    )
    conditions: Mapped[str | None] = mapped_column(String(4000), doc="The conditions the member would attach.")
    note: Mapped[str | None] = mapped_column(String(4000), doc="The member's reasons.")
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class ArcEventKind(StrEnum):
    """What happened to a request."""

    SUBMITTED = "submitted"
    """The owner (or staff for them) submitted the request."""
    ACCEPTED = "accepted"
    """The request passed its completeness check and is under review."""
    MORE_INFO_REQUESTED = "more_info_requested"
    """The committee asked the owner for more information."""
    OWNER_REPLIED = "owner_replied"
    """The owner answered a request for more information."""
    VOTED = "voted"
    """A committee member voted."""
    DECIDED = "decided"
    """The request was approved, approved with conditions, or denied."""
    DEEMED_APPROVED = "deemed_approved"
    """The deadline passed undecided and the rules deem the request approved."""
    DEADLINE_PASSED = "deadline_passed"
    """The decision deadline passed undecided, where the rules do not deem the request approved."""
    APPEALED = "appealed"
    """The owner appealed a denial."""
    APPEAL_DECIDED = "appeal_decided"
    """The appeal was decided."""
    WORK_COMPLETED = "work_completed"
    """The owner reported the approved work complete."""
    INSPECTED = "inspected"
    """The completed work was inspected."""
    VOIDED = "voided"
    """The request was voided before a decision."""


class ArcRequestEvent(Booked, Base):
    """One step of a request's lifecycle, kept for good: who (null: the
    workflow, on the deadline), when, from which status to which, why, and
    the rule it applied."""

    __tablename__ = "arc_request_events"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id.")
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Order of recording, across the organization.")
    arc_request_id: Mapped[UUID] = mapped_column(doc="The request.")
    unit_id: Mapped[UUID] = mapped_column(doc="The request's unit.")
    kind: Mapped[ArcEventKind] = mapped_column(pg_enum(ArcEventKind, "arc_event_kind"), doc="What happened.")
    from_status: Mapped[ArcStatus | None] = mapped_column(pg_enum(ArcStatus, "arc_status"), doc="Status before (null at first).")
    to_status: Mapped[ArcStatus] = mapped_column(pg_enum(ArcStatus, "arc_status"), doc="Status after.")
    occurred_on: Mapped[date] = mapped_column(Date, doc="The day it happened.")
    actor_id: Mapped[UUID | None] = mapped_column(doc="User or service account; null when the workflow acted on the deadline.")
    note: Mapped[str | None] = mapped_column(String(4000), doc="Why, or what was said.")
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The step's particulars: votes, conditions, the deadline and the rule it came from with its citation."
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When recorded (UTC).")


class ArcDeemedApproval(Booked, Base):
    """Why a request stands approved without a decision: the letter-ready record
    written when its deadline passed undecided, once per request and kept for
    good. It cites the deadline rule and the deemed-approval rule it applied,
    each with its source, citation and the statute version (effective date),
    and the day the request's rules were taken (`rulesAsOf`)."""

    __tablename__ = "arc_deemed_approvals"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "arc_request_id"),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
        ForeignKeyConstraint(["organization_id", "event_id"], ["arc_request_events.organization_id", "arc_request_events.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The record's id.")
    arc_request_id: Mapped[UUID] = mapped_column(doc="The request deemed approved.")
    unit_id: Mapped[UUID] = mapped_column(doc="The request's unit.")
    event_id: Mapped[UUID] = mapped_column(doc="The request's deemed_approved event.")
    deemed_on: Mapped[date] = mapped_column(Date, doc="Day it was deemed approved (the day after the last day to decide).")
    submitted_on: Mapped[date] = mapped_column(Date, doc="Day the request was submitted.")
    decision_due_by: Mapped[date] = mapped_column(Date, doc="The last day to decide, which passed without a decision.")
    jurisdiction: Mapped[str] = mapped_column(String(10), doc="The jurisdiction whose rules applied (e.g. US-CA, default).")
    rules_as_of: Mapped[date] = mapped_column(Date, doc="The day the request's rules were taken (its submission): their version.")
    deadline_rule: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The deadline rule applied: key, days, source, citation and the statute version's effective date."
    )
    deemed_approval_rule: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The rule that deems an undecided request approved, cited the same way."
    )
    letter: Mapped[str] = mapped_column(String(4000), doc="The text of a letter to the owner saying so and why.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When recorded (UTC).")


ArcSettingsId = register_id(ArcSettings, "ars", "arc_settings")
ArcRequestId = register_id(ArcRequest, "arc", "arc_request")
ArcVoteId = register_id(ArcVote, "arv", "arc_request")
ArcRequestEventId = register_id(ArcRequestEvent, "are", "arc_request")
ArcDeemedApprovalId = register_id(ArcDeemedApproval, "ada", "arc_request")
