"""Portfolio assignments: which user (a portfolio manager) runs which of the
organization's associations, from a day until the assignment ends. Ended
assignments are kept; one user holds at most one current assignment per
association (a partial unique index)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.identity import models as _identity  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, new_id, tenant_fk
from graph.schemas import register_id


class PortfolioAssignment(TimestampMixin, Booked, Base):
    """A user assigned to run an association as its portfolio manager, from a day until it ends."""

    __tablename__ = "portfolio_assignments"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "user_id": "user_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("association_id", "associations"),
        Index(
            "ux_portfolio_assignments_current",
            "organization_id",
            "association_id",
            "user_id",
            unique=True,
            postgresql_where=text("ends_on IS NULL"),
        ),
        Index("ix_portfolio_assignments_user", "organization_id", "user_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The assignment's id.")
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), doc="The portfolio manager.")
    starts_on: Mapped[date] = mapped_column(Date, doc="First day they run the association.")
    ends_on: Mapped[date | None] = mapped_column(Date, doc="Day the assignment ended; null while current.")
    assigned_by: Mapped[UUID] = mapped_column(doc="User or service account that made the assignment.")
    ended_by: Mapped[UUID | None] = mapped_column(doc="Who ended it.")


PortfolioAssignmentId = register_id(PortfolioAssignment, "pfa", "portfolio_assignment")
