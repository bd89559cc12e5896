"""Calendar feeds: a user's secret, revocable iCalendar URL.

The URL's token names the feed's organization and id (`hcal_<org><feed>_<secret>`),
so finding it is an ordinary RLS-scoped lookup in that organization; only a
SHA-256 of the secret is stored. Revoking keeps the row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domains.identity import models as _identity  # noqa: F401  (FK targets)
from graph.db import Base, TenantMixin, TimestampMixin, new_id
from graph.schemas import register_id


class CalendarFeed(TimestampMixin, TenantMixin, Base):
    """A user's calendar feed: meetings, charges due and ahead, bookings, ARC and
    violation deadlines of every organization they belong to, each as they may
    see it, at a secret URL that works until revoked."""

    __tablename__ = "calendar_feeds"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"user_id": "user_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        Index("ix_calendar_feeds_user", "organization_id", "user_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The feed's id.")
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), doc="The user whose calendar it is.")
    label: Mapped[str] = mapped_column(String(100), doc="A name for it (e.g. the calendar app it was given to).")
    token_hash: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the URL's secret, hex.")
    token_hint: Mapped[str] = mapped_column(String(8), doc="Last characters of the secret, to recognise the URL.")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was revoked; null while it works.")
    revoked_by: Mapped[UUID | None] = mapped_column(doc="Who revoked it.")


CalendarFeedId = register_id(CalendarFeed, "calf", "calendar_feed")


class CalendarItemKind(StrEnum):
    """What a calendar item is, and which domain it comes from."""

    MEETING = "meeting"
    """A meeting of the members, the board or a committee (governance)."""
    CHARGE_DUE = "charge_due"
    """Charges on a unit's ledger due that day: an assessment, a fee, a fine (receivables)."""
    CHARGE_PROJECTED = "charge_projected"
    """An assessment an active schedule will charge a unit, due that day, not levied yet: the amount is what a levy
    started now would charge the unit (receivables). Once the period is levied, the charge shows as `CHARGE_DUE` instead."""
    AMENITY_BOOKING = "amenity_booking"
    """A booking of an amenity, requested or confirmed (amenities)."""
    ARC_DECISION_DUE = "arc_decision_due"
    """The day an architectural request must be decided by; deemed approved after it where the rules say so."""
    VIOLATION_CURE_DUE = "violation_cure_due"
    """The last day to cure a violation after its notice."""
    VIOLATION_HEARING = "violation_hearing"
    """The day of a violation's hearing."""
