"""Jurisdiction rules (platform data, the same for every organization) and each
association's overrides of them (tenant rows).

A rule is a row per (jurisdiction, key, effective date): a statute amended
later gets a new row with its new effective date, and the rule in force on a
day is the latest one effective by then, so history is kept and a workflow
can say which version it applied. The application role may only read rules;
migrations write them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from graph.db import Base, new_id, pg_enum

DEFAULT_JURISDICTION = "default"


class RuleValueKind(StrEnum):
    """What a rule's value is: a number of days, a yes/no, an amount of money, or a list of delivery methods."""

    DAYS = "days"
    """A number of days."""
    FLAG = "flag"
    """Yes or no."""
    MONEY = "money"
    """An amount of money."""
    METHODS = "methods"
    """A list of delivery methods."""


class StricterDirection(StrEnum):
    """Which way a governing document may depart from the statute: `more` (a
    longer notice), `fewer` (a shorter deadline, a lower cap), `true` (a
    requirement may be added, not removed), `subset` (fewer delivery methods)."""

    MORE = "more"
    """Stricter means more: a longer notice."""
    FEWER = "fewer"
    """Stricter means fewer: a shorter deadline, a lower cap."""
    TRUE = "true"
    """Stricter means required: a requirement may be added, not removed."""
    SUBSET = "subset"
    """Stricter means a subset: fewer delivery methods."""


class RuleValue:
    """The value columns shared by rules and overrides; exactly the kind's column is set."""

    kind: Mapped[RuleValueKind] = mapped_column(pg_enum(RuleValueKind, "rule_value_kind"), doc="The kind of value.")
    days: Mapped[int | None] = mapped_column(Integer, doc="The number of days (kind `days`).")
    flag: Mapped[bool | None] = mapped_column(Boolean, doc="Yes or no (kind `flag`).")
    amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="An amount in dollars (kind `money`); null: no cap.")
    methods: Mapped[list[str] | None] = mapped_column(ARRAY(String(40)), doc="Delivery methods allowed (kind `methods`).")


class JurisdictionRule(RuleValue, Base):
    """One version of one statutory rule of a jurisdiction, with its citation."""

    __tablename__ = "jurisdiction_rules"
    __table_args__ = (UniqueConstraint("jurisdiction", "key", "effective_on"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The rule version's id.")
    jurisdiction: Mapped[str] = mapped_column(
        String(10), doc="Country and subdivision (ISO 3166-2, e.g. US-CA), or `default` for anywhere without rules here."
    )
    key: Mapped[str] = mapped_column(String(60), doc="What the rule governs, e.g. hearing_notice_days.")
    stricter: Mapped[StricterDirection] = mapped_column(
        pg_enum(StricterDirection, "rule_stricter_direction"), doc="The direction in which governing documents may be stricter."
    )
    citation: Mapped[str] = mapped_column(String(400), doc="The statute the value comes from, with what it says.")
    effective_on: Mapped[date] = mapped_column(Date, doc="First day this version is in force.")


class JurisdictionRuleOverride(RuleValue, Booked, Base):
    """An association's stricter value for a rule, set by its governing documents."""

    __tablename__ = "jurisdiction_rule_overrides"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "key"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The override's id.")
    key: Mapped[str] = mapped_column(String(60), doc="The rule it overrides, e.g. hearing_notice_days.")
    document_reference: Mapped[str] = mapped_column(String(200), doc="Where the governing documents set it (e.g. CC&Rs §7.3).")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed it.")


class InterestLimit(Base):
    """One version of a jurisdiction's limit on interest charged on delinquent
    assessments: the highest annual rate (simple interest) and the fewest days
    after the due date before it may begin. Platform data, like the rules."""

    __tablename__ = "interest_limits"
    __table_args__ = (UniqueConstraint("jurisdiction", "effective_on"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The limit version's id.")
    jurisdiction: Mapped[str] = mapped_column(
        String(10), doc="Country and subdivision (ISO 3166-2, e.g. US-CA), or `default` for anywhere without a limit here."
    )
    effective_on: Mapped[date] = mapped_column(Date, doc="First day this version is in force.")
    max_annual_rate: Mapped[Decimal | None] = mapped_column(
        Numeric(5, 2), doc="Highest annual percentage rate (12.00 = 12% a year); null: no statutory cap on file."
    )
    min_grace_days: Mapped[int] = mapped_column(SmallInteger, doc="Fewest days after the due date before interest may begin.")
    citation: Mapped[str] = mapped_column(String(400), doc="The statute the limit comes from, with what it says.")
