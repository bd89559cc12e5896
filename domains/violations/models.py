"""Covenant enforcement: each association's library of rules (what its governing
documents forbid, what a notice says, the fine schedule), the violations of
them found at units, every observation logged, every step of a violation's
lifecycle, and the fines it posted to the owner's ledger.

History is kept: observations, lifecycle events and fines are append-only for
the application role; a violation's current state (`status` and the dates the
next step depends on) is the one thing that changes, and only together with
the event that says who moved it, when, from what and why. A fine is posted
through receivables' posting path (the owner ledger and the general ledger in
one transaction) and recorded here once: a unique key per violation, kind and
day makes a second posting of the same fine impossible, whoever retries.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum
from graph.schemas import register_id


class FinePeriod(StrEnum):
    """How often a continuing fine repeats while the violation is not cured."""

    DAY = "day"
    """Every day."""
    WEEK = "week"
    """Every week."""


class ViolationRule(TimestampMixin, Booked, Base):
    """A rule of the association's governing documents that can be violated,
    with the notice it sends and its fine schedule. Rules are retired
    (`isActive` false), never deleted: violations keep citing them."""

    __tablename__ = "violation_rules"
    # RETURNING brings back what the database sets (updated_at), so a handler answers without reading again.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "code"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The rule's id.")
    code: Mapped[str] = mapped_column(String(20), doc="Short code, unique in the association (e.g. LND-01).")
    title: Mapped[str] = mapped_column(String(200), doc="What the rule is about (e.g. Lawn maintenance).")
    document_reference: Mapped[str] = mapped_column(
        String(200), doc="Where the governing documents set it (e.g. CC&Rs §7.3, Rules §4)."
    )
    notice_text: Mapped[str] = mapped_column(String(4000), doc="The default text of a notice of this violation.")
    action_to_resolve: Mapped[str] = mapped_column(String(1000), doc="What the owner must do to cure it.")
    curable: Mapped[bool] = mapped_column(Boolean, doc="Whether the owner can cure it (an incurable one goes to a hearing).")
    cure_days: Mapped[int | None] = mapped_column(Integer, doc="Days to cure after a notice (curable rules only).")
    fine_first: Mapped[Decimal | None] = mapped_column(MONEY, doc="Fine for a first violation; null: none scheduled.")
    fine_repeat: Mapped[Decimal | None] = mapped_column(
        MONEY, doc="Fine for a repeat violation (same unit and rule within the repeat window); null: the first fine."
    )
    fine_continuing: Mapped[Decimal | None] = mapped_column(
        MONEY, doc="Fine for each further period the violation stays uncured after the first fine; null: none."
    )
    continuing_period: Mapped[FinePeriod | None] = mapped_column(
        pg_enum(FinePeriod, "fine_period"), doc="The period of the continuing fine (day or week)."
    )
    fine_cap: Mapped[Decimal | None] = mapped_column(MONEY, doc="Most one violation can be fined in all; null: no cap.")
    repeat_window_days: Mapped[int] = mapped_column(
        Integer, doc="A violation of the same rule at the same unit within this many days is a repeat."
    )
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Retired rules can't be cited by new notices.")
    notice_review_required: Mapped[bool] = mapped_column(
        Boolean,
        server_default="false",
        doc="A notice citing this rule goes out only once the board has approved it (violation/v1/queueNotice, reviewNotice).",
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ViolationStatus(StrEnum):
    """Where a violation is in its lifecycle.

    observed → notice_sent (cure date) → reinspection_due (the cure date
    passed) → closed (cured) | uncured → notice_sent again | hearing_scheduled
    (notice days from the rules) → decided (fine, no fine, more time) →
    decision delivered (deadline from the rules): fine_pending → fined (posted,
    continuing fines until cured) | closed | notice_sent; fined → appealed →
    fined | closed; dismissed from any open state."""

    OBSERVED = "observed"
    """Recorded, no notice yet."""
    NOTICE_SENT = "notice_sent"
    """Noticed, waiting for the cure date."""
    REINSPECTION_DUE = "reinspection_due"
    """The cure date passed: to reinspect."""
    UNCURED = "uncured"
    """Reinspected and not cured."""
    HEARING_SCHEDULED = "hearing_scheduled"
    """A hearing is set."""
    DECIDED = "decided"
    """Decided at the hearing, decision not yet delivered."""
    FINE_PENDING = "fine_pending"
    """A fine was decided and delivered, not yet posted."""
    FINED = "fined"
    """Fined (continuing fines run until cured)."""
    APPEALED = "appealed"
    """A fine under appeal."""
    CLOSED = "closed"
    """Ended (cured, no fine, or overturned)."""
    DISMISSED = "dismissed"
    """Dismissed."""


TERMINAL = frozenset({ViolationStatus.CLOSED, ViolationStatus.DISMISSED})


class HearingOutcome(StrEnum):
    """What the board decided at the hearing."""

    FINE = "fine"
    """A fine is imposed."""
    NO_FINE = "no_fine"
    """No fine."""
    MORE_TIME = "more_time"
    """The owner is given more time to cure."""


class Resolution(StrEnum):
    """How a closed violation ended."""

    CURED = "cured"
    """The owner cured it."""
    NO_FINE = "no_fine"
    """The hearing decided on no fine."""
    OVERTURNED = "overturned"
    """The fine was overturned on appeal."""
    DISMISSED = "dismissed"
    """Dismissed."""


class NoticeReview(StrEnum):
    """Where a notice queued for the board's review stands."""

    PENDING = "pending"
    """Queued: waiting for the board."""
    APPROVED = "approved"
    """The board approved it: it may go out (once)."""
    REJECTED = "rejected"
    """The board rejected it: it doesn't go out; it may be queued again, changed."""


class Violation(TimestampMixin, Booked, Base):
    """A violation of a rule at a unit, from its first observation to its
    closing. It keeps the jurisdiction rules it works under (`rulesUsed`: each
    rule's value, source and the statute version in force when it was
    observed), so every later step can say which version it applied."""

    __tablename__ = "violations"
    # RETURNING brings back what the database sets (updated_at), so a handler answers without reading again.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "unit_id": "unit_id",
        "status": "status",
    }
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("rule_id", "violation_rules"),
        association_fk("repeat_of_id", "violations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The violation's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit where it was observed.")
    rule_id: Mapped[UUID] = mapped_column(doc="The rule violated.")
    status: Mapped[ViolationStatus] = mapped_column(pg_enum(ViolationStatus, "violation_status"), doc="Where it is now.")
    description: Mapped[str] = mapped_column(String(2000), doc="What was observed first.")
    observed_on: Mapped[date] = mapped_column(Date, doc="Day it was first observed.")
    is_repeat: Mapped[bool] = mapped_column(
        Boolean, doc="The unit violated the same rule within the rule's repeat window before (repeat fine)."
    )
    repeat_of_id: Mapped[UUID | None] = mapped_column(doc="The latest earlier violation that makes this one a repeat.")
    jurisdiction: Mapped[str] = mapped_column(String(10), doc="The jurisdiction whose rules apply (e.g. US-CA, default).")
    rules_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The jurisdiction rules applied, by key: value, source, citation, statute version (effective date)."
    )
    cure_by: Mapped[date | None] = mapped_column(Date, doc="Last day to cure, from the latest notice (or more time).")
    hearing_on: Mapped[date | None] = mapped_column(Date, doc="Day of the hearing, once scheduled.")
    outcome: Mapped[HearingOutcome | None] = mapped_column(
        pg_enum(HearingOutcome, "hearing_outcome"), doc="What the hearing decided, once it has."
    )
    fine_amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="The fine decided (from the rule's schedule).")
    decision_due_by: Mapped[date | None] = mapped_column(
        Date, doc="Last day to deliver the written decision (the hearing day plus the rule's delivery days)."
    )
    resolution: Mapped[Resolution | None] = mapped_column(
        pg_enum(Resolution, "violation_resolution"), doc="How it ended, once closed or dismissed."
    )
    notice_review: Mapped[NoticeReview | None] = mapped_column(
        pg_enum(NoticeReview, "notice_review_status"),
        doc="The board's review of the next notice, while one is queued or answered and not yet sent; null otherwise.",
    )
    owner_responded_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the owner last responded in writing (the board sees it in the events)."
    )
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its lifecycle workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ViolationObservation(TimestampMixin, Booked, Base):
    """One sighting of a violation (a drive-by, a complaint, a re-inspection photo)."""

    __tablename__ = "violation_observations"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The observation's id.")
    violation_id: Mapped[UUID] = mapped_column(doc="The violation it belongs to.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit.")
    observed_on: Mapped[date] = mapped_column(Date, doc="Day of the sighting.")
    observed_by: Mapped[UUID] = mapped_column(doc="User or service account that logged it.")
    description: Mapped[str] = mapped_column(String(2000), doc="What was seen.")
    location: Mapped[str | None] = mapped_column(String(200), doc="Where exactly (front yard, GPS position).")
    document_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid), doc="Its photos: documents of the association's library or the organization's own."
    )
    is_duplicate: Mapped[bool] = mapped_column(
        Boolean, doc="The violation was already open: this sighting was added to it instead of opening another."
    )


class ViolationEventKind(StrEnum):
    """What happened to a violation."""

    OBSERVED = "observed"
    """The violation was observed and recorded."""
    NOTICE_SENT = "notice_sent"
    """A notice with a cure date was sent."""
    NOTICE_QUEUED = "notice_queued"
    """A notice was queued for the board's review before it goes out."""
    NOTICE_REVIEWED = "notice_reviewed"
    """The board approved or rejected a queued notice."""
    CURE_PERIOD_ENDED = "cure_period_ended"
    """The cure date passed."""
    REINSPECTED = "reinspected"
    """The violation was reinspected."""
    HEARING_SCHEDULED = "hearing_scheduled"
    """A hearing was scheduled and the owner told."""
    DECIDED = "decided"
    """The board decided at the hearing."""
    DECISION_DELIVERED = "decision_delivered"
    """The decision was delivered to the owner."""
    DECISION_LAPSED = "decision_lapsed"
    """The decision was not delivered in time."""
    FINE_POSTED = "fine_posted"
    """A fine was posted to the owner ledger."""
    OWNER_RESPONDED = "owner_responded"
    """The owner responded."""
    APPEALED = "appealed"
    """The owner appealed a fine."""
    APPEAL_DECIDED = "appeal_decided"
    """The appeal was decided."""
    DISMISSED = "dismissed"
    """The violation was dismissed."""


class ViolationEvent(Booked, Base):
    """One step of a violation's lifecycle, kept for good: who (null: the
    workflow itself, on a deadline), when, from which status to which, why,
    and the rule values the step checked."""

    __tablename__ = "violation_events"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id.")
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Order of recording, across the organization.")
    violation_id: Mapped[UUID] = mapped_column(doc="The violation.")
    unit_id: Mapped[UUID] = mapped_column(doc="The violation's unit.")
    kind: Mapped[ViolationEventKind] = mapped_column(pg_enum(ViolationEventKind, "violation_event_kind"), doc="What happened.")
    from_status: Mapped[ViolationStatus | None] = mapped_column(
        pg_enum(ViolationStatus, "violation_status"), doc="Status before (null for the first event)."
    )
    to_status: Mapped[ViolationStatus] = mapped_column(pg_enum(ViolationStatus, "violation_status"), doc="Status after.")
    occurred_on: Mapped[date] = mapped_column(Date, doc="The day it happened (a notice's mailing day, a hearing's day).")
    actor_id: Mapped[UUID | None] = mapped_column(doc="User or service account; null when the workflow acted on a deadline.")
    note: Mapped[str | None] = mapped_column(String(4000), doc="Why, or what was said (the owner's response, the reasons).")
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The step's particulars: delivery method, dates, amounts, the rules it checked with their citations."
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When recorded (UTC).")


class FineKind(StrEnum):
    """Which line of the fine schedule a fine comes from."""

    FIRST = "first"
    """The first fine for the violation."""
    REPEAT = "repeat"
    """A fine for the same violation again."""
    CONTINUING = "continuing"
    """A fine repeating each period while the violation is not cured."""


class ViolationFine(TimestampMixin, Booked, Base):
    """A fine posted to the owner's ledger for a violation: once per violation,
    kind and day (a unique key), on the fine income account."""

    __tablename__ = "violation_fines"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "violation_id", "kind", "fined_on"),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
        ForeignKeyConstraint(
            ["organization_id", "unit_id", "owner_ledger_entry_id"],
            ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The fine's id.")
    violation_id: Mapped[UUID] = mapped_column(doc="The violation fined.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose ledger was charged.")
    kind: Mapped[FineKind] = mapped_column(pg_enum(FineKind, "fine_kind"), doc="First, repeat or continuing.")
    fined_on: Mapped[date] = mapped_column(Date, doc="The day the fine is for and posted on.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="The amount charged.")
    owner_ledger_entry_id: Mapped[UUID] = mapped_column(doc="The owner-ledger charge that posted it.")


ViolationRuleId = register_id(ViolationRule, "vrl", "violation_rule")
ViolationId = register_id(Violation, "vio", "violation")
ViolationObservationId = register_id(ViolationObservation, "vob", "violation")
ViolationEventId = register_id(ViolationEvent, "vev", "violation")
ViolationFineId = register_id(ViolationFine, "vfn", "violation")
