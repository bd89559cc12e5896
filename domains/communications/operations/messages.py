"""message/v1/{send,list,get,letter,markMailed,recordBounce,inbox,markRead}: the outbox,
the print-and-mail queue, and each user's portal inbox."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.communications.models import Channel, Message, TemplateKind
from domains.communications.schemas import (
    InboxListInput,
    LetterLink,
    MessageBounceInput,
    MessageConnection,
    MessageIdInput,
    MessageListInput,
    MessageRead,
    MessageSendInput,
    MessageSendResult,
)
from domains.communications.service import messages, recipients
from graph.db import new_id
from graph.handlers import OperationContext, acting_user, actor, as_connection, org
from graph.operations import operation


@operation(
    "message/v1/send",
    input=MessageSendInput,
    output=MessageSendResult,
    kind="message",
    action="send",
    summary="Send a letter to an audience",
)
async def send(ctx: OperationContext, data: MessageSendInput) -> MessageSendResult:
    """Write a letter to each person of the audience — the owners of a unit,
    all owners, tenants, residents, the board, a committee, or a provider's
    contact — in the association's general-letter wording, into the outbox in
    this request's transaction. Each goes by email only where the person
    consented to electronic delivery, otherwise as a printed letter (and both
    where they asked for both); delivery starts once this commits. Refused: an
    audience naming no unit, committee or vendor (AUDIENCE_REF_MISSING), one
    reaching nobody (NO_RECIPIENTS)."""
    ref = data.unit_id or data.committee_id or data.vendor_id
    people = await recipients.of_audience(ctx.session, data.association_id, data.audience, ref, data.provider_email)
    source = f"message:{new_id()}"
    variables = {"message": {"subject": data.subject, "body": data.body}}
    written = await messages.write(
        ctx.session, org(ctx), data.association_id, TemplateKind.GENERAL, source, people, variables, actor(ctx)
    )
    by_email = sum(1 for p in people if p.channel is Channel.EMAIL)
    ctx.audit_summary = {"audience": data.audience.value, "recipients": len(written), "byEmail": by_email}
    return MessageSendResult(source=source, recipients=len(written), by_email=by_email)


@operation(
    "message/v1/list",
    input=MessageListInput,
    output=MessageConnection,
    kind="message",
    action="list",
    mutates=False,
    graphql_name="messages",
    summary="List an association's messages",
)
async def list_messages(ctx: OperationContext, data: MessageListInput) -> MessageConnection:
    """The outbox, newest first, each with its delivery state; `status:
    print_queued` is the print-and-mail queue. Staff see every message, a
    recipient their own."""
    rows, page = await messages.message_page(ctx.session, data, await ctx.visible("message", "read", Message))
    return as_connection(MessageConnection, rows, page)


@operation(
    "message/v1/get",
    input=MessageIdInput,
    output=MessageRead,
    kind="message",
    action="read",
    target=Message,
    mutates=False,
    summary="Read a message",
)
async def get_message(ctx: OperationContext, data: MessageIdInput) -> MessageRead:
    """One message with its delivery state (its delivery log: `events` in GraphQL)."""
    return MessageRead.model_validate(ctx.target)


@operation(
    "message/v1/letter",
    input=MessageIdInput,
    output=LetterLink,
    kind="message",
    action="read",
    target=Message,
    mutates=False,
    summary="Get a signed link to a printed letter's PDF",
)
async def letter(ctx: OperationContext, data: MessageIdInput) -> LetterLink:
    """The PDF of a letter in the print queue (or already mailed), to print it:
    a short-lived signed URL, for whoever may read the message
    (LETTER_NOT_PRINTED for an email, or before the letter is generated)."""
    url, expires = await messages.letter_link(ctx.platform.settings, ctx.target)
    return LetterLink(url=url, expires_at=datetime.fromtimestamp(expires, UTC))


@operation(
    "message/v1/markMailed",
    input=MessageIdInput,
    output=MessageRead,
    kind="message",
    action="mark_mailed",
    target=Message,
    summary="Record a printed letter as mailed",
)
async def mark_mailed(ctx: OperationContext, data: MessageIdInput) -> MessageRead:
    """The letter from the print queue was printed and handed to the post
    (MESSAGE_NOT_MAILABLE unless it is queued for print)."""
    message = await messages.lock(ctx.session, data.id)
    assert message is not None
    await messages.mark_mailed(ctx.session, message, actor(ctx))
    ctx.audit_summary = {"recipient": message.recipient_name}
    return MessageRead.model_validate(message)


@operation(
    "message/v1/recordBounce",
    input=MessageBounceInput,
    output=MessageRead,
    kind="message",
    action="record_bounce",
    target=Message,
    summary="Record a bounce reported after sending",
)
async def record_bounce(ctx: OperationContext, data: MessageBounceInput) -> MessageRead:
    """A bounce that came back after the mail server accepted the email (a
    delivery status notification): the message is bounced, with the reason
    (MESSAGE_NOT_MAILABLE unless it is a sent email). A refusal during the SMTP
    session is recorded by the delivery itself."""
    message = await messages.lock(ctx.session, data.id)
    assert message is not None
    await messages.record_bounce(ctx.session, message, data.reason)
    ctx.audit_summary = {"reason": data.reason}
    return MessageRead.model_validate(message)


@operation(
    "message/v1/inbox",
    input=InboxListInput,
    output=MessageConnection,
    kind="message",
    action="inbox",
    mutates=False,
    graphql_name="inbox",
    summary="Your portal inbox",
)
async def inbox(ctx: OperationContext, data: InboxListInput) -> MessageConnection:
    """The messages addressed to you in this organization, newest first,
    whichever way they were delivered (a printed letter's copy too); `readAt`
    is null while unread."""
    user = acting_user(ctx)
    rows, page = await messages.message_page(ctx.session, data, await ctx.visible("message", "read", Message), user_id=user)
    return as_connection(MessageConnection, rows, page)


@operation(
    "message/v1/markRead",
    input=MessageIdInput,
    output=MessageRead,
    kind="message",
    action="mark_read",
    target=Message,
    summary="Mark a message of your inbox read",
)
async def mark_read(ctx: OperationContext, data: MessageIdInput) -> MessageRead:
    """Only its recipient marks it read (MESSAGE_NOT_UNREAD the second time)."""
    message: Message = ctx.target
    await messages.mark_read(ctx.session, message)
    return MessageRead.model_validate(message)
