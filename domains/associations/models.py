"""The association profile: one row per association organization."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.organizations import models as _organizations  # noqa: F401  (FK target)
from graph.db import Base, new_id
from graph.schemas import register_id


class AccountingBasis(StrEnum):
    """How the association's books recognise income and expenses."""

    CASH = "cash"
    ACCRUAL = "accrual"


class AssociationProfile(Base):
    """Legal and accounting facts about an association."""

    __tablename__ = "association_profiles"
    __table_args__ = (UniqueConstraint("organization_id", "id"), UniqueConstraint("organization_id"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The profile's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The association."
    )
    legal_name: Mapped[str] = mapped_column(String(200), doc="Registered legal name.")
    tax_id: Mapped[str | None] = mapped_column(String(20), doc="Employer identification number (EIN), if any.")
    fiscal_year_start_month: Mapped[int] = mapped_column(SmallInteger, doc="Month the fiscal year starts, 1–12.")
    accounting_basis: Mapped[AccountingBasis] = mapped_column(
        Enum(AccountingBasis, name="accounting_basis", values_callable=lambda e: [m.value for m in e]),
        doc="Cash or accrual basis.",
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


AssociationProfileId = register_id(AssociationProfile, "asp", "association_profile")
