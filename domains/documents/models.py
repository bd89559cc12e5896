"""Documents and records: each association's library and the organization's
own (a document with no association), its files as versions, the retention
that keeps a record until its date, and owners' requests to inspect records.

A document's file is a version: uploaded against a signed URL, then confirmed
by reading the stored bytes back (size, SHA-256, the file's leading bytes);
earlier versions stay. Destroying a document purges its files and keeps the
record, and only once its retention date has passed; a trigger refuses the
application role an early destruction, a retention date moved earlier or an
undone destruction, and the role cannot delete documents or versions at all.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class DocumentCategory(StrEnum):
    """What a document is; its retention class defaults from it."""

    GOVERNING_DOCUMENTS = "governing_documents"
    """CC&Rs, bylaws, articles, rules and their amendments (kept permanently)."""
    FINANCIAL = "financial"
    """Budgets, statements, reviews and audits, tax returns (kept seven years)."""
    MINUTES = "minutes"
    """Minutes of the board's and the members' meetings (kept permanently)."""
    CONTRACTS = "contracts"
    """Contracts with vendors and managers (kept seven years)."""
    INSURANCE = "insurance"
    """Policies and certificates of insurance (kept seven years)."""
    PLANS = "plans"
    """Plans and drawings: the community's and architectural requests' (kept permanently)."""
    PHOTOS = "photos"
    """Photos: inspections, violations, work orders (kept three years)."""
    CORRESPONDENCE = "correspondence"
    """Letters and notices sent or received (kept three years)."""
    OTHER = "other"
    """Anything else (kept three years)."""


class DocumentVisibility(StrEnum):
    """Who reads a document, from the narrowest: each level includes the ones above it."""

    STAFF = "staff"
    """The organization's admins and managers (and auditors and integrations)."""
    BOARD = "board"
    """Staff and board members."""
    OWNERS = "owners"
    """Also the owners of the association's units (of any unit of the organization, for its own library)."""
    RESIDENTS = "residents"
    """Also the residents (tenants) of the association's units."""
    PUBLIC = "public"
    """Every member of the organization."""


class RetentionClass(StrEnum):
    """How long a record is kept from its record date; destruction waits until then."""

    PERMANENT = "permanent"
    """Never destroyed (governing documents, minutes, plans)."""
    SEVEN_YEARS = "seven_years"
    """Seven years (financial records, contracts, insurance)."""
    THREE_YEARS = "three_years"
    """Three years (photos, correspondence, other)."""


RETENTION_YEARS: dict[RetentionClass, int | None] = {
    RetentionClass.PERMANENT: None,
    RetentionClass.SEVEN_YEARS: 7,
    RetentionClass.THREE_YEARS: 3,
}

DEFAULT_RETENTION: dict[DocumentCategory, RetentionClass] = {
    DocumentCategory.GOVERNING_DOCUMENTS: RetentionClass.PERMANENT,
    DocumentCategory.FINANCIAL: RetentionClass.SEVEN_YEARS,
    DocumentCategory.MINUTES: RetentionClass.PERMANENT,
    DocumentCategory.CONTRACTS: RetentionClass.SEVEN_YEARS,
    DocumentCategory.INSURANCE: RetentionClass.SEVEN_YEARS,
    DocumentCategory.PLANS: RetentionClass.PERMANENT,
    DocumentCategory.PHOTOS: RetentionClass.THREE_YEARS,
    DocumentCategory.CORRESPONDENCE: RetentionClass.THREE_YEARS,
    DocumentCategory.OTHER: RetentionClass.THREE_YEARS,
}


class Document(TimestampMixin, Base):
    """A record in an association's library, or in the organization's own
    (no association), with who may read it and how long it is kept."""

    __tablename__ = "documents"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "library": "library",
        "category": "category",
        "visibility": "visibility",
        # An owner or tenant reads what they filed, whatever its visibility.
        "filed_by": "created_by",
    }
    # Another record attaches only the documents its author may read (graph/references.py).
    __reference_action__: ClassVar[str] = "read"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("association_id", "associations"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The document's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The organization that holds the record."
    )
    association_id: Mapped[UUID | None] = mapped_column(
        doc="The association whose library holds it; null: the organization's own."
    )
    # Computed so policies can tell the organization's own library apart
    # without comparing with null (see graph/authz.py on NULL attributes).
    library: Mapped[str] = mapped_column(
        String(12),
        Computed("CASE WHEN association_id IS NULL THEN 'organization' ELSE 'association' END"),
        doc="Whose library: `association` or `organization` (its own).",
    )
    category: Mapped[DocumentCategory] = mapped_column(pg_enum(DocumentCategory, "document_category"), doc="What it is.")
    title: Mapped[str] = mapped_column(String(300), doc="Its title.")
    description: Mapped[str | None] = mapped_column(String(4000), doc="What it holds, in a sentence or two.")
    visibility: Mapped[DocumentVisibility] = mapped_column(
        pg_enum(DocumentVisibility, "document_visibility"), doc="Who reads it."
    )
    retention_class: Mapped[RetentionClass] = mapped_column(
        pg_enum(RetentionClass, "retention_class"), doc="How long it is kept (from the category unless given)."
    )
    record_date: Mapped[date] = mapped_column(
        Date, doc="The day the record is of (a meeting's, a statement's); retention counts from it."
    )
    retain_until: Mapped[date | None] = mapped_column(Date, doc="First day it may be destroyed; null: kept permanently.")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that filed it.")
    destroyed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When its files were destroyed (the record stays); null while kept."
    )
    destroyed_by: Mapped[UUID | None] = mapped_column(doc="Who destroyed its files.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class VersionStatus(StrEnum):
    """Where a version's file is."""

    PENDING = "pending"
    """Declared; its bytes are expected at the upload URL."""
    CONFIRMED = "confirmed"
    """Stored and checked against what was declared."""
    PURGED = "purged"
    """Its file was destroyed with the document."""


class DocumentVersion(Base):
    """One file of a document: declared, then confirmed against the stored bytes."""

    __tablename__ = "document_versions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "document_id", "number"),
        tenant_fk("document_id", "documents"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The version's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The organization that holds the record."
    )
    document_id: Mapped[UUID] = mapped_column(doc="The document.")
    number: Mapped[int | None] = mapped_column(Integer, doc="Its number, from 1, given when confirmed; null while pending.")
    filename: Mapped[str] = mapped_column(String(255), doc="The file's name as uploaded.")
    media_type: Mapped[str] = mapped_column(String(100), doc="Its declared media type (e.g. application/pdf).")
    size: Mapped[int] = mapped_column(BigInteger, doc="Its declared size in bytes.")
    sha256: Mapped[str] = mapped_column(String(64), doc="Its declared SHA-256, lowercase hex.")
    storage_key: Mapped[str] = mapped_column(String(200), doc="Where the store keeps the bytes.")
    status: Mapped[VersionStatus] = mapped_column(pg_enum(VersionStatus, "document_version_status"), doc="Where its file is.")
    uploaded_by: Mapped[UUID] = mapped_column(doc="User or service account that uploaded it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When declared (UTC).")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When confirmed (UTC).")


class RecordsRequestStatus(StrEnum):
    """Where a records request is: open until fulfilled or denied, once."""

    OPEN = "open"
    """Waiting for the association's answer."""
    FULFILLED = "fulfilled"
    """Answered with the records (documents named)."""
    DENIED = "denied"
    """Refused, with the reason."""


class RecordsRequest(TimestampMixin, Booked, Base):
    """An owner's request to inspect an association's records, with the deadline
    the rules give the association to answer (in business days)."""

    __tablename__ = "records_requests"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "user_id": "requested_by"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The request's id.")
    requested_by: Mapped[UUID] = mapped_column(doc="The owner (user) who asked.")
    description: Mapped[str] = mapped_column(String(4000), doc="The records asked for, as the owner describes them.")
    status: Mapped[RecordsRequestStatus] = mapped_column(
        pg_enum(RecordsRequestStatus, "records_request_status"), doc="Open, fulfilled or denied."
    )
    submitted_on: Mapped[date] = mapped_column(Date, doc="Day it was received; the deadline runs from it.")
    due_on: Mapped[date] = mapped_column(Date, doc="Last day to answer (business days from the rules).")
    rules_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The jurisdiction rules applied, by key: value, source, citation, statute version."
    )
    answered_on: Mapped[date | None] = mapped_column(Date, doc="Day it was fulfilled or denied.")
    answered_by: Mapped[UUID | None] = mapped_column(doc="Who answered.")
    answer: Mapped[str | None] = mapped_column(String(4000), doc="The answer: a note with the records, or the denial's reason.")
    document_ids: Mapped[list[UUID]] = mapped_column(ARRAY(Uuid), doc="The documents given (fulfilled).")
    escalated_on: Mapped[date | None] = mapped_column(Date, doc="Day it was escalated for passing its deadline unanswered.")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its deadline workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


DocumentId = register_id(Document, "doc", "document")
DocumentVersionId = register_id(DocumentVersion, "dov", "document")
RecordsRequestId = register_id(RecordsRequest, "rrq", "records_request")
