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
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
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


# --- meetings -----------------------------------------------------------------

WEIGHT = Numeric(14, 8)


class MeetingSettings(TimestampMixin, Booked, Base):
    """An association's meeting rules from its governing documents: the quorum
    thresholds and whether proxies may be given. Notice periods are
    jurisdiction rules (overridable, no looser than the statute)."""

    __tablename__ = "meeting_settings"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id"),
        tenant_fk("association_id", "associations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The settings' id.")
    membership_quorum_share: Mapped[Decimal] = mapped_column(
        Numeric(5, 4), doc="Quorum of a membership meeting: at least this share of the units' voting weight present (0–1)."
    )
    board_quorum_share: Mapped[Decimal] = mapped_column(
        Numeric(5, 4), doc="Quorum of a board or committee meeting: more than this share of its seats present (0.5: a majority)."
    )
    proxies_allowed: Mapped[bool] = mapped_column(Boolean, doc="Whether owners may give proxies for membership meetings.")
    cumulative_voting: Mapped[bool] = mapped_column(
        Boolean, doc="Whether the governing documents allow cumulative voting in elections of the board."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )
    updated_by: Mapped[UUID] = mapped_column(doc="Who last changed them.")


class MeetingKind(StrEnum):
    """What meeting it is: the board's (open to members, or in executive
    session), the members' (annual or special), or a committee's."""

    BOARD_OPEN = "board_open"
    """A board meeting open to the members."""
    BOARD_EXECUTIVE = "board_executive"
    """A board meeting held in executive session (the board alone)."""
    ANNUAL_MEMBERSHIP = "annual_membership"
    """The members' annual meeting."""
    SPECIAL_MEMBERSHIP = "special_membership"
    """A special meeting of the members."""
    COMMITTEE = "committee"
    """A committee's meeting."""


MEMBERSHIP_KINDS = frozenset({MeetingKind.ANNUAL_MEMBERSHIP, MeetingKind.SPECIAL_MEMBERSHIP})


class MeetingStatus(StrEnum):
    """Where a meeting is in its lifecycle.

    scheduled → noticed (the notice went out) | canceled | notice_lapsed (the
    last day to send notice passed: the workflow); noticed → in_session |
    canceled | not_held (its day passed unopened: the workflow); in_session →
    adjourned. Adjourned, canceled, notice_lapsed and not_held are final."""

    SCHEDULED = "scheduled"
    """Called; its notice not yet sent."""
    NOTICED = "noticed"
    """Its notice went out."""
    IN_SESSION = "in_session"
    """Called to order."""
    ADJOURNED = "adjourned"
    """Held and adjourned."""
    CANCELED = "canceled"
    """Canceled before it opened."""
    NOTICE_LAPSED = "notice_lapsed"
    """Its notice was not sent by the last day the rules allow (the workflow)."""
    NOT_HELD = "not_held"
    """Noticed but never opened (the workflow, the day after)."""


class Meeting(TimestampMixin, Booked, Base):
    """A meeting of the association's members, its board or a committee: when,
    where (a place, a video link or both), its notice period (from the
    jurisdiction rules in force when it was scheduled, kept in `rulesUsed`),
    and its live quorum tally."""

    __tablename__ = "meetings"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "kind": "kind"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        tenant_fk("association_id", "associations"),
        association_fk("body_id", "governing_bodies"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The meeting's id.")
    body_id: Mapped[UUID | None] = mapped_column(doc="The board or committee meeting (null for a membership meeting).")
    kind: Mapped[MeetingKind] = mapped_column(pg_enum(MeetingKind, "meeting_kind"), doc="What meeting it is.")
    title: Mapped[str] = mapped_column(String(200), doc="Its title (e.g. 2027 Annual Meeting of the Members).")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When it starts.")
    place: Mapped[str | None] = mapped_column(String(300), doc="Where it is held, if in person.")
    video_link: Mapped[str | None] = mapped_column(String(500), doc="The video-conference link, if any.")
    status: Mapped[MeetingStatus] = mapped_column(pg_enum(MeetingStatus, "meeting_status"), doc="Where it is now.")
    notice_days: Mapped[int] = mapped_column(SmallInteger, doc="Days of notice the rules require before it.")
    notice_by: Mapped[date] = mapped_column(Date, doc="The last day its notice may go out.")
    notice_not_before: Mapped[date | None] = mapped_column(
        Date, doc="The first day its notice may go out (membership meetings: the rules' longest notice)."
    )
    jurisdiction: Mapped[str] = mapped_column(String(10), doc="The jurisdiction whose rules apply (e.g. US-CA, default).")
    rules_used: Mapped[dict[str, Any]] = mapped_column(
        JSONB, doc="The notice rules applied, by key: value, source, citation, statute version (effective date)."
    )
    quorum_total: Mapped[Decimal] = mapped_column(
        WEIGHT, doc="The whole of the votes: the active units' voting weight, or the body's seats."
    )
    quorum_required: Mapped[Decimal] = mapped_column(WEIGHT, doc="The weight (or seats) present that make a quorum.")
    present_weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="The weight (or seats) present now, each unit counted once.")
    present_voters: Mapped[int] = mapped_column(Integer, doc="Units (or seats) present now.")
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was called to order.")
    adjourned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it adjourned.")
    called_by: Mapped[UUID] = mapped_column(doc="User or service account that scheduled it.")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its lifecycle workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class MeetingTransition(Booked, Base):
    """One change of a meeting's status: who (null: its workflow, on a deadline), when, from what, to what, why."""

    __tablename__ = "meeting_transitions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (UniqueConstraint("organization_id", "id"), association_fk("meeting_id", "meetings"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    from_status: Mapped[MeetingStatus | None] = mapped_column(
        pg_enum(MeetingStatus, "meeting_status"), doc="Status before (null when scheduled)."
    )
    to_status: Mapped[MeetingStatus] = mapped_column(pg_enum(MeetingStatus, "meeting_status"), doc="Status after.")
    actor_id: Mapped[UUID | None] = mapped_column(doc="User or service account; null when the workflow moved it.")
    note: Mapped[str | None] = mapped_column(String(1000), doc="Why.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class MeetingAgendaItem(Booked, Base):
    """An item of a meeting's agenda, in order."""

    __tablename__ = "meeting_agenda_items"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "meeting_id", "position"),
        association_fk("meeting_id", "meetings"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The item's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    position: Mapped[int] = mapped_column(SmallInteger, doc="Its place on the agenda (1, 2, …).")
    title: Mapped[str] = mapped_column(String(300), doc="What it is about.")
    description: Mapped[str | None] = mapped_column(String(4000), doc="More detail, as the notice gives it.")
    requires_vote: Mapped[bool] = mapped_column(Boolean, doc="Whether a vote is expected on it (directed proxies name these).")


class MeetingNotice(Booked, Base):
    """The notice of a meeting as sent to one recipient: who, how, where to,
    on which day. Delivery itself is the communications service's; this is
    the record of what was sent to whom."""

    __tablename__ = "meeting_notices"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "meeting_id", "party_id"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The notice's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    party_id: Mapped[UUID] = mapped_column(doc="The recipient.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit the recipient owns (null for a board member noticed as such).")
    method: Mapped[str] = mapped_column(String(40), doc="How it was sent: email (consent on file) or first_class_mail.")
    address: Mapped[str] = mapped_column(String(400), doc="Where it was sent: an email address or a mailing address.")
    sent_on: Mapped[date] = mapped_column(Date, doc="The day it went out.")
    sent_by: Mapped[UUID] = mapped_column(doc="User or service account that sent it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When recorded (UTC).")


class ProxyKind(StrEnum):
    """A general proxy lets the holder vote as they see fit; a directed one says how to vote on each item it names."""

    GENERAL = "general"
    """The holder votes as they see fit."""
    DIRECTED = "directed"
    """The holder votes as directed on each named item."""


class MeetingProxy(Booked, Base):
    """An owner's proxy for one meeting: who holds the unit's vote (another
    owner, or a named person), general or directed. Revocable until the
    meeting opens; one proxy in force per unit and meeting."""

    __tablename__ = "meeting_proxies"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "unit_id": "unit_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        tenant_fk("grantor_party_id", "parties"),
        tenant_fk("holder_party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The proxy's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting it is for.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose vote it carries.")
    grantor_party_id: Mapped[UUID] = mapped_column(doc="The owner who gave it.")
    holder_party_id: Mapped[UUID | None] = mapped_column(doc="The holder, when a party of the association.")
    holder_name: Mapped[str | None] = mapped_column(String(200), doc="The holder, when a named person not on file.")
    kind: Mapped[ProxyKind] = mapped_column(pg_enum(ProxyKind, "proxy_kind"), doc="General or directed.")
    directions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, doc="A directed proxy's instructions: the agenda item and the vote (yes, no, abstain) for each."
    )
    granted_by: Mapped[UUID] = mapped_column(doc="User who recorded it (the owner, or staff from a paper form).")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was revoked, if it was.")
    revoked_by: Mapped[UUID | None] = mapped_column(doc="Who revoked it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When given (UTC).")


class MeetingAttendance(Booked, Base):
    """Someone checked in at a meeting: an owner for their unit, a proxy
    holder for the unit of the proxy, or a member of the body for their seat.
    `leftAt` is set when they leave; the row stays."""

    __tablename__ = "meeting_attendance"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        association_fk("seat_id", "seats"),
        tenant_fk("party_id", "parties"),
        tenant_fk("proxy_id", "meeting_proxies"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The check-in's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    voter_id: Mapped[UUID] = mapped_column(doc="Whose vote the attendee brings: the unit's id, or the seat's.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit represented (membership meetings).")
    seat_id: Mapped[UUID | None] = mapped_column(doc="The seat of the body's member (board and committee meetings).")
    party_id: Mapped[UUID | None] = mapped_column(doc="The attendee, when a party of the association.")
    proxy_id: Mapped[UUID | None] = mapped_column(doc="The proxy the attendee holds for the unit, if attending by proxy.")
    attendee_name: Mapped[str] = mapped_column(String(200), doc="The attendee's name.")
    weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="The vote it brings: the unit's voting weight, or 1 for a seat.")
    checked_in_by: Mapped[UUID] = mapped_column(doc="Who checked them in.")
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When they left, if they did.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When they checked in.")


class MeetingPresence(Booked, Base):
    """A unit (or seat) present at a meeting now and how many of its people are
    in the room: its weight counts once in the meeting's tally however many."""

    __tablename__ = "meeting_presence"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "meeting_id", "voter_id"),
        association_fk("meeting_id", "meetings"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The row's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    voter_id: Mapped[UUID] = mapped_column(doc="The unit or seat present.")
    weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="Its weight.")
    attendees: Mapped[int] = mapped_column(Integer, doc="Its people in the room.")


class MotionStatus(StrEnum):
    """moved → open (seconded: votes may be cast) → carried | failed; moved or open → withdrawn."""

    MOVED = "moved"
    """Moved, waiting for a second."""
    OPEN = "open"
    """Seconded: votes are being taken."""
    CARRIED = "carried"
    """More yes than no."""
    FAILED = "failed"
    """Not carried."""
    WITHDRAWN = "withdrawn"
    """Withdrawn before a result."""


class MeetingMotion(Booked, Base):
    """A motion made at a meeting: its text, who moved and seconded it, the
    tally (weights at membership meetings, seats at board meetings) and the result."""

    __tablename__ = "meeting_motions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("meeting_id", "meetings"),
        association_fk("agenda_item_id", "meeting_agenda_items"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The motion's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    agenda_item_id: Mapped[UUID | None] = mapped_column(doc="The agenda item it decides, if any.")
    text: Mapped[str] = mapped_column(String(2000), doc="What is moved.")
    moved_by: Mapped[str] = mapped_column(String(200), doc="Who moved it.")
    seconded_by: Mapped[str | None] = mapped_column(String(200), doc="Who seconded it.")
    status: Mapped[MotionStatus] = mapped_column(pg_enum(MotionStatus, "motion_status"), doc="Where it is.")
    votes_for: Mapped[Decimal] = mapped_column(WEIGHT, doc="Weight (or seats) voting yes.")
    votes_against: Mapped[Decimal] = mapped_column(WEIGHT, doc="Weight (or seats) voting no.")
    abstentions: Mapped[Decimal] = mapped_column(WEIGHT, doc="Weight (or seats) abstaining.")
    present_at_close: Mapped[Decimal | None] = mapped_column(WEIGHT, doc="Weight (or seats) present when the vote closed.")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the result was declared.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When it was moved.")


class VoteChoice(StrEnum):
    """A vote on a motion."""

    YES = "yes"
    """For."""
    NO = "no"
    """Against."""
    ABSTAIN = "abstain"
    """Neither."""


class MeetingVote(Booked, Base):
    """One vote on a motion: by name at a board meeting (the seat's holder),
    by unit with its weight at a membership meeting (the owner's, or the proxy
    holder's for them). A unit or seat votes once per motion."""

    __tablename__ = "meeting_votes"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "motion_id", "voter_id"),
        association_fk("motion_id", "meeting_motions"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        association_fk("seat_id", "seats"),
        tenant_fk("proxy_id", "meeting_proxies"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The vote's id.")
    motion_id: Mapped[UUID] = mapped_column(doc="The motion.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting.")
    voter_id: Mapped[UUID] = mapped_column(doc="The unit or seat voting.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit voting (membership meetings).")
    seat_id: Mapped[UUID | None] = mapped_column(doc="The seat voting (board and committee meetings).")
    voter_name: Mapped[str] = mapped_column(String(200), doc="Who cast it (board meetings: the member by name).")
    proxy_id: Mapped[UUID | None] = mapped_column(doc="The proxy it was cast under, if any.")
    choice: Mapped[VoteChoice] = mapped_column(pg_enum(VoteChoice, "vote_choice"), doc="Yes, no or abstain.")
    weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="Its weight: the unit's voting weight, or 1 for a seat.")
    recorded_by: Mapped[UUID] = mapped_column(doc="Who recorded it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When cast (UTC).")


class MeetingMinutes(Booked, Base):
    """A version of a meeting's minutes. Drafts follow one another; once one is
    approved (at a later meeting), it is the minutes for good and no later
    version can be drafted."""

    __tablename__ = "meeting_minutes"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "meeting_id", "version"),
        association_fk("meeting_id", "meetings"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The version's id.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting they record.")
    version: Mapped[int] = mapped_column(Integer, doc="1 for the first draft, then 2, 3…")
    text: Mapped[str] = mapped_column(Text, doc="The minutes.")
    drafted_by: Mapped[UUID] = mapped_column(doc="Who drafted this version.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When drafted (UTC).")


class MeetingMinutesApproval(Booked, Base):
    """The approval of a meeting's minutes (one version), at a later meeting."""

    __tablename__ = "meeting_minutes_approvals"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "meeting_id"),
        association_fk("minutes_id", "meeting_minutes"),
        association_fk("meeting_id", "meetings"),
        association_fk("approved_at_meeting_id", "meetings"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The approval's id.")
    minutes_id: Mapped[UUID] = mapped_column(doc="The version approved.")
    meeting_id: Mapped[UUID] = mapped_column(doc="The meeting the minutes record.")
    approved_at_meeting_id: Mapped[UUID] = mapped_column(doc="The later meeting that approved them.")
    approved_by: Mapped[UUID] = mapped_column(doc="Who recorded the approval.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


# --- elections -----------------------------------------------------------------


class ElectionMethod(StrEnum):
    """How a ballot counts."""

    PLURALITY = "plurality"
    """Each ballot marks up to as many candidates as there are seats, one vote each."""
    CUMULATIVE = "cumulative"
    """Each ballot has as many votes as there are seats, spread over candidates or piled on one (where the settings allow)."""


class ElectionStatus(StrEnum):
    """Where an election is.

    nominating → voting (its workflow, when nominations close) | canceled;
    voting → closed (its workflow, when the window ends; the ballot box is
    emptied into the ballots, shuffled); closed → tallying (the inspector asks)
    → tallied (its workflow counts) → certified (the inspector: the seats are
    filled). Certified and canceled are final."""

    NOMINATING = "nominating"
    """Taking candidates."""
    VOTING = "voting"
    """The candidate list is fixed and ballots are being cast."""
    CLOSED = "closed"
    """The window has ended; the ballots wait for the inspector."""
    TALLYING = "tallying"
    """The inspector asked for the count; the workflow is counting."""
    TALLIED = "tallied"
    """Counted; waiting for the inspector to certify."""
    CERTIFIED = "certified"
    """Certified by the inspector; the winners' seats are filled."""
    CANCELED = "canceled"
    """Canceled (no candidates when nominations closed, or by the board before voting)."""


class Election(TimestampMixin, Booked, Base):
    """An election of members to a board's (or committee's) seats: the call for
    candidates, the voting window, the inspector who counts and certifies, and
    the totals of what was cast. Who voted is `election_voters`; what they voted
    is `election_ballots`, with no key between the two."""

    __tablename__ = "elections"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {
        "association_id": "association_id",
        "inspector_user_id": "inspector_user_id",
    }
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        tenant_fk("association_id", "associations"),
        association_fk("body_id", "governing_bodies"),
        association_fk("meeting_id", "meetings"),
        tenant_fk("inspector_party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The election's id.")
    body_id: Mapped[UUID] = mapped_column(doc="The board or committee whose seats are filled.")
    meeting_id: Mapped[UUID | None] = mapped_column(
        doc="The membership meeting it is held at, if any: that meeting's proxies vote for their units."
    )
    title: Mapped[str] = mapped_column(String(200), doc="Its title (e.g. 2027 Board Election).")
    seats_to_fill: Mapped[int] = mapped_column(SmallInteger, doc="Seats to fill (1–99).")
    term_starts_on: Mapped[date] = mapped_column(Date, doc="First day of the winners' terms.")
    term_ends_on: Mapped[date] = mapped_column(Date, doc="The day the winners' terms end (exclusive).")
    method: Mapped[ElectionMethod] = mapped_column(pg_enum(ElectionMethod, "election_method"), doc="How a ballot counts.")
    status: Mapped[ElectionStatus] = mapped_column(pg_enum(ElectionStatus, "election_status"), doc="Where it is.")
    nominations_close_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), doc="When nominations close and voting opens."
    )
    voting_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When voting closes.")
    inspector_party_id: Mapped[UUID] = mapped_column(doc="The inspector of elections (a person with a login, not a candidate).")
    inspector_user_id: Mapped[UUID] = mapped_column(doc="The inspector's login: who may tally and certify.")
    eligible_units: Mapped[int | None] = mapped_column(Integer, doc="Units entitled to vote when voting opened.")
    eligible_weight: Mapped[Decimal | None] = mapped_column(WEIGHT, doc="Their voting weight when voting opened.")
    ballots_cast: Mapped[int] = mapped_column(Integer, doc="Units that have voted.")
    weight_cast: Mapped[Decimal] = mapped_column(WEIGHT, doc="Their voting weight.")
    tallied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the count was made.")
    certified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the inspector certified it.")
    called_by: Mapped[UUID] = mapped_column(doc="User or service account that called it.")
    workflow_id: Mapped[str] = mapped_column(String(80), doc="Id of its workflow; see `workflow(id:)`.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class ElectionTransition(Booked, Base):
    """One change of an election's status: who (null: its workflow), when, from what, to what, why."""

    __tablename__ = "election_transitions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (UniqueConstraint("organization_id", "id"), association_fk("election_id", "elections"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transition's id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    from_status: Mapped[ElectionStatus | None] = mapped_column(
        pg_enum(ElectionStatus, "election_status"), doc="Status before (null when called)."
    )
    to_status: Mapped[ElectionStatus] = mapped_column(pg_enum(ElectionStatus, "election_status"), doc="Status after.")
    actor_id: Mapped[UUID | None] = mapped_column(doc="User or service account; null when its workflow moved it.")
    note: Mapped[str | None] = mapped_column(String(1000), doc="Why.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When (UTC).")


class ElectionCandidate(Booked, Base):
    """A person standing for election, nominated while nominations are open."""

    __tablename__ = "election_candidates"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "election_id", "party_id"),
        association_fk("election_id", "elections"),
        tenant_fk("party_id", "parties"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The candidacy's id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    party_id: Mapped[UUID] = mapped_column(doc="The candidate (a person of the association).")
    name: Mapped[str] = mapped_column(String(200), doc="The name on the ballot.")
    statement: Mapped[str | None] = mapped_column(String(4000), doc="The candidate's statement, as sent with the ballot.")
    nominated_by: Mapped[UUID] = mapped_column(doc="Who recorded the nomination.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When nominated (UTC).")


class ElectionVoter(Booked, Base):
    """Who voted: a unit voted in an election, by its owner or a proxy holder.
    It prevents a second vote for the unit and is the turnout record; it says
    nothing of the ballot, and nothing links it to one."""

    __tablename__ = "election_voters"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "election_id", "unit_id"),
        association_fk("election_id", "elections"),
        association_fk("unit_id", "units"),
        tenant_fk("party_id", "parties"),
        tenant_fk("proxy_id", "meeting_proxies"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The record's id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit that voted.")
    party_id: Mapped[UUID] = mapped_column(doc="Who cast its ballot: an owner, or the holder of its proxy.")
    proxy_id: Mapped[UUID | None] = mapped_column(doc="The proxy it was cast under, if any.")
    weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="The unit's voting weight.")
    cast_by: Mapped[UUID] = mapped_column(doc="The login that cast it.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When it voted (UTC).")


class ElectionBallotBox(Booked, Base):
    """A cast ballot waiting for the window to close, sealed (AES-GCM under the
    platform's keys, which the database never holds): written beside its
    who-voted row, so it must not be readable there. The close empties the box
    into `election_ballots` in one shuffled batch and deletes these rows."""

    __tablename__ = "election_ballot_box"
    __table_args__ = (UniqueConstraint("organization_id", "id"), association_fk("election_id", "elections"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="A random id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    sealed: Mapped[str] = mapped_column(Text, doc="The ballot, sealed.")


class ElectionBallot(Booked, Base):
    """A ballot as counted: its choices and weight, and nothing else — no
    voter, no unit, no time. All of an election's ballots are written by one
    statement at the close, in random order, each unit's weight split into
    binary pieces (one row each, with the same choices), so neither a row's
    position, its transaction nor a distinctive weight points to a voter."""

    __tablename__ = "election_ballots"
    __table_args__ = (UniqueConstraint("organization_id", "id"), association_fk("election_id", "elections"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="A random id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    weight: Mapped[Decimal] = mapped_column(WEIGHT, doc="The weight of this piece of a ballot.")
    choices: Mapped[dict[str, int]] = mapped_column(JSONB, doc="Votes given, by candidate id.")


class ElectionResult(Booked, Base):
    """A candidate's count: weighted votes, place, and whether elected (and, once certified, the seat filled)."""

    __tablename__ = "election_results"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "election_id", "candidate_id"),
        association_fk("election_id", "elections"),
        association_fk("candidate_id", "election_candidates"),
        association_fk("seat_id", "seats"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The result's id.")
    election_id: Mapped[UUID] = mapped_column(doc="The election.")
    candidate_id: Mapped[UUID] = mapped_column(doc="The candidate.")
    votes: Mapped[Decimal] = mapped_column(WEIGHT, doc="Votes received, each weighted by its unit's voting weight.")
    place: Mapped[int] = mapped_column(SmallInteger, doc="1 for the most votes; equal counts share a place.")
    elected: Mapped[bool] = mapped_column(Boolean, doc="Whether the count elects the candidate.")
    seat_id: Mapped[UUID | None] = mapped_column(doc="The term filled at certification.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), doc="When counted (UTC).")


GoverningBodyId = register_id(GoverningBody, "gvb", "governing_body")
SeatId = register_id(Seat, "sea", "governing_body")
OfficeId = register_id(Office, "ofc", "governing_body")
MeetingId = register_id(Meeting, "mtg", "meeting")
MeetingTransitionId = register_id(MeetingTransition, "mtr", "meeting")
MeetingAgendaItemId = register_id(MeetingAgendaItem, "agi", "meeting")
MeetingNoticeId = register_id(MeetingNotice, "mtn", "meeting")
MeetingProxyId = register_id(MeetingProxy, "prx", "meeting_proxy")
MeetingAttendanceId = register_id(MeetingAttendance, "att", "meeting")
MeetingMotionId = register_id(MeetingMotion, "mot", "meeting")
MeetingVoteId = register_id(MeetingVote, "mvt", "meeting")
MeetingMinutesId = register_id(MeetingMinutes, "min", "meeting")
ElectionId = register_id(Election, "elc", "election")
ElectionTransitionId = register_id(ElectionTransition, "etr", "election")
ElectionCandidateId = register_id(ElectionCandidate, "cnd", "election")
ElectionVoterId = register_id(ElectionVoter, "vtr", "election")
ElectionResultId = register_id(ElectionResult, "ers", "election")
