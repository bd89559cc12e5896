"""What owners owe their association: assessment schedules, levies, late-fee
rules, and each unit's owner ledger with the allocations that say which
payment or credit paid which charge.

The owner ledger is a subledger of the general ledger and the database keeps
the two in step:
- every owner-ledger row and allocation names the journal entry that booked it,
  posted in the same transaction (a deferred trigger checks `posted_at = now()`);
- at commit, each journal entry's receivable and prepaid lines must equal, per
  unit and fund, what its owner-ledger rows and allocations say they are
  (trigger `owner_ledger_agrees`);
- rows are append-only for the application role: a payment that bounces is
  undone by new rows, never by editing old ones.

Money model: a payment or credit first becomes a *lot* of unapplied credit
(prepaid assessments); an allocation moves part of a lot onto a charge
(receivable). A unit's balance is the sum of its rows' amounts (positive: owed);
its receivable per fund is its charges less their allocations, its prepaid per
fund is its lots less theirs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from graph.db import (
    Base,
    TimestampMixin,
    association_fk,
    new_id,
    pg_enum,
)
from graph.schemas import register_id


def _entry_fk(column: str) -> ForeignKeyConstraint:
    """The journal entry that booked a row: deferred, so a row and its entry may
    be written in either order inside their one transaction."""
    return ForeignKeyConstraint(
        ["organization_id", "association_id", column],
        ["journal_entries.organization_id", "journal_entries.association_id", "journal_entries.id"],
        deferrable=True,
        initially="DEFERRED",
    )


def _same_unit(column: str) -> ForeignKeyConstraint:
    """Another owner-ledger row of the same unit."""
    return ForeignKeyConstraint(
        ["organization_id", "unit_id", column],
        ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
    )


class AssessmentKind(StrEnum):
    """A regular assessment (the budgeted dues) or a special one (a roof, a lawsuit)."""

    REGULAR = "regular"
    """The budgeted dues."""
    SPECIAL = "special"
    """A special assessment for one purpose (a roof, a lawsuit)."""


class Frequency(StrEnum):
    """How often a schedule is levied: every month, quarter or year from its start, or once."""

    MONTHLY = "monthly"
    """Every month from its start."""
    QUARTERLY = "quarterly"
    """Every quarter from its start."""
    ANNUAL = "annual"
    """Every year from its start."""
    ONCE = "once"
    """Once."""


MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}


class AssessmentMethod(StrEnum):
    """How a schedule's amount becomes each unit's charge: a period total split by
    the units' assessment shares, or the same fixed amount for every unit."""

    SHARE = "share"
    """A period total split by the units' assessment shares."""
    FIXED = "fixed"
    """The same fixed amount for every unit."""


class AssessmentSchedule(TimestampMixin, Booked, Base):
    """A recurring or special assessment of an association: what each active unit
    is charged per period, into which income account and fund, from when to when."""

    __tablename__ = "assessment_schedules"
    # The new updated_at comes back with RETURNING, so a handler can answer with it.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("income_account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The schedule's id.")
    name: Mapped[str] = mapped_column(
        String(100), doc="Name on statements (e.g. Regular Assessment 2026, Roof Special Assessment)."
    )
    kind: Mapped[AssessmentKind] = mapped_column(pg_enum(AssessmentKind, "assessment_kind"), doc="Regular or special.")
    frequency: Mapped[Frequency] = mapped_column(
        pg_enum(Frequency, "assessment_frequency"), doc="Monthly, quarterly, annual or once."
    )
    method: Mapped[AssessmentMethod] = mapped_column(
        pg_enum(AssessmentMethod, "assessment_method"),
        doc="`share`: `amount` is the period total, split by assessment share; `fixed`: `amount` is each unit's charge.",
    )
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Period total (method `share`) or per-unit charge (method `fixed`).")
    income_account_id: Mapped[UUID] = mapped_column(doc="Income account the charges credit (usually Assessment Income).")
    fund_id: Mapped[UUID] = mapped_column(doc="Fund the charges belong to (operating, reserve, or a special-assessment fund).")
    starts_on: Mapped[date] = mapped_column(Date, doc="First day of the first period (the first of a month).")
    ends_on: Mapped[date | None] = mapped_column(Date, doc="Last day a period may start on; null while open-ended.")
    due_day: Mapped[int] = mapped_column(SmallInteger, doc="Day of the period's first month each charge is due (1–28).")
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Inactive schedules are kept but can't be levied.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class Levy(Booked, Base):
    """One period of a schedule, charged to every active unit exactly once. The row
    is written when the levy is started; a durable workflow posts the charges."""

    __tablename__ = "levies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        # The idempotency key of a levy: one per schedule and period.
        UniqueConstraint("organization_id", "schedule_id", "period"),
        association_fk("schedule_id", "assessment_schedules"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The levy's id.")
    schedule_id: Mapped[UUID] = mapped_column(doc="The assessment schedule.")
    period: Mapped[date] = mapped_column(Date, doc="First day of the period levied.")
    due_date: Mapped[date] = mapped_column(Date, doc="When the charges are due.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the units' charges.")
    unit_count: Mapped[int] = mapped_column(Integer, doc="Units charged.")
    remainder_cents: Mapped[int] = mapped_column(
        Integer, doc="Cents handed out by largest remainder so the share-based charges add up to the total exactly (0 for fixed)."
    )
    workflow_id: Mapped[str] = mapped_column(
        String(80), doc="The durable workflow posting the charges (readable with `workflow(id:)`)."
    )
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that started the levy.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the levy was started (UTC)."
    )


class LateFeeMethod(StrEnum):
    """A flat fee per late charge, or a percentage of what is still open."""

    FLAT = "flat"
    """A flat fee per late charge."""
    PERCENT = "percent"
    """A percentage of what is still open."""


class LateFeeRule(TimestampMixin, Booked, Base):
    """An association's late-fee rule: how long after the due date, and how much."""

    __tablename__ = "late_fee_rules"
    # The new updated_at comes back with RETURNING, so a handler can answer with it.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The rule's id.")
    grace_days: Mapped[int] = mapped_column(SmallInteger, doc="Days after the due date before a fee applies (0–365).")
    method: Mapped[LateFeeMethod] = mapped_column(pg_enum(LateFeeMethod, "late_fee_method"), doc="Flat amount or percentage.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="The flat fee, or the percentage of the open amount (10.00 = 10%).")
    cap: Mapped[Decimal | None] = mapped_column(MONEY, doc="Most one late charge may cost, if any.")
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Inactive rules charge nothing.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class InterestPolicy(Booked, Base):
    """One version of an association's interest on delinquent assessments: an
    annual rate, simple interest (never on interest or fees), from the grace
    days after each charge's due date, on units owing at least the minimum.
    Setting it adds a version no looser than the jurisdiction's limit; the
    monthly accrual follows the latest and caps its rate by the limit then in force."""

    __tablename__ = "interest_policies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "version"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The policy version's id.")
    version: Mapped[int] = mapped_column(Integer, doc="1, 2, 3…: the latest is in force.")
    annual_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), doc="Annual percentage rate, simple interest (10.00 = 10% a year)."
    )
    grace_days: Mapped[int] = mapped_column(SmallInteger, doc="Days after a charge's due date before it bears interest.")
    min_balance: Mapped[Decimal] = mapped_column(
        MONEY, doc="A unit owing less than this in delinquent assessments is charged none."
    )
    is_active: Mapped[bool] = mapped_column(Boolean, doc="False suspends the accrual.")
    limit_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The jurisdiction's interest limit it was checked against: rate, grace days, citation, version."
    )
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that set it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class InterestAccrual(Booked, Base):
    """A month's interest on one unit's delinquent assessments, charged once
    (unique per unit and month) as an owner-ledger charge on the delinquency
    interest income account."""

    __tablename__ = "interest_accruals"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "unit_id", "period"),
        association_fk("unit_id", "units"),
        association_fk("policy_id", "interest_policies"),
        _same_unit("entry_id"),
        Index("ix_interest_accruals_period", "organization_id", "association_id", "period"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The accrual's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit charged.")
    period: Mapped[date] = mapped_column(Date, doc="The month the interest is for (its first day); charged on its last.")
    policy_id: Mapped[UUID] = mapped_column(doc="The policy version applied.")
    principal: Mapped[Decimal] = mapped_column(
        MONEY, doc="Delinquent assessments bearing interest (interest-days averaged over the month)."
    )
    annual_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), doc="The rate applied: the policy's, capped by the jurisdiction's limit."
    )
    days: Mapped[int] = mapped_column(SmallInteger, doc="Days in the month.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="The interest charged.")
    entry_id: Mapped[UUID] = mapped_column(doc="The interest charge on the unit's ledger.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class EntryKind(StrEnum):
    """What an owner-ledger row is. Charges (`charge`, `late_fee`, `nsf_fee`,
    `adjustment`) add to what the owner owes; `payment` and `credit` reduce it;
    `payment_return` puts back a payment that bounced."""

    CHARGE = "charge"
    """An assessment charge: adds to what the owner owes."""
    LATE_FEE = "late_fee"
    """A late fee: adds to what the owner owes."""
    NSF_FEE = "nsf_fee"
    """A fee for a returned payment: adds to what the owner owes."""
    ADJUSTMENT = "adjustment"
    """A manual charge adjustment: adds to what the owner owes."""
    PAYMENT = "payment"
    """A payment: reduces what the owner owes."""
    CREDIT = "credit"
    """A credit: reduces what the owner owes."""
    PAYMENT_RETURN = "payment_return"
    """A payment that bounced, put back."""


DEBIT_KINDS = frozenset({EntryKind.CHARGE, EntryKind.LATE_FEE, EntryKind.NSF_FEE, EntryKind.ADJUSTMENT})
LOT_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.CREDIT})


class PaymentMethod(StrEnum):
    """How an owner paid."""

    CHECK = "check"
    """A paper check."""
    ACH = "ach"
    """An ACH transfer."""
    CARD = "card"
    """A card payment."""
    CASH = "cash"
    """Cash."""
    OTHER = "other"
    """Any other way (the memo says how)."""


class OwnerLedgerEntry(Booked, Base):
    """One line of a unit's owner ledger: a charge, fee, payment, credit,
    adjustment or returned payment, booked by the journal entry it names."""

    __tablename__ = "owner_ledger_entries"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "unit_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("fund_id", "funds"),
        association_fk("account_id", "gl_accounts"),
        association_fk("levy_id", "levies"),
        _entry_fk("journal_entry_id"),
        _same_unit("related_entry_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The row's id.")
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Posting order, for a stable statement.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose ledger this is.")
    kind: Mapped[EntryKind] = mapped_column(
        pg_enum(EntryKind, "owner_ledger_kind"), doc="Charge, fee, payment, credit, adjustment or returned payment."
    )
    entry_date: Mapped[date] = mapped_column(Date, doc="Accounting date.")
    due_date: Mapped[date | None] = mapped_column(
        Date, doc="When a charge is due (aging counts from it); null for payments and credits."
    )
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Signed: positive adds to what the owner owes, negative reduces it.")
    fund_id: Mapped[UUID] = mapped_column(doc="The fund of a charge, or the fund a payment or credit is held in until applied.")
    account_id: Mapped[UUID | None] = mapped_column(
        doc="Income account a charge credits, or a credit debits; null for payments and returns."
    )
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The journal entry that booked this row.")
    levy_id: Mapped[UUID | None] = mapped_column(doc="The levy that charged it, for assessment charges.")
    related_entry_id: Mapped[UUID | None] = mapped_column(
        doc="For a late fee, the charge it is for; for a returned payment or its fee, the payment."
    )
    method: Mapped[PaymentMethod | None] = mapped_column(pg_enum(PaymentMethod, "payment_method"), doc="How a payment was made.")
    reference: Mapped[str | None] = mapped_column(String(60), doc="Check number or processor reference of a payment.")
    memo: Mapped[str] = mapped_column(String(200), doc="Text on the owner's statement.")
    posted_by: Mapped[UUID | None] = mapped_column(doc="User or service account that posted it; null for scheduled postings.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was posted (UTC)."
    )


class OwnerLedgerAllocation(Booked, Base):
    """Part of a payment or credit applied to a charge of the same unit (a
    negative amount undoes an earlier application, e.g. when a payment bounces)."""

    __tablename__ = "owner_ledger_allocations"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("unit_id", "units"),
        _same_unit("credit_entry_id"),
        _same_unit("charge_entry_id"),
        _entry_fk("journal_entry_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The allocation's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit.")
    credit_entry_id: Mapped[UUID] = mapped_column(doc="The payment or credit applied.")
    charge_entry_id: Mapped[UUID] = mapped_column(doc="The charge it paid.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount applied; negative when an application is undone.")
    applied_on: Mapped[date] = mapped_column(
        Date, doc="Accounting date of the application (aging as of a date counts it from then)."
    )
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The journal entry that moved the money from prepaid to receivable.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was posted (UTC)."
    )


class OpeningBalance(Booked, Base):
    """An association's move-in: its opening trial balance and its owners'
    opening balances as of the cut-over date, posted once as one journal entry
    (source `opening_balance`) with the owner-ledger rows it implies."""

    __tablename__ = "opening_balances"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # An association moves in once.
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        _entry_fk("journal_entry_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The opening balance's id.")
    cut_over_date: Mapped[date] = mapped_column(
        Date, doc="The day the books start from: balances are as of its end, posted on it."
    )
    journal_entry_id: Mapped[UUID] = mapped_column(doc="The journal entry that posted the balances.")
    account_lines: Mapped[int] = mapped_column(Integer, doc="Trial-balance lines (account × fund) imported.")
    unit_items: Mapped[int] = mapped_column(Integer, doc="Owner opening items (charges and prepaid credits) imported.")
    total_debit: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the trial balance's debits (equals its credits).")
    receivable: Mapped[Decimal] = mapped_column(MONEY, doc="Owners' opening charges, all funds.")
    prepaid: Mapped[Decimal] = mapped_column(MONEY, doc="Owners' opening prepaid credit, all funds.")
    posted_by: Mapped[UUID | None] = mapped_column(doc="User or service account that posted it.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was posted (UTC)."
    )


class PlanStatus(StrEnum):
    """A payment plan is active until paid off (completed), missed (defaulted) or cancelled."""

    ACTIVE = "active"
    """Instalments are being paid."""
    COMPLETED = "completed"
    """Paid off."""
    DEFAULTED = "defaulted"
    """An instalment was missed past its grace days."""
    CANCELLED = "cancelled"
    """Cancelled."""


class PaymentPlan(TimestampMixin, Booked, Base):
    """An agreement with an owner to pay a unit's balance in instalments. Payments
    on the unit from `starts_on` count toward it, in due-date order; an
    instalment not covered `grace_days` after its due date defaults the plan."""

    __tablename__ = "payment_plans"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        # One live plan per unit.
        Index(
            "uq_payment_plans_active_unit",
            "organization_id",
            "unit_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The plan's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose balance it pays.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="The balance the plan covers: the instalments add up to it.")
    starts_on: Mapped[date] = mapped_column(Date, doc="The day it was agreed: payments from then on count toward it.")
    grace_days: Mapped[int] = mapped_column(SmallInteger, doc="Days after an instalment's due date before it counts as missed.")
    status: Mapped[PlanStatus] = mapped_column(
        pg_enum(PlanStatus, "payment_plan_status"), doc="Active, completed, defaulted or cancelled."
    )
    memo: Mapped[str | None] = mapped_column(String(200), doc="Terms or notes (e.g. 'agreed at the meet-and-confer').")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last status change (UTC)."
    )


class PaymentPlanInstalment(Booked, Base):
    """One instalment of a payment plan."""

    __tablename__ = "payment_plan_instalments"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "plan_id", "seq"),
        association_fk("plan_id", "payment_plans"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The instalment's id.")
    plan_id: Mapped[UUID] = mapped_column(doc="The payment plan.")
    seq: Mapped[int] = mapped_column(SmallInteger, doc="Its number in the plan, from 1.")
    due_on: Mapped[date] = mapped_column(Date, doc="When it is due.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount due.")


class PaymentPlanTransition(Booked, Base):
    """A change of a plan's status: who (null for the nightly review), when, from, to, why."""

    __tablename__ = "payment_plan_transitions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("plan_id", "payment_plans"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    plan_id: Mapped[UUID] = mapped_column(doc="The payment plan.")
    from_status: Mapped[PlanStatus | None] = mapped_column(
        pg_enum(PlanStatus, "payment_plan_status"), doc="Status before; null when the plan was made."
    )
    to_status: Mapped[PlanStatus] = mapped_column(pg_enum(PlanStatus, "payment_plan_status"), doc="Status after.")
    reason: Mapped[str] = mapped_column(String(200), doc="Why.")
    changed_by: Mapped[UUID | None] = mapped_column(doc="Who; null for the nightly review.")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class LockboxFile(Booked, Base):
    """A bank's lockbox payment file for an association, imported once (by its digest)."""

    __tablename__ = "lockbox_files"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "digest"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The file's id.")
    digest: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the file, hex: a file is imported once.")
    line_count: Mapped[int] = mapped_column(Integer, doc="Payment lines in the file.")
    posted_count: Mapped[int] = mapped_column(Integer, doc="Lines posted as payments on import.")
    exception_count: Mapped[int] = mapped_column(Integer, doc="Lines queued for a person on import.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the lines' amounts.")
    imported_by: Mapped[UUID] = mapped_column(doc="User or service account that imported it.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was imported (UTC)."
    )


class LockboxItemStatus(StrEnum):
    """A line posted on import, queued as an exception, or posted later by a person."""

    POSTED = "posted"
    """Posted as a payment on import."""
    EXCEPTION = "exception"
    """Unreadable or unknown account: queued for a person."""
    RESOLVED = "resolved"
    """An exception a person has since posted to a unit."""


class LockboxItem(Booked, Base):
    """One line of a lockbox file: a payment posted to a unit's ledger, or an
    exception (unknown account, unreadable amount) for a person to resolve."""

    __tablename__ = "lockbox_items"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # Idempotent per line: a file's line is one item.
        UniqueConstraint("organization_id", "file_id", "line_no"),
        association_fk("file_id", "lockbox_files"),
        association_fk("unit_id", "units"),
        ForeignKeyConstraint(
            ["organization_id", "payment_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        Index("ix_lockbox_items_status", "organization_id", "association_id", "status"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The item's id.")
    file_id: Mapped[UUID] = mapped_column(doc="The lockbox file.")
    line_no: Mapped[int] = mapped_column(Integer, doc="Line in the file, from 1 (the first data row).")
    account: Mapped[str | None] = mapped_column(String(40), doc="The coupon or account number on the line (the unit's number).")
    amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="The amount, when readable.")
    check_number: Mapped[str | None] = mapped_column(String(20), doc="The check number.")
    paid_on: Mapped[date | None] = mapped_column(Date, doc="The deposit date, when readable.")
    status: Mapped[LockboxItemStatus] = mapped_column(
        pg_enum(LockboxItemStatus, "lockbox_item_status"), doc="Posted, exception or resolved."
    )
    problem: Mapped[str | None] = mapped_column(String(200), doc="Why it is an exception.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit paid for, once known.")
    payment_entry_id: Mapped[UUID | None] = mapped_column(doc="The payment row on the unit's ledger, once posted.")
    resolved_by: Mapped[UUID | None] = mapped_column(doc="Who posted an exception.")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was posted (UTC).")


class PaymentVoid(Booked, Base):
    """A payment entered in error, voided: its reversal (a `payment_return` row
    without a fee, undoing its applications) and the reason. Not a bounce: no
    fee, no `payment.returned` event, and the reports tell the two apart by this row."""

    __tablename__ = "payment_voids"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # A payment is voided once.
        UniqueConstraint("organization_id", "payment_entry_id"),
        association_fk("unit_id", "units"),
        _same_unit("payment_entry_id"),
        _same_unit("reversal_entry_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The void's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit.")
    payment_entry_id: Mapped[UUID] = mapped_column(doc="The payment voided.")
    reversal_entry_id: Mapped[UUID] = mapped_column(doc="The owner-ledger row reversing it.")
    voided_on: Mapped[date] = mapped_column(Date, doc="Accounting date of the reversal.")
    reason: Mapped[str] = mapped_column(String(200), doc="Why it was voided (e.g. posted to the wrong unit).")
    voided_by: Mapped[UUID] = mapped_column(doc="Who voided it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


AssessmentScheduleId = register_id(AssessmentSchedule, "sch", "assessment_schedule")
LevyId = register_id(Levy, "lvy", "assessment_schedule")
LateFeeRuleId = register_id(LateFeeRule, "lfr", "late_fee_rule")
OwnerLedgerEntryId = register_id(OwnerLedgerEntry, "ole", "owner_ledger_entry")
OwnerLedgerAllocationId = register_id(OwnerLedgerAllocation, "ola", "owner_ledger_entry")
OpeningBalanceId = register_id(OpeningBalance, "opb", "opening_balance")
PaymentPlanId = register_id(PaymentPlan, "ppl", "payment_plan")
PaymentPlanInstalmentId = register_id(PaymentPlanInstalment, "ppi", "payment_plan")
PaymentPlanTransitionId = register_id(PaymentPlanTransition, "ppt", "payment_plan")
LockboxFileId = register_id(LockboxFile, "lbf", "lockbox_file")
LockboxItemId = register_id(LockboxItem, "lbi", "lockbox_file")
InterestPolicyId = register_id(InterestPolicy, "ipo", "interest_policy")
InterestAccrualId = register_id(InterestAccrual, "iac", "interest_policy")
PaymentVoidId = register_id(PaymentVoid, "pvo", "owner_ledger_entry")
