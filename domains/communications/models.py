"""Communications: each association's message templates, the messages sent to
its parties (the outbox and its delivery log), announcements, and the log of
calls and other contacts with owners, residents and providers.

A message is one letter to one recipient. It is written — with the recipient's
channel already decided from their consent — in the same transaction as the
event that causes it (a meeting noticed, an announcement posted), and is never
written twice for one event: a key per (source, recipient) holds. Its delivery
is then a DBOS workflow of its own (`workflows.py`). Delivery steps are rows of
`message_events`, append-only: queued, attempted, sent, deferred, bounced,
failed, printed, mailed, read.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import Booked
from domains.associations import models as _associations  # noqa: F401  (FK targets)
from domains.payables import models as _payables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class TemplateKind(StrEnum):
    """What a template writes; each kind has its own typed variables."""

    MEETING_NOTICE = "meeting_notice"
    """The notice of a board, committee or membership meeting."""
    VIOLATION_NOTICE = "violation_notice"
    """A notice of a covenant violation with its cure date."""
    HEARING_NOTICE = "hearing_notice"
    """A notice of a hearing before the board on a violation."""
    LATE_PAYMENT_REMINDER = "late_payment_reminder"
    """A reminder of an overdue balance."""
    COLLECTION_NOTICE = "collection_notice"
    """A letter of a collection step: reminder, late notice, intent to lien, lien recorded, attorney referral."""
    ANNOUNCEMENT = "announcement"
    """An announcement posted to an audience."""
    GENERAL = "general"
    """A free-form letter (subject and body given when sent)."""
    STATEMENT_NOTICE = "statement_notice"
    """A unit's statement after a levy charged it: the charge, its due day and what the unit owes."""
    INVOICE_APPROVAL_REQUEST = "invoice_approval_request"
    """A vendor invoice waits for the recipient's approval (the manager's step or the board's)."""
    JOIN_REQUEST = "join_request"
    """A user asks to join the organization; its admins decide."""
    ARC_DECISION = "arc_decision"
    """The decision on an architectural request: approved, approved with conditions, denied, or deemed approved."""
    WORK_ORDER_UPDATE = "work_order_update"
    """News of a work order for whoever asked for it (a vendor assigned, the work done, not the association's to do)."""
    PAYMENT_RECEIPT = "payment_receipt"
    """The receipt of an owner's online payment, for the unit's owners."""


class Channel(StrEnum):
    """How a message reaches its recipient: email only where the recipient
    consented to electronic delivery, otherwise a printed letter by first-class mail."""

    EMAIL = "email"
    """By email (consent to electronic delivery on file)."""
    MAIL = "mail"
    """A printed letter by first-class mail."""


class MessageStatus(StrEnum):
    """Where a message stands."""

    PENDING = "pending"
    """Written to the outbox; its delivery has not been tried yet (or waits for its next try)."""
    SENDING = "sending"
    """An attempt is under way: handed to the mail server, outcome not yet recorded."""
    SENT = "sent"
    """The mail server accepted it."""
    BOUNCED = "bounced"
    """Refused for good (the server's 5xx answer, or a bounce reported later)."""
    FAILED = "failed"
    """Every retry failed."""
    PRINT_QUEUED = "print_queued"
    """Its letter is generated (a PDF with the mailing address) and waits to be printed and mailed."""
    MAILED = "mailed"
    """Printed and handed to the post."""


class Audience(StrEnum):
    """Who a message or an announcement goes to."""

    UNIT_OWNERS = "unit_owners"
    """The current owners of one unit."""
    ALL_OWNERS = "all_owners"
    """Every current owner of the association's active units."""
    TENANTS = "tenants"
    """Every tenant living in the association today."""
    RESIDENTS = "residents"
    """Everyone living in the association today (owners, tenants, household)."""
    BOARD = "board"
    """The current members of the association's board."""
    COMMITTEE = "committee"
    """The current members of one committee."""
    PROVIDER_CONTACT = "provider_contact"
    """A vendor's contact, at the address given."""


class MessageTemplate(TimestampMixin, Booked, Base):
    """An association's wording for one kind of letter, replacing the platform's
    default for that kind. Written in Jinja2's sandbox; a template naming a
    variable its kind does not have is refused when saved."""

    __tablename__ = "message_templates"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "kind"),
        tenant_fk("association_id", "associations"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The template's id.")
    kind: Mapped[TemplateKind] = mapped_column(pg_enum(TemplateKind, "template_kind"), doc="What it writes.")
    subject: Mapped[str] = mapped_column(String(300), doc="The subject line (a template).")
    body: Mapped[str] = mapped_column(Text, doc="The body, plain text (a template).")
    version: Mapped[int] = mapped_column(Integer, doc="1 when created, one more at each change; messages keep the version used.")
    updated_by: Mapped[UUID] = mapped_column(doc="User or service account that wrote this version.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class Message(TimestampMixin, Booked, Base):
    """One letter to one recipient, as rendered when written: the outbox row,
    then its delivery's state. The recipient's portal inbox shows it too."""

    __tablename__ = "messages"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "user_id": "user_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # One message per recipient and event, whoever retries.
        UniqueConstraint("organization_id", "source", "recipient_key"),
        tenant_fk("association_id", "associations"),
        tenant_fk("party_id", "parties"),
        tenant_fk("vendor_id", "vendors"),
        tenant_fk("template_id", "message_templates"),
        Index(None, "organization_id", "association_id", "created_at"),
        Index(None, "organization_id", "user_id", "created_at"),
        Index(None, "organization_id", "source"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The message's id (its Message-ID derives from it).")
    association_id: Mapped[UUID | None] = mapped_column(  # type: ignore[assignment]  # Booked's, made optional
        doc="The association it is about; null for a letter of the organization's own (a join request to its admins)."
    )
    kind: Mapped[TemplateKind] = mapped_column(pg_enum(TemplateKind, "template_kind"), doc="What kind of letter it is.")
    source: Mapped[str] = mapped_column(
        String(120), doc="The event that caused it (e.g. meeting:…, announcement:…, message:…): one message per recipient each."
    )
    recipient_key: Mapped[str] = mapped_column(
        String(60), doc="The recipient, as the key per event (party:…, vendor:… or user:… for a member of the staff)."
    )
    template_id: Mapped[UUID | None] = mapped_column(doc="The association's template used; null for the platform default.")
    template_version: Mapped[int | None] = mapped_column(Integer, doc="The version of that template.")
    party_id: Mapped[UUID | None] = mapped_column(
        doc="The recipient party (null for a provider contact or a member of the staff)."
    )
    vendor_id: Mapped[UUID | None] = mapped_column(doc="The recipient vendor (a provider contact).")
    user_id: Mapped[UUID | None] = mapped_column(doc="The recipient's user account, whose portal inbox shows it.")
    recipient_name: Mapped[str] = mapped_column(String(200), doc="Who it is addressed to.")
    channel: Mapped[Channel] = mapped_column(pg_enum(Channel, "message_channel"), doc="Email or printed mail.")
    address: Mapped[str] = mapped_column(String(400), doc="The email address or the mailing address.")
    subject: Mapped[str] = mapped_column(String(300), doc="The subject, rendered.")
    body: Mapped[str] = mapped_column(Text, doc="The body, rendered (plain text).")
    status: Mapped[MessageStatus] = mapped_column(pg_enum(MessageStatus, "message_status"), doc="Where its delivery stands.")
    attempts: Mapped[int] = mapped_column(Integer, default=0, doc="Delivery attempts begun.")
    last_error: Mapped[str | None] = mapped_column(String(500), doc="The latest failure or bounce, if any.")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the mail server accepted it.")
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When its printed letter was mailed.")
    letter_path: Mapped[str | None] = mapped_column(
        String(400), doc="Where the generated letter (PDF) is kept in the document store, for printed mail."
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the recipient opened it in the portal.")
    created_by: Mapped[UUID] = mapped_column(doc="User, service account or workflow that caused it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class MessageEventKind(StrEnum):
    """A step of a message's delivery."""

    QUEUED = "queued"
    """Written to the outbox."""
    ATTEMPT = "attempt"
    """Handed to the mail server."""
    SENT = "sent"
    """Accepted by the mail server."""
    DEFERRED = "deferred"
    """A temporary failure; it will be tried again."""
    BOUNCED = "bounced"
    """Refused for good."""
    FAILED = "failed"
    """The last retry failed."""
    PRINTED = "printed"
    """Its letter was generated for printing."""
    MAILED = "mailed"
    """Its printed letter was mailed."""
    READ = "read"
    """Opened in the portal inbox."""


class MessageEvent(TimestampMixin, Booked, Base):
    """A step of a message's delivery, append-only."""

    __tablename__ = "message_events"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(["organization_id", "message_id"], ["messages.organization_id", "messages.id"]),
        Index(None, "organization_id", "message_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id.")
    association_id: Mapped[UUID | None] = mapped_column(  # type: ignore[assignment]  # Booked's, made optional
        doc="The message's association (null for a letter of the organization's own)."
    )
    message_id: Mapped[UUID] = mapped_column(doc="The message.")
    kind: Mapped[MessageEventKind] = mapped_column(pg_enum(MessageEventKind, "message_event_kind"), doc="What happened.")
    attempt: Mapped[int | None] = mapped_column(Integer, doc="The attempt it belongs to, for attempts and their outcomes.")
    detail: Mapped[str | None] = mapped_column(String(500), doc="The server's answer, or the error.")


class Announcement(TimestampMixin, Booked, Base):
    """An announcement posted to an audience of the association: one message to each of its members."""

    __tablename__ = "announcements"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id", "audience": "audience"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("association_id", "associations"),
        Index(None, "organization_id", "association_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The announcement's id.")
    title: Mapped[str] = mapped_column(String(200), doc="Its title.")
    body: Mapped[str] = mapped_column(Text, doc="Its text.")
    audience: Mapped[Audience] = mapped_column(pg_enum(Audience, "message_audience"), doc="Who it goes to.")
    audience_ref: Mapped[UUID | None] = mapped_column(doc="The unit or committee the audience names, where it names one.")
    recipients: Mapped[int] = mapped_column(Integer, doc="How many messages it wrote.")
    by_email: Mapped[int] = mapped_column(Integer, doc="How many of them go by email (the rest by printed mail).")
    posted_by: Mapped[UUID] = mapped_column(doc="User or service account that posted it.")


class ContactDirection(StrEnum):
    """Who reached out."""

    INBOUND = "inbound"
    """They contacted the association."""
    OUTBOUND = "outbound"
    """The association contacted them."""


class ContactChannel(StrEnum):
    """How the contact happened."""

    PHONE = "phone"
    """A phone call."""
    EMAIL = "email"
    """An email outside the platform."""
    LETTER = "letter"
    """A letter."""
    IN_PERSON = "in_person"
    """In person (the office, a site visit)."""
    OTHER = "other"
    """Anything else (a text message, a note on the door)."""


class ContactLogEntry(TimestampMixin, Booked, Base):
    """A call or other contact with an owner, a resident or a provider, as the
    person who handled it recorded it. Append-only."""

    __tablename__ = "contact_log_entries"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("association_id", "associations"),
        tenant_fk("party_id", "parties"),
        tenant_fk("unit_id", "units"),
        tenant_fk("vendor_id", "vendors"),
        Index(None, "organization_id", "association_id", "occurred_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The entry's id.")
    party_id: Mapped[UUID | None] = mapped_column(doc="The owner or resident, if it was one.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit it was about, if any.")
    vendor_id: Mapped[UUID | None] = mapped_column(doc="The provider, if it was one.")
    direction: Mapped[ContactDirection] = mapped_column(pg_enum(ContactDirection, "contact_direction"), doc="Who reached out.")
    channel: Mapped[ContactChannel] = mapped_column(pg_enum(ContactChannel, "contact_channel"), doc="How.")
    subject: Mapped[str] = mapped_column(String(200), doc="What it was about.")
    notes: Mapped[str | None] = mapped_column(String(4000), doc="What was said or agreed.")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), doc="When it happened (UTC).")
    recorded_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")


MessageTemplateId = register_id(MessageTemplate, "mtp", "message_template")
MessageId = register_id(Message, "msg", "message")
MessageEventId = register_id(MessageEvent, "mev", "message")
AnnouncementId = register_id(Announcement, "ann", "announcement")
ContactLogEntryId = register_id(ContactLogEntry, "cle", "contact_log_entry")
