"""Organizations (the tenants), memberships, management links and service accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.identity import models as _identity  # noqa: F401  (users: FK target)
from graph.db import (
    Base,
    TimestampMixin,
    new_id,
    pg_enum,
)
from graph.schemas import register_id


class OrganizationType(StrEnum):
    """What kind of party an organization is."""

    ASSOCIATION = "association"
    """A community association (HOA, condominium, cooperative)."""
    MANAGEMENT_COMPANY = "management_company"
    """A company managing associations."""
    SERVICE_PROVIDER = "service_provider"
    """A vendor doing work for associations (it receives dispatched jobs)."""
    INDIVIDUAL = "individual"
    """A person acting for themselves."""
    COMMERCIAL_CLIENT = "commercial_client"
    """A commercial customer."""


class OrganizationRole(StrEnum):
    """Roles a member can hold inside one organization."""

    ADMIN = "admin"
    """Manages the organization, its members and settings."""
    MANAGER = "manager"
    """Runs the day-to-day work: books, units, vendors, requests."""
    BOARD_MEMBER = "board_member"
    """Sits on an association's board: approves and reads."""
    MEMBER = "member"
    """A member with the least access (e.g. an owner or resident)."""
    AUDITOR = "auditor"
    """Reads the books and records, changes nothing."""
    INTEGRATION = "integration"
    """A service account acting for an integration."""


class Organization(TimestampMixin, Base):
    """A tenant: an association, a management company, a service provider, an
    individual or a commercial client. Its id is the tenant key every row carries."""

    __tablename__ = "organizations"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The organization's id.")
    type: Mapped[OrganizationType] = mapped_column(pg_enum(OrganizationType, "organization_type"), doc="Kind of organization.")
    name: Mapped[str] = mapped_column(String(200), doc="Display name.")


class Membership(TimestampMixin, Base):
    """A user's membership in one organization, with the roles held there."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "user_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The membership's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="Organization the user belongs to."
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), doc="The member.")
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), doc="Roles held in this organization.")


class ManagementLink(TimestampMixin, Base):
    """A management company managing an association. Staff of the company act in the
    association only through a membership there; the link alone grants nothing."""

    __tablename__ = "management_links"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "manager_organization_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The link's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The managed association."
    )
    manager_organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The management company."
    )


class ServiceAccount(TimestampMixin, Base):
    """A non-human principal (integration, AI agent) bound to one organization,
    authenticating with an API key."""

    __tablename__ = "service_accounts"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "created_by_membership_id"],
            ["memberships.organization_id", "memberships.id"],
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The service account's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The only organization it can act in."
    )
    name: Mapped[str] = mapped_column(String(120), doc="Human-readable name.")
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), doc="Roles in its organization.")
    key_hash: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the API key secret.")
    key_hint: Mapped[str] = mapped_column(String(16), doc="Last characters of the key, to recognise it.")
    created_by_membership_id: Mapped[UUID | None] = mapped_column(doc="Membership of the admin who created it.")
    revoked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the key was revoked; null while active."
    )


class JoinRequestStatus(StrEnum):
    """Where a request to join an organization stands."""

    PENDING = "pending"
    """Waiting for an admin's decision."""
    APPROVED = "approved"
    """Approved: the user is a member."""
    DECLINED = "declined"
    """Declined by an admin."""
    EXPIRED = "expired"
    """Not decided in time."""


class JoinRequest(Base):
    """A user's request to join an organization, reviewed by its admins within a
    deadline by a long-running workflow."""

    __tablename__ = "join_requests"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "decided_by_membership_id"],
            ["memberships.organization_id", "memberships.id"],
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The request's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The organization asked to admit the user."
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), doc="Who asks to join.")
    message: Mapped[str] = mapped_column(String(500), doc="Note to the admins, e.g. the unit owned.")
    status: Mapped[JoinRequestStatus] = mapped_column(
        pg_enum(JoinRequestStatus, "join_request_status"), doc="pending until decided or expired."
    )
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of the review workflow; see `workflow(id:)`.")
    decided_by_membership_id: Mapped[UUID | None] = mapped_column(doc="Membership of the admin who decided.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the request was made (UTC)."
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was decided or expired.")


class OrganizationSettings(Base):
    """What an organization allows, set by its admins; an organization without a
    row has the defaults (everything off)."""

    __tablename__ = "organization_settings"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings row's id.")
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True, doc="The organization."
    )
    agent_mutations_allowed: Mapped[bool] = mapped_column(
        Boolean, default=False, doc="Whether AI agents (the MCP endpoint) may call operations that change data."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that last changed them.")


OrganizationId = register_id(Organization, "org", "organization")
MembershipId = register_id(Membership, "mem", "membership")
ServiceAccountId = register_id(ServiceAccount, "sa", "service_account")
ManagementLinkId = register_id(ManagementLink, "mlk", "organization")
JoinRequestId = register_id(JoinRequest, "jrq", "join_request")
