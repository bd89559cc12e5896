"""The compliance calendar: each association's settings (when it meets, when its
insurance renews, its fidelity bond), and the tasks the daily run generates from
them and from the jurisdiction's rules, each with its due date, the role it is
assigned to, its escalation and the evidence that closed it.

A task is unique per (association, requirement, period), so the daily run can
generate the calendar any number of times and each obligation appears once.
What happened to a task (created, escalated, completed, waived) is kept as rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Date, DateTime, ForeignKeyConstraint, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.payables import models as _payables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class Requirement(StrEnum):
    """An obligation on the calendar."""

    ANNUAL_MEETING = "annual_meeting"
    """The annual meeting of the members."""
    ANNUAL_MEETING_NOTICE = "annual_meeting_notice"
    """Sending the members notice of the annual meeting."""
    BUDGET_DISTRIBUTION = "budget_distribution"
    """Distributing the annual budget to the members."""
    FINANCIAL_REVIEW = "financial_review"
    """The yearly review (or audit) of the financial statements."""
    RESERVE_STUDY = "reserve_study"
    """The reserve study or its update."""
    INSURANCE_RENEWAL = "insurance_renewal"
    """Renewing the association's insurance."""
    FIDELITY_BOND = "fidelity_bond"
    """Fidelity bond coverage checked against the reserves and assessments."""
    TAX_FILING = "tax_filing"
    """Filing the association's tax returns."""
    VENDOR_INSURANCE = "vendor_insurance"
    """Vendors' certificates of insurance in force."""
    VENDOR_W9 = "vendor_w9"
    """A W-9 on file for each vendor paid."""


class EvidenceKind(StrEnum):
    """What closed a task. The reference of `reserve_study`, `insurance_certificate`,
    `vendor_w9`, `meeting` and `document` is the public id of the study, the
    certificate, the vendor, the meeting held or the document filed (checked); of
    `filing` the filing's confirmation number."""

    MEETING = "meeting"
    """A meeting held: its id (`mtg_…`), of the task's association, adjourned."""
    DOCUMENT = "document"
    """A document filed: its id (`doc_…`), in the task's association's library or the organization's own."""
    FILING = "filing"
    """A filing with an authority, by its confirmation number."""
    RESERVE_STUDY = "reserve_study"
    """A reserve study on record."""
    INSURANCE_CERTIFICATE = "insurance_certificate"
    """A certificate of insurance on record."""
    VENDOR_W9 = "vendor_w9"
    """A vendor's W-9 on record."""


class TaskStatus(StrEnum):
    """Open until done (with its evidence) or waived (with the reason)."""

    OPEN = "open"
    """To do."""
    DONE = "done"
    """Done, with its evidence."""
    WAIVED = "waived"
    """Waived, with the reason."""


class ComplianceSettings(Booked, Base):
    """What the calendar needs to know about an association beyond its books and its jurisdiction."""

    __tablename__ = "compliance_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    annual_meeting_month: Mapped[int | None] = mapped_column(
        SmallInteger, doc="Month (1–12) the annual meeting is held by its end; null: not on the calendar."
    )
    insurance_renews_on: Mapped[date | None] = mapped_column(Date, doc="When the master insurance policy renews next.")
    fidelity_bond_amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="Fidelity bond (crime) coverage, in dollars.")
    fidelity_bond_expires_on: Mapped[date | None] = mapped_column(Date, doc="When the fidelity bond expires.")
    fidelity_bond_assessment_months: Mapped[int] = mapped_column(
        SmallInteger, doc="Months of assessments the bond covers besides the reserves (CA Civil Code §5806: 3)."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed them.")


class ComplianceTask(TimestampMixin, Booked, Base):
    """One obligation of one association for one period, with its due date."""

    __tablename__ = "compliance_tasks"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint(
            "organization_id", "association_id", "requirement", "subject", "period_start", name="uq_compliance_tasks_obligation"
        ),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        tenant_fk("vendor_id", "vendors"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The task's id.")
    requirement: Mapped[Requirement] = mapped_column(pg_enum(Requirement, "compliance_requirement"), doc="The obligation.")
    subject: Mapped[str] = mapped_column(
        String(60),
        default="",
        doc="Which one, where a requirement has several in a period: the vendor and kind of coverage, the "
        "jurisdiction of a tax return (US, US-CA); empty otherwise.",
    )
    vendor_id: Mapped[UUID | None] = mapped_column(doc="The vendor a W-9 or certificate task is about.")
    period_start: Mapped[date] = mapped_column(
        Date, doc="The period it is for (the fiscal year, the meeting month, the policy term)."
    )
    due_on: Mapped[date] = mapped_column(Date, doc="The last day to meet it.")
    assigned_role: Mapped[str] = mapped_column(String(20), doc="The role it is assigned to (manager, board_member).")
    title: Mapped[str] = mapped_column(String(200), doc="What to do.")
    citation: Mapped[str] = mapped_column(String(400), doc="The rule it comes from.")
    finding: Mapped[str | None] = mapped_column(String(500), doc="What a check found wrong (a bond below the required coverage).")
    status: Mapped[TaskStatus] = mapped_column(
        pg_enum(TaskStatus, "compliance_task_status"), default=TaskStatus.OPEN, doc="Open, done or waived."
    )
    escalation_level: Mapped[int] = mapped_column(
        SmallInteger, default=0, doc="0 on time; 1 overdue, raised to the board; 2 overdue 30 days more, raised to the admins."
    )
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was last escalated.")
    evidence_kind: Mapped[EvidenceKind | None] = mapped_column(
        pg_enum(EvidenceKind, "compliance_evidence_kind"), doc="What kind of record closed it."
    )
    evidence_reference: Mapped[str | None] = mapped_column(
        String(300), doc="The record: a public id (study, certificate, vendor), the meeting or document, the filing number."
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was closed.")
    completed_by: Mapped[UUID | None] = mapped_column(doc="Who closed it.")


class ComplianceTaskEvent(TimestampMixin, Booked, Base):
    """Something that happened to a task: created, escalated, completed, waived."""

    __tablename__ = "compliance_task_events"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (UniqueConstraint("organization_id", "id"), association_fk("task_id", "compliance_tasks"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id.")
    task_id: Mapped[UUID] = mapped_column(doc="The task.")
    event: Mapped[str] = mapped_column(String(20), doc="created, escalated, completed or waived.")
    note: Mapped[str | None] = mapped_column(String(500), doc="What changed, or why.")
    actor_id: Mapped[UUID | None] = mapped_column(doc="Who did it; null for the daily run.")


ComplianceSettingsId = register_id(ComplianceSettings, "cst", "compliance_settings")
ComplianceTaskId = register_id(ComplianceTask, "ctk", "compliance_task")
ComplianceTaskEventId = register_id(ComplianceTaskEvent, "cte", "compliance_task")
