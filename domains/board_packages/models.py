"""The board's monthly package: for an association and a month, one PDF of
the month's reports (balance sheet by fund, income statement with budget
versus actual, AR aging, delinquencies, the AP register, bank
reconciliations, reserve percent funded, open violations, ARC requests, the
minutes of the month's meetings) and a ZIP of the source documents, both filed
in the association's library for the board only.

A package is one row per association, month and version; its generation is a
DBOS workflow whose id derives from that key, so asking again (or the month's
close asking for it) finds the row and starts nothing new. Each status change
is a row of `board_package_transitions`, kept for good.
"""

from __future__ import annotations

from datetime import date, datetime
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
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.documents import models as _documents  # noqa: F401  (FK targets)
from graph.db import Base, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class BoardPackageStatus(StrEnum):
    """Where a package's generation stands."""

    GENERATING = "generating"
    """Its workflow is reading the reports and filing the files."""
    READY = "ready"
    """The PDF and the ZIP are filed in the library."""
    FAILED = "failed"
    """Generation stopped on an error (`error` says which); ask for a new version."""


class BoardPackageTrigger(StrEnum):
    """What asked for a package."""

    REQUEST = "request"
    """A person, through boardPackage/v1/generate."""
    MONTH_CLOSE = "month_close"
    """The month's close (fiscalPeriod/v1/close), where the association's settings ask for it."""


class BoardPackageSettings(Booked, Base):
    """An association's choices about its monthly package."""

    __tablename__ = "board_package_settings"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    generate_on_close: Mapped[bool] = mapped_column(
        Boolean, doc="Generate the month's package (version 1) as soon as the month is closed."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="Who set them last.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When they were set last (UTC)."
    )


class BoardPackage(Booked, Base):
    """One version of an association's package for one month."""

    __tablename__ = "board_packages"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "month", "version"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        tenant_fk("pdf_document_id", "documents"),
        tenant_fk("zip_document_id", "documents"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The package's id.")
    month: Mapped[date] = mapped_column(Date, doc="The month reported (its first day).")
    version: Mapped[int] = mapped_column(Integer, doc="1 for the month's first package, then 2, 3… when asked again.")
    status: Mapped[BoardPackageStatus] = mapped_column(
        pg_enum(BoardPackageStatus, "board_package_status"), doc="Generating, ready or failed."
    )
    trigger: Mapped[BoardPackageTrigger] = mapped_column(
        pg_enum(BoardPackageTrigger, "board_package_trigger"), doc="A person's request or the month's close."
    )
    requested_by: Mapped[UUID] = mapped_column(doc="Who asked (for a close: who closed the month).")
    workflow_id: Mapped[str] = mapped_column(
        String(80), doc="The generating workflow's id (from association, month and version)."
    )
    pdf_document_id: Mapped[UUID | None] = mapped_column(doc="The package's PDF in the library (board only), once ready.")
    zip_document_id: Mapped[UUID | None] = mapped_column(
        doc="The ZIP of its source documents in the library (board only), once ready."
    )
    contents: Mapped[dict[str, Any] | None] = mapped_column(
        JSONB, doc="Every report as read for the package (the report operations' own outputs), once ready."
    )
    error: Mapped[str | None] = mapped_column(String(2000), doc="Why generation failed, when it did.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was asked for (UTC)."
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it became ready or failed (UTC).")


class BoardPackageTransition(Booked, Base):
    """One status change of a package, kept for good."""

    __tablename__ = "board_package_transitions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("package_id", "board_packages"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Order of recording, across the organization.")
    package_id: Mapped[UUID] = mapped_column(doc="The package.")
    from_status: Mapped[BoardPackageStatus | None] = mapped_column(
        pg_enum(BoardPackageStatus, "board_package_status"), doc="Status before (null when it was asked for)."
    )
    to_status: Mapped[BoardPackageStatus] = mapped_column(
        pg_enum(BoardPackageStatus, "board_package_status"), doc="Status after."
    )
    note: Mapped[str | None] = mapped_column(String(2000), doc="What happened (an error's message).")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


BoardPackageId = register_id(BoardPackage, "bpk", "board_package")
