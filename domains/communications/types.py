"""GraphQL relation fields of the communications domain, each resolved through a loader."""

from __future__ import annotations

from domains.communications.models import MessageEvent
from domains.communications.schemas import (
    AnnouncementRead,
    ContactLogEntryRead,
    MessageEventRead,
    MessageRead,
    MessageTemplateRead,
)
from graph.gqltypes import extend, output_type, to_many, to_one


@extend(MessageTemplateRead)
class MessageTemplateRelations:
    association = to_one("The association.", kind="association")


# A message's delivery log is seen wherever the message is.
@extend(MessageRead)
class MessageRelations:
    association = to_one("The association.", kind="association")
    events = to_many(
        MessageEvent,
        "message_id",
        "MessageEventType",
        "Its delivery so far, oldest first: queued, each attempt and its outcome, printed, mailed, read.",
        order_by=lambda: [MessageEvent.created_at, MessageEvent.id],
    )


@extend(AnnouncementRead)
class AnnouncementRelations:
    association = to_one("The association.", kind="association")


@extend(ContactLogEntryRead)
class ContactLogEntryRelations:
    association = to_one("The association.", kind="association")
    party = to_one("The owner or resident, if it was one.")
    unit = to_one("The unit it was about, if any.")


MessageEventType = output_type(MessageEventRead)
