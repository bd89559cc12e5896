"""API models of the communications domain, derived from its tables."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domains.associations.models import AssociationId, PartyId, UnitId
from domains.communications.models import (
    Announcement,
    AnnouncementId,
    Audience,
    Channel,
    ContactLogEntry,
    Message,
    MessageEvent,
    MessageId,
    MessageStatus,
    MessageTemplate,
    MessageTemplateId,
    TemplateKind,
)
from domains.governance.models import GoverningBodyId, MeetingId
from domains.payables.models import VendorId
from graph.schemas import ApiModel, connection_model, derive

_TEXT = {"min_length": 1, "max_length": 20000}
_PAGE = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
_AFTER = Field(None, description="Cursor of the last item seen.")

# --- templates ------------------------------------------------------------------

MessageTemplateRead = derive(
    MessageTemplate,
    "MessageTemplate",
    ["id", "association_id", "kind", "subject", "body", "version", "created_at", "updated_at"],
    node=True,
)
MessageTemplateCreateInput = derive(
    MessageTemplate,
    "MessageTemplateCreateInput",
    ["association_id", "kind", "subject", "body"],
    doc="The association's wording for one kind of letter (Jinja2, sandboxed), replacing the platform's default. "
    "It may read only its kind's variables (`messageTemplate/v1/kinds`); anything else is refused now.",
    constraints={"body": _TEXT},
    examples=[
        {
            "associationId": "asn_…",
            "kind": "meeting_notice",
            "subject": "{{ association.name }}: {{ meeting.title }}",
            "body": "Dear {{ recipient.name }},\n\nThe {{ meeting.title }} is on {{ meeting.starts_at }} at {{ meeting.place }}.",
        }
    ],
)
MessageTemplateUpdateInput = derive(
    MessageTemplate,
    "MessageTemplateUpdateInput",
    ["id", "subject", "body"],
    doc="A new version of a template; only the fields given change, and are checked like a new one.",
    optional=("subject", "body"),
    constraints={"body": _TEXT},
)


class MessageTemplateGetInput(ApiModel):
    """Which template to read."""

    id: MessageTemplateId = Field(description="The template.")


class MessageTemplateListInput(ApiModel):
    """An association's templates, by kind."""

    association_id: AssociationId = Field(description="The association.")
    first: int = _PAGE
    after: str | None = _AFTER


MessageTemplateConnection = connection_model(MessageTemplateRead)


class TemplateVariable(ApiModel):
    """A variable a template may read, as `{{ name }}`."""

    name: str = Field(description="How a template writes it, e.g. meeting.starts_at.")
    description: str = Field(description="What it holds.")


class TemplateKindInfo(ApiModel):
    """One kind of letter: its variables and the platform's default wording."""

    kind: TemplateKind = Field(description="The kind.")
    variables: list[TemplateVariable] = Field(description="Every variable its templates may read.")
    default_subject: str = Field(description="The platform's default subject (a template).")
    default_body: str = Field(description="The platform's default body (a template).")


class TemplateKindsInput(ApiModel):
    """No input: every kind is listed."""


class TemplateKindList(ApiModel):
    """Every kind of letter."""

    kinds: list[TemplateKindInfo] = Field(description="The kinds, in a stable order.")


class MessageTemplatePreviewInput(ApiModel):
    """Render a template for a real recipient: the association's saved template of
    the kind, or a draft given here (checked like a save), with the association's,
    the recipient's and their unit's real data; a meeting notice with the meeting
    named. Variables of other sources hold sample values, marked as such."""

    association_id: AssociationId = Field(description="The association.")
    kind: TemplateKind = Field(description="The kind of letter.")
    subject: str | None = Field(None, min_length=1, max_length=300, description="A draft subject; default: the saved one.")
    body: str | None = Field(None, min_length=1, max_length=20000, description="A draft body; default: the saved one.")
    party_id: PartyId | None = Field(None, description="The recipient; default: the association's first current owner.")
    meeting_id: MeetingId | None = Field(None, description="For a meeting notice: the meeting whose data fills it.")


class MessagePreview(ApiModel):
    """A letter as it would go out."""

    subject: str = Field(description="The subject, rendered.")
    body: str = Field(description="The body, rendered.")
    recipient_name: str = Field(description="Who it would go to.")
    channel: Channel = Field(description="How it would go (their consent decides).")
    address: str = Field(description="Where it would go.")
    wording: str = Field(description="Whose wording: draft, association or platform.")
    samples: list[str] = Field(description="Variables filled with sample values rather than real data.")


# --- messages ---------------------------------------------------------------------

MessageEventRead = derive(
    MessageEvent, "MessageEvent", ["id", "message_id", "kind", "attempt", "detail", "created_at"], node=True
)
MessageRead = derive(
    Message,
    "Message",
    [
        "id",
        "association_id",
        "kind",
        "source",
        "template_id",
        "template_version",
        "party_id",
        "vendor_id",
        "recipient_name",
        "channel",
        "address",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "mailed_at",
        "read_at",
        "created_at",
        "updated_at",
    ],
    node=True,
)
MessageConnection = connection_model(MessageRead)


class MessageSendInput(ApiModel):
    """A letter to an audience of the association, in the kind's wording (the
    association's template, or the platform's): a general letter fills the
    `message.subject` and `message.body` variables with the text given here."""

    association_id: AssociationId = Field(description="The association.")
    audience: Audience = Field(description="Who it goes to.")
    unit_id: UnitId | None = Field(None, description="The unit, for the unit_owners audience.")
    committee_id: GoverningBodyId | None = Field(None, description="The committee, for the committee audience.")
    vendor_id: VendorId | None = Field(None, description="The vendor, for the provider_contact audience.")
    subject: str = Field(min_length=1, max_length=300, description="The subject (the `message.subject` variable).")
    body: str = Field(min_length=1, max_length=20000, description="The text (the `message.body` variable).")
    provider_email: str | None = Field(
        None,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        max_length=254,
        description="For a provider contact: the email address to use (else a letter to the remittance address).",
    )


class MessageSendResult(ApiModel):
    """What was written to the outbox."""

    source: str = Field(description="The event's key, to list its messages (`message/v1/list` with `source`).")
    recipients: int = Field(description="Messages written.")
    by_email: int = Field(description="Of them, by email (the rest as printed letters).")


class MessageListInput(ApiModel):
    """An association's outbox, newest first, with filters."""

    association_id: AssociationId = Field(description="The association.")
    status: MessageStatus | None = Field(None, description="Only this status (print_queued: the print-and-mail queue).")
    channel: Channel | None = Field(None, description="Only this channel.")
    kind: TemplateKind | None = Field(None, description="Only this kind of letter.")
    source: str | None = Field(None, max_length=120, description="Only the messages of this event.")
    first: int = _PAGE
    after: str | None = _AFTER


class MessageIdInput(ApiModel):
    """Which message."""

    id: MessageId = Field(description="The message.")


class LetterLink(ApiModel):
    """A short-lived signed link to a printed letter's PDF."""

    url: str = Field(description="GET this URL for the PDF; it needs no other credential and stops working at `expiresAt`.")
    expires_at: datetime = Field(description="When the URL stops working.")


class MessageBounceInput(ApiModel):
    """A bounce reported after the mail server accepted the message (a delivery status notification)."""

    id: MessageId = Field(description="The message.")
    reason: str = Field(min_length=1, max_length=500, description="The bounce's reason, as the report gives it.")


class InboxListInput(ApiModel):
    """Your portal inbox, newest first."""

    unread: bool | None = Field(None, description="Only unread (true) or read (false) messages.")
    first: int = _PAGE
    after: str | None = _AFTER


# --- announcements ------------------------------------------------------------------

AnnouncementRead = derive(
    Announcement,
    "Announcement",
    ["id", "association_id", "title", "body", "audience", "recipients", "by_email", "posted_by", "created_at"],
    node=True,
)
AnnouncementConnection = connection_model(AnnouncementRead)


class AnnouncementPostInput(ApiModel):
    """An announcement to an audience of the association: a message to each of
    them in the announcement template's wording, by their channel."""

    association_id: AssociationId = Field(description="The association.")
    title: str = Field(min_length=1, max_length=200, description="Its title (the `announcement.title` variable).")
    body: str = Field(min_length=1, max_length=20000, description="Its text (the `announcement.body` variable).")
    audience: Audience = Field(description="Who it goes to (not a provider contact).")
    unit_id: UnitId | None = Field(None, description="The unit, for the unit_owners audience.")
    committee_id: GoverningBodyId | None = Field(None, description="The committee, for the committee audience.")


class AnnouncementListInput(ApiModel):
    """An association's announcements, newest first."""

    association_id: AssociationId = Field(description="The association.")
    first: int = _PAGE
    after: str | None = _AFTER


class AnnouncementIdInput(ApiModel):
    """Which announcement."""

    id: AnnouncementId = Field(description="The announcement.")


# --- the contact log -------------------------------------------------------------------

ContactLogEntryRead = derive(
    ContactLogEntry,
    "ContactLogEntry",
    [
        "id",
        "association_id",
        "party_id",
        "unit_id",
        "vendor_id",
        "direction",
        "channel",
        "subject",
        "notes",
        "occurred_at",
        "recorded_by",
        "created_at",
    ],
    node=True,
)
ContactLogEntryConnection = connection_model(ContactLogEntryRead)
ContactLogEntryRecordInput = derive(
    ContactLogEntry,
    "ContactLogEntryRecordInput",
    ["association_id", "party_id", "unit_id", "vendor_id", "direction", "channel", "subject", "notes", "occurred_at"],
    doc="A call or other contact, as the person who handled it recorded it: with whom (a party, a unit, a vendor), "
    "which way, how, about what, when.",
    optional=("party_id", "unit_id", "vendor_id", "notes"),
)


class ContactLogListInput(ApiModel):
    """An association's contact log, latest first, with filters."""

    association_id: AssociationId = Field(description="The association.")
    party_id: PartyId | None = Field(None, description="Only contacts with this party.")
    unit_id: UnitId | None = Field(None, description="Only contacts about this unit.")
    vendor_id: VendorId | None = Field(None, description="Only contacts with this vendor.")
    since: datetime | None = Field(None, description="Only contacts at or after this time.")
    first: int = _PAGE
    after: str | None = _AFTER
