"""Resale and estoppel certificates: the forms each jurisdiction prescribes
(platform data, the same for every organization, versioned by effective date)
and the certificates issued from them.

A certificate is what the association said on the day it was issued — the
ledger's balance and items, the charges to come, the open violations, the
governing documents and insurance on file — kept as printed (`figures`) with
its PDF in the documents library. It is never changed afterwards (the
application role may not update or delete it); it goes stale when its
validity, from the form, has passed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Date, DateTime, ForeignKeyConstraint, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.documents import models as _documents  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class EstoppelForm(Base):
    """One version of a jurisdiction's certificate form: the fields it asks for,
    how long a certificate stays valid and what it may cost."""

    __tablename__ = "estoppel_forms"
    __table_args__ = (UniqueConstraint("jurisdiction", "effective_on"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The form version's id.")
    jurisdiction: Mapped[str] = mapped_column(
        String(10), doc="Country and subdivision (ISO 3166-2, e.g. US-FL), or `default` for anywhere without a form here."
    )
    effective_on: Mapped[date] = mapped_column(Date, doc="First day this version is in force.")
    title: Mapped[str] = mapped_column(String(200), doc="The certificate's title (e.g. Estoppel Certificate).")
    citation: Mapped[str] = mapped_column(String(400), doc="The statute that prescribes the form.")
    validity_days: Mapped[int] = mapped_column(Integer, doc="Days from issue a certificate stays valid.")
    validity_citation: Mapped[str] = mapped_column(String(400), doc="Where the validity period comes from.")
    fee: Mapped[Decimal] = mapped_column(MONEY, doc="The fee for a certificate.")
    delinquent_fee: Mapped[Decimal] = mapped_column(MONEY, doc="Added to the fee when the unit owes money on the day of issue.")
    fee_citation: Mapped[str] = mapped_column(String(400), doc="Where the fees come from.")
    sections: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, doc="The form's sections: a heading and fields, each a live figure (`source`) or fixed `text`."
    )


class EstoppelRequesterKind(StrEnum):
    """Who asked for a certificate."""

    OWNER = "owner"
    """An owner of the unit, for themselves."""
    STAFF = "staff"
    """The association's admin or manager."""
    SERVICE_ACCOUNT = "service_account"
    """An integration through an API key: a title company or closing agent."""


class EstoppelFeeDisposition(StrEnum):
    """How a certificate's fee is paid."""

    OWNER_LEDGER = "owner_ledger"
    """Charged to the unit's owner ledger when issued (an owner's request, or staff's)."""
    AT_CLOSING = "at_closing"
    """Owed by the requesting party and collected at closing: a title company has no account in the association's books."""
    WAIVED = "waived"
    """Waived by the association's admin or manager."""


class EstoppelStatus(StrEnum):
    """Whether a certificate may still be relied on."""

    CURRENT = "current"
    """Within its validity period."""
    STALE = "stale"
    """Past its validity date: request a new one."""


class EstoppelCertificate(Booked, Base):
    """A resale or estoppel certificate for a unit, as issued: never changed afterwards."""

    __tablename__ = "estoppel_certificates"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("unit_id", "units"),
        tenant_fk("document_id", "documents"),
        tenant_fk("fee_entry_id", "owner_ledger_entries"),
    )
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The certificate's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit it certifies.")
    jurisdiction: Mapped[str] = mapped_column(String(10), doc="The jurisdiction whose form it follows (e.g. US-FL, default).")
    form_effective_on: Mapped[date] = mapped_column(Date, doc="Effective date of the form version used.")
    title: Mapped[str] = mapped_column(String(200), doc="The form's title.")
    citation: Mapped[str] = mapped_column(String(400), doc="The statute that prescribes the form.")
    requester_kind: Mapped[EstoppelRequesterKind] = mapped_column(
        pg_enum(EstoppelRequesterKind, "estoppel_requester_kind"), doc="Owner, staff or a service account (title company)."
    )
    requested_by: Mapped[UUID] = mapped_column(doc="The user or service account that asked.")
    requester_name: Mapped[str] = mapped_column(String(200), doc="The requestor's name as printed.")
    closing_date: Mapped[date | None] = mapped_column(Date, doc="The sale's closing date, if given.")
    issued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was issued (UTC)."
    )
    issued_on: Mapped[date] = mapped_column(Date, doc="The date of issuance: its figures are as of this day.")
    valid_through: Mapped[date] = mapped_column(Date, doc="Last day it is valid (the form's validity from the day of issue).")
    balance: Mapped[Decimal] = mapped_column(MONEY, doc="Amount due on the unit's owner ledger when issued (negative: credit).")
    fee: Mapped[Decimal] = mapped_column(MONEY, doc="The certificate's fee (the form's, plus its delinquency fee where owed).")
    fee_disposition: Mapped[EstoppelFeeDisposition] = mapped_column(
        pg_enum(EstoppelFeeDisposition, "estoppel_fee_disposition"), doc="Charged to the owner ledger, due at closing, or waived."
    )
    fee_entry_id: Mapped[UUID | None] = mapped_column(doc="The owner-ledger charge of the fee, when charged there.")
    document_id: Mapped[UUID] = mapped_column(doc="The PDF, filed in the association's library (staff only; read it here).")
    figures: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="Every figure as printed: the ledger items, charges to come, violations, documents, insurance."
    )


EstoppelCertificateId = register_id(EstoppelCertificate, "est", "estoppel_certificate")
