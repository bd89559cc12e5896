"""Collections: each association's collection policy (versions, never edited),
the units it excludes, and the collection case of each delinquent unit with
every step it took (append-only).

A case moves friendly reminder → late notice → notice of intent to lien →
(the statutory wait) → board approval → lien recorded → (the policy's wait)
→ board approval → attorney referral. The nightly run takes the first three
steps and the exits (settled, suspended under a payment plan, resumed when
the plan fails); the case's workflow keeps the waits and takes the approvals.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class CollectionCaseStatus(StrEnum):
    """Where a collection case stands."""

    REMINDED = "reminded"
    """A friendly reminder went out."""
    LATE_NOTICE_SENT = "late_notice_sent"
    """The late notice went out."""
    INTENT_SENT = "intent_sent"
    """The notice of intent to lien went out; the statutory wait runs."""
    AWAITING_LIEN_APPROVAL = "awaiting_lien_approval"
    """The wait is over; the board decides whether to record a lien."""
    LIEN_APPROVED = "lien_approved"
    """The board approved the lien; the case's workflow records it."""
    LIEN_RECORDED = "lien_recorded"
    """The lien is recorded; the policy's wait before attorney referral runs."""
    AWAITING_REFERRAL_APPROVAL = "awaiting_referral_approval"
    """The board decides whether to refer the account to the attorney."""
    REFERRAL_APPROVED = "referral_approved"
    """The board approved the referral; the case's workflow makes it."""
    REFERRED = "referred"
    """Referred to the association's attorney: the last step here."""
    SUSPENDED = "suspended"
    """A payment plan is active: no step is taken while it is kept."""
    CLOSED = "closed"
    """Settled or excluded: nothing more happens."""


class CollectionStepKind(StrEnum):
    """What one step of a case was."""

    REMINDER = "reminder"
    """The friendly reminder (the case opens with it)."""
    LATE_NOTICE = "late_notice"
    """The late notice."""
    INTENT_TO_LIEN = "intent_to_lien"
    """The notice of intent to record a lien (California's pre-lien notice)."""
    NOTICE_PERIOD_ENDED = "notice_period_ended"
    """The statutory wait after the notice of intent ended."""
    LIEN_APPROVED = "lien_approved"
    """The board approved recording a lien."""
    LIEN_RECORDED = "lien_recorded"
    """The lien was recorded (a letter tells the owner)."""
    REFERRAL_DUE = "referral_due"
    """The policy's wait after the lien ended."""
    REFERRAL_APPROVED = "referral_approved"
    """The board approved referring the account to the attorney."""
    ATTORNEY_REFERRAL = "attorney_referral"
    """The account was referred to the attorney (a letter tells the owner)."""
    SUSPENDED = "suspended"
    """A payment plan was agreed: steps stop while it is kept."""
    RESUMED = "resumed"
    """The plan ended unpaid (an instalment missed, or cancelled): steps go on."""
    CLOSED = "closed"
    """The balance was settled (or the unit excluded): the case closed."""


# Statuses the case's workflow moves; the nightly run only takes exits from them.
WORKFLOW_STATUSES = frozenset(
    {
        CollectionCaseStatus.INTENT_SENT,
        CollectionCaseStatus.AWAITING_LIEN_APPROVAL,
        CollectionCaseStatus.LIEN_APPROVED,
        CollectionCaseStatus.LIEN_RECORDED,
        CollectionCaseStatus.AWAITING_REFERRAL_APPROVAL,
        CollectionCaseStatus.REFERRAL_APPROVED,
        CollectionCaseStatus.REFERRED,
    }
)


class CollectionPolicy(Booked, Base):
    """One version of an association's collection policy: the days between
    steps, the fee of each step, who is left alone, and what needs the board.
    Setting the policy adds a version; cases follow the latest."""

    __tablename__ = "collection_policies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "version"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The policy version's id.")
    version: Mapped[int] = mapped_column(Integer, doc="1 for the association's first policy, then one more per change.")
    reminder_after_days: Mapped[int] = mapped_column(
        SmallInteger, doc="Days past due of the oldest unpaid charge before the friendly reminder."
    )
    late_notice_after_days: Mapped[int] = mapped_column(SmallInteger, doc="Days after the reminder before the late notice.")
    intent_after_days: Mapped[int] = mapped_column(
        SmallInteger, doc="Days after the late notice before the notice of intent to lien (at least the jurisdiction's)."
    )
    lien_wait_days: Mapped[int] = mapped_column(
        SmallInteger, doc="Days after the notice of intent before a lien may be recorded (at least the jurisdiction's)."
    )
    referral_after_days: Mapped[int] = mapped_column(SmallInteger, doc="Days after the lien before attorney referral.")
    min_balance: Mapped[Decimal] = mapped_column(MONEY, doc="Balances under this are not pursued.")
    reminder_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged with the reminder (0: none).")
    late_notice_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged with the late notice.")
    intent_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged with the notice of intent to lien.")
    lien_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged when the lien is recorded.")
    referral_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Fee charged with the attorney referral.")
    lien_needs_board_approval: Mapped[bool] = mapped_column(Boolean, doc="Whether the board approves each lien.")
    referral_needs_board_approval: Mapped[bool] = mapped_column(Boolean, doc="Whether the board approves each referral.")
    offers_meet_and_confer: Mapped[bool] = mapped_column(
        Boolean, doc="Whether the notice of intent offers to meet and confer with the board."
    )
    offers_payment_plan: Mapped[bool] = mapped_column(Boolean, doc="Whether the notice of intent offers a payment plan.")
    rules_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The jurisdiction rules the policy was checked against, by key: value, source, citation."
    )
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that set it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When it was set (UTC).")


class CollectionExclusion(Booked, Base):
    """A unit a policy version leaves alone (in dispute, bankruptcy stay, …), with why."""

    __tablename__ = "collection_exclusions"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "policy_id", "unit_id"),
        association_fk("policy_id", "collection_policies"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The exclusion's id.")
    policy_id: Mapped[UUID] = mapped_column(doc="The policy version.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit left alone.")
    reason: Mapped[str] = mapped_column(String(200), doc="Why (a dispute, a bankruptcy stay, …).")


class CollectionCase(TimestampMixin, Booked, Base):
    """One delinquent unit's collection, from the reminder until it closes."""

    __tablename__ = "collection_cases"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("policy_id", "collection_policies"),
        # One open case per unit.
        Index(
            "uq_collection_cases_open_unit",
            "organization_id",
            "unit_id",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The case's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The delinquent unit.")
    policy_id: Mapped[UUID] = mapped_column(doc="The policy version in force when it opened.")
    status: Mapped[CollectionCaseStatus] = mapped_column(
        pg_enum(CollectionCaseStatus, "collection_case_status"), doc="Where it stands."
    )
    resume_status: Mapped[CollectionCaseStatus | None] = mapped_column(
        pg_enum(CollectionCaseStatus, "collection_case_status"), doc="While suspended: the status it resumes at."
    )
    opened_on: Mapped[date] = mapped_column(Date, doc="The night it opened.")
    last_night: Mapped[date | None] = mapped_column(Date, doc="The last night the nightly run moved it.")
    step_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When its current status began (UTC).")
    due_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the wait of its current status ends (UTC): the lien or referral may follow."
    )
    lien_amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="The balance the lien was recorded for.")
    lien_recorded_on: Mapped[date | None] = mapped_column(Date, doc="The day the lien was recorded.")
    closed_reason: Mapped[str | None] = mapped_column(String(200), doc="Why it closed.")
    workflow_id: Mapped[str | None] = mapped_column(
        String(80), doc="Its workflow (from the notice of intent on); see `workflow(id:)`."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class CollectionStep(Booked, Base):
    """One step of a case: the letter it sent, the fee it charged, the status it moved to."""

    __tablename__ = "collection_steps"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "case_id", "seq"),
        association_fk("case_id", "collection_cases"),
        tenant_fk("fee_entry_id", "owner_ledger_entries"),
        # The nightly run moves a case at most once a night, however often it runs.
        Index(
            "uq_collection_steps_night",
            "organization_id",
            "case_id",
            "night",
            unique=True,
            postgresql_where=text("night IS NOT NULL"),
        ),
        CheckConstraint("fee IS NULL OR fee > 0", name="fee_positive"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The step's id.")
    case_id: Mapped[UUID] = mapped_column(doc="The case.")
    seq: Mapped[int] = mapped_column(SmallInteger, doc="Its number in the case, from 1.")
    kind: Mapped[CollectionStepKind] = mapped_column(
        pg_enum(CollectionStepKind, "collection_step_kind"), doc="What the step was."
    )
    from_status: Mapped[CollectionCaseStatus | None] = mapped_column(
        pg_enum(CollectionCaseStatus, "collection_case_status"), doc="The status before (none for the opening reminder)."
    )
    to_status: Mapped[CollectionCaseStatus] = mapped_column(
        pg_enum(CollectionCaseStatus, "collection_case_status"), doc="The status after."
    )
    night: Mapped[date | None] = mapped_column(Date, doc="The nightly run that took it (none: the workflow or a decision).")
    balance: Mapped[Decimal] = mapped_column(MONEY, doc="The unit's balance when it was taken.")
    fee: Mapped[Decimal | None] = mapped_column(MONEY, doc="The fee charged with it.")
    fee_entry_id: Mapped[UUID | None] = mapped_column(doc="The fee's owner-ledger entry.")
    letters: Mapped[int] = mapped_column(SmallInteger, doc="Letters written to the owners (0: none for this step).")
    delivery: Mapped[str | None] = mapped_column(
        String(20), doc="How the letters go: `certified_mail` where the jurisdiction requires it, else `usual`."
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, doc="What else the step recorded (reason, rule, plan, meeting).")
    actor: Mapped[UUID | None] = mapped_column(doc="Who took it (none: the nightly run or the workflow).")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


CollectionPolicyId = register_id(CollectionPolicy, "cpo", "collection_policy")
CollectionCaseId = register_id(CollectionCase, "ccs", "collection_case")
CollectionStepId = register_id(CollectionStep, "cls", "collection_case")
