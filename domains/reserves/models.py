"""Reserve studies: each association's reserve components (what it must repair
or replace on a predictable schedule), and dated studies that snapshot them with
the assumptions the projections use.

A component is the live register: it changes as the board learns (a new bid, a
shorter remaining life). A study freezes what it used: its assumptions, the
starting reserve balance read from the general ledger on its date, and a copy
of every component that passed the four-part test, so a projection made from
version 3 in 2027 reads the same in 2030. Studies and their copies are never
changed or deleted by the application: a new look is a new version.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting import models as _accounting  # noqa: F401  (FK targets)
from domains.accounting.models import MONEY, Booked
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum
from graph.schemas import register_id

RATE = Numeric(6, 4)
QUANTITY = Numeric(12, 2)
QUALIFIES = "association_responsibility AND limited_useful_life AND predictable_remaining_life AND above_threshold"


class ComponentStatus(StrEnum):
    """An active component is studied; a retired one (removed, no longer the association's) is kept for history."""

    ACTIVE = "active"
    """Studied and funded."""
    RETIRED = "retired"
    """Removed or no longer the association's; kept for history."""


class StudyLevel(StrEnum):
    """The National Reserve Study Standards' levels of service: a full study (inventory,
    condition, life and cost estimates, funding plan), an update with a site visit,
    or an update without one."""

    FULL = "full"
    """A full study: inventory, condition, life and cost estimates, funding plan."""
    UPDATE_WITH_SITE_VISIT = "update_with_site_visit"
    """An update with a site visit."""
    UPDATE_WITHOUT_SITE_VISIT = "update_without_site_visit"
    """An update without a site visit."""


class FourPartTest:
    """The four-part test of the National Reserve Study Standards: a reserve component
    is the association's responsibility, has a limited useful life, a predictable
    remaining life, and costs more than a threshold. All four, or it is not funded
    from reserves."""

    association_responsibility: Mapped[bool] = mapped_column(
        Boolean, doc="The association must repair or replace it (not an owner, not the city)."
    )
    limited_useful_life: Mapped[bool] = mapped_column(Boolean, doc="It wears out within a limited useful life.")
    predictable_remaining_life: Mapped[bool] = mapped_column(Boolean, doc="Its remaining useful life can be predicted.")
    above_threshold: Mapped[bool] = mapped_column(
        Boolean, doc="Its cost is above the association's threshold for reserve components."
    )


class ReserveComponent(FourPartTest, TimestampMixin, Booked, Base):
    """Something the association repairs or replaces from reserves: a roof, the paving, the pool heater."""

    __tablename__ = "reserve_components"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The component's id.")
    category: Mapped[str] = mapped_column(String(60), doc="Its group on reports (e.g. Roofing, Paving, Pool).")
    name: Mapped[str] = mapped_column(String(200), doc="What it is (e.g. Clubhouse roof, composition shingle).")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, doc="How much of it there is, in `unit`s.")
    unit: Mapped[str] = mapped_column(String(20), doc="The unit of quantity (e.g. sq ft, each, lump sum).")
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, doc="Today's cost per unit to replace it, in dollars.")
    replacement_cost: Mapped[Decimal] = mapped_column(
        MONEY, Computed("round(quantity * unit_cost, 2)", persisted=True), doc="Quantity × unit cost, in today's dollars."
    )
    useful_life_years: Mapped[int] = mapped_column(SmallInteger, doc="Years a new one lasts.")
    remaining_life_years: Mapped[int] = mapped_column(
        SmallInteger, doc="Years left before it is replaced, as of `remainingLifeAsOf` (0: due this year)."
    )
    remaining_life_as_of: Mapped[date] = mapped_column(Date, doc="The day the remaining life was estimated.")
    inflation_rate: Mapped[Decimal | None] = mapped_column(
        RATE, doc="Its own yearly cost inflation (0.0300 is 3%); null: the study's rate."
    )
    qualifies: Mapped[bool] = mapped_column(
        Boolean, Computed(QUALIFIES, persisted=True), doc="Passes all four parts of the test: only these are studied."
    )
    status: Mapped[ComponentStatus] = mapped_column(
        pg_enum(ComponentStatus, "reserve_component_status"), default=ComponentStatus.ACTIVE, doc="Active or retired."
    )
    notes: Mapped[str | None] = mapped_column(String(1000), doc="Condition, source of the estimate, anything else.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed it.")


class ReserveComponentAccount(Booked, Base):
    """A general-ledger expense account where spending on a component lands."""

    __tablename__ = "reserve_component_accounts"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "component_id", "account_id"),
        association_fk("component_id", "reserve_components"),
        association_fk("account_id", "gl_accounts"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The link's id.")
    component_id: Mapped[UUID] = mapped_column(doc="The component.")
    account_id: Mapped[UUID] = mapped_column(doc="An expense account its spending is posted to.")


class ReserveStudy(TimestampMixin, Booked, Base):
    """One version of an association's reserve study: its date, assumptions and
    starting balance. Never changed: a new look is a new version."""

    __tablename__ = "reserve_studies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "version"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The study's id.")
    version: Mapped[int] = mapped_column(SmallInteger, doc="1 for the association's first study, then 2, 3…")
    study_date: Mapped[date] = mapped_column(Date, doc="The day the study is as of: year 1 of its projections starts then.")
    level: Mapped[StudyLevel] = mapped_column(pg_enum(StudyLevel, "reserve_study_level"), doc="Level of service.")
    prepared_by: Mapped[str] = mapped_column(String(200), doc="Who prepared it (a reserve specialist, the board).")
    interest_rate: Mapped[Decimal] = mapped_column(RATE, doc="Yearly interest earned on the reserve balance (0.0150 is 1.5%).")
    inflation_rate: Mapped[Decimal] = mapped_column(RATE, doc="Yearly cost inflation of components without their own.")
    horizon_years: Mapped[int] = mapped_column(SmallInteger, doc="Years projected (30 by standard practice).")
    starting_balance: Mapped[Decimal] = mapped_column(
        MONEY, doc="The reserve funds' balance in the general ledger on the study date (assets less liabilities)."
    )
    current_annual_contribution: Mapped[Decimal] = mapped_column(
        MONEY, doc="What the budget contributes to reserves now, per year."
    )
    contribution_increase_rate: Mapped[Decimal] = mapped_column(
        RATE, doc="Yearly increase of contributions in every scenario (0.0300 is 3% a year)."
    )
    threshold_balance: Mapped[Decimal] = mapped_column(MONEY, doc="Threshold funding: the least cash balance to keep.")
    threshold_percent_funded: Mapped[Decimal] = mapped_column(
        RATE, doc="Threshold funding: the least percent funded to keep (0.7000 is 70%); 0 for a cash threshold only."
    )
    replacement_completion_ratio: Mapped[Decimal] = mapped_column(
        RATE,
        doc="Live status: the share of a due replacement's cost that, once spent on the component's accounts, "
        "marks the replacement done (its age restarts).",
    )
    notes: Mapped[str | None] = mapped_column(String(2000), doc="The preparer's notes and disclosures.")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")


class ReserveStudyComponent(FourPartTest, Booked, Base):
    """A component as a study used it: its cost, lives and inflation frozen on the study date."""

    __tablename__ = "reserve_study_components"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "study_id", "component_id"),
        association_fk("study_id", "reserve_studies"),
        association_fk("component_id", "reserve_components"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The study line's id.")
    study_id: Mapped[UUID] = mapped_column(doc="The study.")
    component_id: Mapped[UUID] = mapped_column(doc="The component it copies.")
    category: Mapped[str] = mapped_column(String(60), doc="Its group on reports.")
    name: Mapped[str] = mapped_column(String(200), doc="What it is.")
    replacement_cost: Mapped[Decimal] = mapped_column(MONEY, doc="Cost to replace it on the study date.")
    useful_life_years: Mapped[int] = mapped_column(SmallInteger, doc="Years a new one lasts.")
    remaining_life_years: Mapped[int] = mapped_column(SmallInteger, doc="Years left on the study date (0: due in year 1).")
    inflation_rate: Mapped[Decimal] = mapped_column(RATE, doc="Yearly cost inflation used for it.")


ReserveComponentId = register_id(ReserveComponent, "rcp", "reserve_component")
ReserveComponentAccountId = register_id(ReserveComponentAccount, "rca", "reserve_component")
ReserveStudyId = register_id(ReserveStudy, "rst", "reserve_study")
ReserveStudyComponentId = register_id(ReserveStudyComponent, "rsc", "reserve_study")
