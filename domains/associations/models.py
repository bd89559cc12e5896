"""The association and property model every other domain hangs on.

An organization (a self-managed association, or a management company running
many) holds associations; an association holds units; parties (people and
companies) own units over date ranges and live in them. Every table carries
`organization_id` and points at its parents through composite keys
`(organization_id, x_id)`, so no row can reach into another tenant.

Relationships are deliberately absent: reads go through request-scoped loaders,
so nothing can lazy-load past one (the same guarantee as `lazy="raise"`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.identity import models as _identity  # noqa: F401  (FK target)
from domains.organizations import models as _organizations  # noqa: F401  (FK target)
from graph.db import (
    Base,
    TenantMixin,
    TimestampMixin,
    new_id,
    pg_enum,
    tenant_fk,
)
from graph.schemas import register_id


class _Updated:
    # Fetch the new updated_at with RETURNING when a change is flushed, so a
    # handler can answer with it without another round trip.
    __mapper_args__: ClassVar[dict[str, Any]] = {"eager_defaults": True}

    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


# --- associations -----------------------------------------------------------


class AssociationKind(StrEnum):
    """The legal form of a community association."""

    HOA = "hoa"
    """A homeowners' (planned development) association."""
    CONDOMINIUM = "condominium"
    """A condominium association."""
    COOPERATIVE = "cooperative"
    """A housing cooperative."""
    MASTER = "master"
    """A master association over sub-associations."""


class AssociationStatus(StrEnum):
    """Whether the association is being set up, run, or no longer served."""

    ONBOARDING = "onboarding"
    """Being set up: books and units are being entered."""
    ACTIVE = "active"
    """Run day to day."""
    INACTIVE = "inactive"
    """No longer served; kept for history."""


class AccountingBasis(StrEnum):
    """How the association's books recognise income and expenses."""

    CASH = "cash"
    """Income when received, expenses when paid."""
    ACCRUAL = "accrual"
    """Income when charged, expenses when incurred."""


class Association(TimestampMixin, _Updated, TenantMixin, Base):
    """A community association (HOA, condominium, co-op or master association):
    its legal and accounting facts, its place under a master association and the
    company that manages it."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "id"}  # what policies read about a row
    __tablename__ = "associations"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "code"),
        tenant_fk("master_association_id", "associations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The association's id.")
    code: Mapped[str] = mapped_column(
        String(12), doc="Short code, unique in the organization; prefixes unit account numbers (e.g. MGV)."
    )
    legal_name: Mapped[str] = mapped_column(String(200), doc="Registered legal name.")
    kind: Mapped[AssociationKind] = mapped_column(pg_enum(AssociationKind, "association_kind"), doc="Legal form.")
    status: Mapped[AssociationStatus] = mapped_column(
        pg_enum(AssociationStatus, "association_status"), doc="Onboarding, active or inactive."
    )
    region: Mapped[str] = mapped_column(
        String(3), doc="State or province of incorporation (ISO 3166-2 subdivision code, e.g. CA)."
    )
    country: Mapped[str] = mapped_column(String(2), doc="Country of incorporation (ISO 3166-1 alpha-2, e.g. US).")
    tax_id: Mapped[str | None] = mapped_column(
        String(20),
        doc="Employer identification number (EIN), if any. "
        "Only staff, the board, auditors and integrations read it (owners and tenants read null).",
    )
    fiscal_year_start_month: Mapped[int] = mapped_column(SmallInteger, doc="Month the fiscal year starts, 1–12.")
    accounting_basis: Mapped[AccountingBasis] = mapped_column(
        pg_enum(AccountingBasis, "accounting_basis"), doc="Cash or accrual basis."
    )
    master_association_id: Mapped[UUID | None] = mapped_column(
        doc="The master association this one belongs to, if any (same organization)."
    )
    managing_organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"),
        doc="The management company that manages this association, if any.",
    )


# --- units ------------------------------------------------------------------


# Kept in step with migration 0006's generated column.
UNIT_SORT = (
    "coalesce(lpad(substring(unit_number from '^[0-9]+'), 10, '0') || substring(unit_number from '^[0-9]+(.*)$'), unit_number)"
)


class UnitType(StrEnum):
    """What kind of space a unit is."""

    SINGLE_FAMILY = "single_family"
    """A detached house."""
    CONDO = "condo"
    """A condominium unit."""
    TOWNHOME = "townhome"
    """A townhouse."""
    COMMERCIAL = "commercial"
    """A commercial space."""
    PARKING = "parking"
    """A parking space."""
    STORAGE = "storage"
    """A storage unit."""


class UnitStatus(StrEnum):
    """Active units count toward shares and are assessed; inactive ones (merged,
    demolished, entered by mistake) keep their history but no longer count."""

    ACTIVE = "active"
    """Counts toward shares and is assessed."""
    INACTIVE = "inactive"
    """Merged, demolished or entered by mistake: history kept, no longer counted."""


class Unit(TimestampMixin, _Updated, TenantMixin, Base):
    """A lot, home, apartment or other space of an association, with its address
    and its share of votes and assessments."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "unit_id": "id",
        "association_id": "association_id",
    }  # what policies read about a row
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # Lets ledgers reference a unit of one association only (accounting's composite keys).
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "unit_number"),
        tenant_fk("association_id", "associations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The unit's id.")
    association_id: Mapped[UUID] = mapped_column(doc="The association the unit belongs to.")
    unit_number: Mapped[str] = mapped_column(String(20), doc="Unit or lot number, unique in the association (e.g. 12B).")
    unit_sort: Mapped[str] = mapped_column(
        String(40), Computed(UNIT_SORT), doc="Unit number as it sorts: a leading number zero-padded (2 before 10)."
    )
    building: Mapped[str | None] = mapped_column(String(60), doc="Building, section or phase, if any.")
    unit_type: Mapped[UnitType] = mapped_column(pg_enum(UnitType, "unit_type"), doc="What kind of space it is.")
    status: Mapped[UnitStatus] = mapped_column(pg_enum(UnitStatus, "unit_status"), doc="Active or inactive.")
    street: Mapped[str] = mapped_column(String(200), doc="Street address, including the unit designator.")
    city: Mapped[str] = mapped_column(String(100), doc="City.")
    region: Mapped[str] = mapped_column(String(3), doc="State or province (ISO 3166-2 subdivision code).")
    postal_code: Mapped[str] = mapped_column(String(10), doc="ZIP or postal code.")
    country: Mapped[str] = mapped_column(String(2), doc="Country (ISO 3166-1 alpha-2).")
    square_feet: Mapped[int | None] = mapped_column(Integer, doc="Living or usable area in square feet, if known.")
    voting_weight: Mapped[Decimal] = mapped_column(
        Numeric(9, 8),
        doc="Fraction of the association's votes (0–1, up to 8 decimals). Active units sum to at most 1.",
    )
    assessment_share: Mapped[Decimal] = mapped_column(
        Numeric(9, 8),
        doc="Fraction of each assessment billed to this unit (0–1, up to 8 decimals). Active units sum to at most 1.",
    )


class EmergencyContact(TimestampMixin, TenantMixin, Base):
    """Someone to call about a unit in an emergency (owner away, water leak)."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id"}  # what policies read about a row
    __tablename__ = "emergency_contacts"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("unit_id", "units"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The contact's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit.")
    name: Mapped[str] = mapped_column(String(200), doc="Full name.")
    relationship: Mapped[str | None] = mapped_column(String(60), doc="Relationship to the household, e.g. neighbor, sister.")
    phone: Mapped[str] = mapped_column(String(32), doc="Phone number, E.164 preferred (+14155550123).")
    priority: Mapped[int] = mapped_column(SmallInteger, doc="Call order, 1 first.")


# --- parties ----------------------------------------------------------------


class PartyKind(StrEnum):
    """A natural person or a legal entity (company, trust, bank)."""

    PERSON = "person"
    """A natural person."""
    COMPANY = "company"
    """A legal entity: a company, trust or bank."""


class DeliveryPreference(StrEnum):
    """How the party wants notices and statements: by post, electronically (needs
    recorded consent), or both."""

    POSTAL = "postal"
    """By post."""
    ELECTRONIC = "electronic"
    """Electronically (needs the party's recorded consent)."""
    BOTH = "both"
    """By post and electronically."""


class Party(TimestampMixin, _Updated, TenantMixin, Base):
    """A person or company that owns, rents or lives in units. Linked to a user
    account, a party is how that user's login finds "my units"."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"party_id": "id"}  # what policies read about a row
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("organization_id", "id"), UniqueConstraint("organization_id", "user_id"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The party's id.")
    kind: Mapped[PartyKind] = mapped_column(pg_enum(PartyKind, "party_kind"), doc="Person or company.")
    name: Mapped[str] = mapped_column(
        String(200), doc="Full name as it appears on statements (e.g. Jane Q. Doe, Doe Family Trust)."
    )
    user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        doc="The user account of this party, if they have one; at most one party per user in an organization.",
    )
    delivery_preference: Mapped[DeliveryPreference] = mapped_column(
        pg_enum(DeliveryPreference, "delivery_preference"), doc="Postal, electronic or both."
    )
    electronic_consent_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True),
        doc="When the party consented to electronic delivery; required for electronic or both.",
    )
    mailing_address: Mapped[str | None] = mapped_column(
        String(400), doc="Mailing address for notices when it differs from the unit address (several lines)."
    )


class ContactPointKind(StrEnum):
    """The channel of a contact point."""

    EMAIL = "email"
    """An email address."""
    PHONE = "phone"
    """A phone number."""


class ContactPoint(TimestampMixin, TenantMixin, Base):
    """An email address or phone number of a party."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"party_id": "party_id"}  # what policies read about a row
    __tablename__ = "contact_points"
    __table_args__ = (UniqueConstraint("organization_id", "id"), tenant_fk("party_id", "parties"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The contact point's id.")
    party_id: Mapped[UUID] = mapped_column(doc="The party.")
    kind: Mapped[ContactPointKind] = mapped_column(pg_enum(ContactPointKind, "contact_point_kind"), doc="Email or phone.")
    value: Mapped[str] = mapped_column(String(254), doc="The address or number (phone E.164 preferred).")
    label: Mapped[str | None] = mapped_column(String(30), doc="Free label: home, work, mobile.")
    is_primary: Mapped[bool] = mapped_column(Boolean, doc="The one to use first for its kind.")


# --- ownership and residency ----------------------------------------------


class Ownership(TimestampMixin, TenantMixin, Base):
    """A party's ownership of a unit over a date range. History is never
    overwritten: a transfer ends the current ownerships and starts new ones.
    The database lets a current ownership change only its end date (once) and
    primary flag, freezes an ended one, and deletes nothing."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "party_id": "party_id"}  # what policies read about a row
    __tablename__ = "ownerships"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("unit_id", "units"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The ownership's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit owned.")
    party_id: Mapped[UUID] = mapped_column(doc="The owner.")
    interest: Mapped[Decimal] = mapped_column(
        Numeric(5, 4), doc="Fraction of the unit this owner holds (0–1); co-owners' current interests sum to at most 1."
    )
    starts_on: Mapped[date] = mapped_column(Date, doc="First day of ownership (e.g. the deed's recording date).")
    ends_on: Mapped[date | None] = mapped_column(
        Date, doc="Day the ownership ended (exclusive: the next owner's first day); null while current."
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, doc="The owner statements and notices are addressed to first.")


class ResidentKind(StrEnum):
    """Why someone lives in a unit."""

    OWNER = "owner"
    """An owner living in the unit."""
    TENANT = "tenant"
    """A tenant renting the unit."""
    HOUSEHOLD_MEMBER = "household_member"
    """Someone living with an owner or tenant."""


class Resident(TimestampMixin, TenantMixin, Base):
    """A party living in a unit — owner-occupant, tenant or household member —
    with move-in and move-out dates."""

    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "party_id": "party_id"}  # what policies read about a row
    __tablename__ = "residents"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("unit_id", "units"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The residency's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit lived in.")
    party_id: Mapped[UUID] = mapped_column(doc="The resident.")
    kind: Mapped[ResidentKind] = mapped_column(pg_enum(ResidentKind, "resident_kind"), doc="Owner, tenant or household member.")
    moved_in_on: Mapped[date] = mapped_column(Date, doc="Move-in date.")
    moved_out_on: Mapped[date | None] = mapped_column(Date, doc="Move-out date (exclusive); null while living there.")


AssociationId = register_id(Association, "asn", "association")
UnitId = register_id(Unit, "unt", "unit")
EmergencyContactId = register_id(EmergencyContact, "emc", "unit")
PartyId = register_id(Party, "pty", "party")
ContactPointId = register_id(ContactPoint, "cpt", "party")
OwnershipId = register_id(Ownership, "own", "ownership")
ResidentId = register_id(Resident, "res", "resident")
