"""The resident directory's privacy settings: one row per party, hidden by
default (no row, or every flag false, shows nothing). Changes are audited by
the operation that makes them; the row holds the current choice."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Boolean, DateTime, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.associations import models as _associations  # noqa: F401  (FK targets)
from graph.db import Base, TenantMixin, new_id, tenant_fk
from graph.schemas import register_id


class DirectorySetting(TenantMixin, Base):
    """What a party shows of themselves to the other residents of their association."""

    __tablename__ = "directory_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"party_id": "party_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "party_id"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The setting's id.")
    party_id: Mapped[UUID] = mapped_column(doc="The party whose listing it is.")
    show_name: Mapped[bool] = mapped_column(Boolean, doc="Other residents see the party's name.")
    show_unit: Mapped[bool] = mapped_column(Boolean, doc="Other residents see the units the party owns or lives in.")
    show_phone: Mapped[bool] = mapped_column(Boolean, doc="Other residents see the party's primary phone number.")
    show_email: Mapped[bool] = mapped_column(Boolean, doc="Other residents see the party's primary email address.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the party first chose (UTC)."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="When the party last changed it (UTC)."
    )


DirectorySettingId = register_id(DirectorySetting, "dst", "directory_setting")
