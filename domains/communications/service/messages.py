"""The outbox: messages written in the transaction of the event that causes them.

    await messages.write(session, org, association_id, TemplateKind.MEETING_NOTICE,
                         f"meeting:{meeting.id}", recipients, {"meeting": {...}}, actor)

renders the association's template of the kind (or the platform's default) for
each recipient and inserts the messages in one statement, in the caller's
transaction, with their `queued` events. A message's key is (source, recipient
and channel): written again for the same event — a retried step, a request
replayed — it is skipped, so an event never makes a second message. Once the
transaction commits, one dispatch workflow starts the delivery workflow of each
message written (`workflows.py`); a transaction that rolls back leaves no
message and starts nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.errors import LetterNotPrinted, MessageNotMailable, MessageNotUnread
from domains.communications.models import (
    Channel,
    Message,
    MessageEvent,
    MessageEventKind,
    MessageStatus,
    TemplateKind,
)
from domains.communications.service import letters, templates
from domains.communications.service import recipients as people
from domains.communications.service.recipients import Recipient
from graph.db import new_id
from graph.durable import start_after_commit
from graph.ids import encode
from graph.pages import Page, page_statement
from graph.settings import Settings

DISPATCH_WORKFLOW = "dispatch_messages_workflow"
DELIVERY_WORKFLOW = "deliver_message_workflow"
SWEEP_SCHEDULE = "deliver-undelivered-messages"
CHUNK = 1000
# Statements of a delivery's own transactions say so (execution option): what a
# request or a workflow of another domain costs can be told apart from deliveries.
DELIVERY_OPTION = "hestami_delivery"


def delivery_workflow_id(message_id: UUID) -> str:
    return f"message-{message_id}"


async def write(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID | None,
    kind: TemplateKind,
    source: str | Callable[[Recipient], str],
    recipients: Sequence[Recipient],
    variables: dict[str, Any] | Callable[[Recipient], dict[str, Any]],
    actor: UUID,
    wording: templates.Wording | None = None,
) -> list[UUID]:
    """Write one message per recipient for the event `source` (a string, or a
    function of the recipient: a levy's statement is one event per unit); returns
    the ids of those written now (a recipient the event already reached is skipped).
    `variables` are the kind's own (a dict, or a function of the recipient);
    the association's, recipient's and unit's are added here. A letter of the
    organization's own (no association: a join request) is in the platform's wording."""
    if association_id is None:
        wording, common = wording or templates.Wording(*templates.DEFAULTS[kind]), {}
    else:
        wording = wording or await templates.wording_of(session, association_id, kind)
        common = {"association": await people.association_vars(session, association_id)}
    compiled = templates.compile_wording(wording)
    rows = []
    for r in recipients:
        own = variables(r) if callable(variables) else variables
        subject, body = compiled(common | people.recipient_vars(r) | own)
        rows.append(
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": association_id,
                "kind": kind,
                "source": source(r) if callable(source) else source,
                "recipient_key": r.key,
                "template_id": wording.template_id,
                "template_version": wording.version,
                "party_id": r.party_id,
                "vendor_id": r.vendor_id,
                "user_id": r.user_id,
                "recipient_name": r.name[:200],
                "channel": r.channel,
                "address": r.address or "no address on file",
                "subject": subject,
                "body": body,
                "status": MessageStatus.PENDING,
                "attempts": 0,
                "created_by": actor,
            }
        )
    if not rows:
        return []
    written: list[UUID] = []
    # In chunks: a statement carries at most 32,767 parameters (19 a message).
    for start in range(0, len(rows), CHUNK):
        statement = insert(Message).values(rows[start : start + CHUNK])
        statement = statement.on_conflict_do_nothing(index_elements=["organization_id", "source", "recipient_key"])
        written += (await session.scalars(statement.returning(Message.id))).all()
    for start in range(0, len(written), CHUNK):
        queued = [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": association_id,
                "message_id": message_id,
                "kind": MessageEventKind.QUEUED,
            }
            for message_id in written[start : start + CHUNK]
        ]
        await session.execute(insert(MessageEvent).values(queued))
    if written:
        start_after_commit(session, DISPATCH_WORKFLOW, f"messages-{written[0]}", str(organization_id), [str(i) for i in written])
    return written


def event(message: Message, kind: MessageEventKind, attempt: int | None = None, detail: str | None = None) -> MessageEvent:
    return MessageEvent(
        organization_id=message.organization_id,
        association_id=message.association_id,
        message_id=message.id,
        kind=kind,
        attempt=attempt,
        detail=None if detail is None else detail[:500],
    )


async def lock(session: AsyncSession, message_id: UUID) -> Message | None:
    return await session.scalar(select(Message).where(Message.id == message_id).with_for_update())


async def letter_link(settings: Settings, message: Message) -> tuple[str, float]:
    """A signed link to the message's printed letter, and when it expires."""
    if message.letter_path is None:
        raise LetterNotPrinted(
            "This message has no printed letter: it went by email, or its letter is not generated yet.", field=["id"]
        )
    return await letters.link(settings, message.letter_path, encode("msg", message.id))


async def mark_mailed(session: AsyncSession, message: Message, actor: UUID) -> None:
    """A printed letter handed to the post (MESSAGE_NOT_MAILABLE unless it is queued for print)."""
    if message.status is not MessageStatus.PRINT_QUEUED:
        raise MessageNotMailable(
            f"Only a letter queued for print can be marked mailed; this message is {message.status.value}.", field=["id"]
        )
    message.status, message.mailed_at = MessageStatus.MAILED, datetime.now(UTC)
    session.add(event(message, MessageEventKind.MAILED, detail=f"by {actor}"))
    await session.flush()


async def record_bounce(session: AsyncSession, message: Message, reason: str) -> None:
    """A bounce reported after the server accepted the message (a DSN): the message is bounced."""
    if message.channel is not Channel.EMAIL or message.status not in (MessageStatus.SENT, MessageStatus.SENDING):
        raise MessageNotMailable(f"Only a sent email can bounce; this message is {message.status.value}.", field=["id"])
    message.status, message.last_error = MessageStatus.BOUNCED, reason[:500]
    session.add(event(message, MessageEventKind.BOUNCED, message.attempts, reason))
    await session.flush()


async def mark_read(session: AsyncSession, message: Message) -> None:
    """The recipient opened it in the portal (MESSAGE_NOT_UNREAD the second time)."""
    if message.read_at is not None:
        raise MessageNotUnread("This message is already read.", field=["id"])
    message.read_at = datetime.now(UTC)
    session.add(event(message, MessageEventKind.READ))
    await session.flush()


async def message_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool], user_id: UUID | None = None
) -> tuple[Sequence[Message], Page]:
    """Messages newest first: an association's outbox, or (`user_id`) one user's inbox."""
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if user_id is not None:
        where.append(Message.user_id == user_id)
    for name in ("association_id", "status", "channel", "kind"):
        value = getattr(data, name, None)
        if value is not None:
            where.append(getattr(Message, name) == value)
    if getattr(data, "source", None) is not None:
        where.append(Message.source == data.source)
    if getattr(data, "unread", None) is not None:
        where.append(Message.read_at.is_(None) if data.unread else Message.read_at.is_not(None))
    return (await session.scalars(page_statement(Message, page, where))).all(), page


async def events_of(session: AsyncSession, message_ids: Sequence[UUID]) -> Sequence[MessageEvent]:
    statement = select(MessageEvent).where(MessageEvent.message_id.in_(message_ids))
    return (await session.scalars(statement.order_by(MessageEvent.message_id, MessageEvent.created_at, MessageEvent.id))).all()


async def unread_count(session: AsyncSession, user_id: UUID, visible: ColumnElement[bool]) -> int:
    count = await session.scalar(select(func.count()).where(visible, Message.user_id == user_id, Message.read_at.is_(None)))
    return int(count or 0)
