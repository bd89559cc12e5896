"""The bodies that govern an association, the seats on them and the offices
their members hold.

A seat is one person's term on one body: who (a party of the association),
from when, until when, and how they came to it (elected or appointed). Terms
are history: a term is never deleted, and of a recorded term only its end may
move earlier (a resignation, a removal), once, with the reason. The board role
of a user follows from a current term on a board (`service/access.py`), so the
day a term ends its powers end. Offices (president, treasurer…) are held by a
seat's holder for part or all of the term.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Date, DateTime, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class GoverningBodyKind(StrEnum):
    """The association's board of directors, or one of its committees (architectural review, finance…)."""

    BOARD = "board"
    """The board of directors."""
    COMMITTEE = "committee"
    """A committee (architectural review, finance…)."""


class GoverningBodyStatus(StrEnum):
    """A body sits until it is dissolved; a dissolved one keeps its history."""

    ACTIVE = "active"
    """Sitting."""
    DISSOLVED = "dissolved"
    """Dissolved; its history is kept."""


class GoverningBody(TimestampMixin, Booked, Base):
    """A board or committee of an association, with the number of seats its
    governing documents give it."""

    __tablename__ = "governing_bodies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "name"),
        tenant_fk("association_id", "associations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The body's id.")
    kind: Mapped[GoverningBodyKind] = mapped_column(pg_enum(GoverningBodyKind, "governing_body_kind"), doc="Board or committee.")
    name: Mapped[str] = mapped_column(
        String(120), doc="Name, unique in the association (e.g. Board of Directors, Architectural Review Committee)."
    )
    purpose: Mapped[str | None] = mapped_column(String(500), doc="What the body decides, as its charter says.")
    seat_count: Mapped[int] = mapped_column(
        SmallInteger, doc="Seats the governing documents give the body (1–99): terms at once never exceed it."
    )
    status: Mapped[GoverningBodyStatus] = mapped_column(
        pg_enum(GoverningBodyStatus, "governing_body_status"), doc="Active, or dissolved (no new terms)."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class SeatFilledBy(StrEnum):
    """How the holder came to the seat: elected by the members, or appointed (by the board, to fill a vacancy or a committee)."""

    ELECTED = "elected"
    """Elected by the members."""
    APPOINTED = "appointed"
    """Appointed by the board."""


class SeatEndReason(StrEnum):
    """Why a term ended before its scheduled end."""

    RESIGNED = "resigned"
    """The holder resigned."""
    REMOVED = "removed"
    """The holder was removed (recall or vote)."""
    DISQUALIFIED = "disqualified"
    """The holder stopped qualifying (e.g. sold their unit)."""
    DECEASED = "deceased"
    """The holder died."""


class Seat(TimestampMixin, Booked, Base):
    """One person's term on a body: from `starts_on` until `ends_on`, the day
    its powers end (exclusive: on that day the holder is no longer a member)."""

    __tablename__ = "seats"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("body_id", "governing_bodies"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The term's id.")
    body_id: Mapped[UUID] = mapped_column(doc="The board or committee.")
    party_id: Mapped[UUID] = mapped_column(doc="Who holds the seat (a person of the association).")
    filled_by: Mapped[SeatFilledBy] = mapped_column(pg_enum(SeatFilledBy, "seat_filled_by"), doc="Elected or appointed.")
    starts_on: Mapped[date] = mapped_column(Date, doc="First day of the term.")
    ends_on: Mapped[date] = mapped_column(
        Date, doc="The day the term ends: from this day on the seat gives no powers (the day after its last day)."
    )
    ended_early: Mapped[SeatEndReason | None] = mapped_column(
        pg_enum(SeatEndReason, "seat_end_reason"), doc="Why the term ended before its scheduled end, if it did."
    )
    scheduled_ends_on: Mapped[date] = mapped_column(Date, doc="The end the term was filled with (kept when it ends early).")


class OfficeTitle(StrEnum):
    """An office a body's member may hold."""

    PRESIDENT = "president"
    """President."""
    VICE_PRESIDENT = "vice_president"
    """Vice president."""
    SECRETARY = "secretary"
    """Secretary."""
    TREASURER = "treasurer"
    """Treasurer."""
    CHAIR = "chair"
    """Chair."""
    VICE_CHAIR = "vice_chair"
    """Vice chair."""


class Office(TimestampMixin, Booked, Base):
    """An office held by a seat's holder, within the seat's term. One holder per
    title and body at a time: assigning the title ends the previous holding."""

    __tablename__ = "offices"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("body_id", "governing_bodies"),
        association_fk("seat_id", "seats"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The office holding's id.")
    body_id: Mapped[UUID] = mapped_column(doc="The body whose office it is.")
    seat_id: Mapped[UUID] = mapped_column(doc="The term of the member who holds it.")
    title: Mapped[OfficeTitle] = mapped_column(pg_enum(OfficeTitle, "office_title"), doc="The office.")
    starts_on: Mapped[date] = mapped_column(Date, doc="First day in office.")
    ends_on: Mapped[date] = mapped_column(
        Date, doc="The day the holding ends (exclusive): its seat's end unless someone else took the title earlier."
    )


GoverningBodyId = register_id(GoverningBody, "gvb", "governing_body")
SeatId = register_id(Seat, "sea", "governing_body")
OfficeId = register_id(Office, "ofc", "governing_body")
