"""A message's delivery, as the rows see it: claim an attempt, record its outcome.

The order is what makes a resend detectable: an attempt is claimed — status
`sending`, the attempt counted, an `attempt` event — and committed *before* the
message goes to the mail server, and its outcome is recorded after. A row found
`sending` by its own attempt again therefore means that attempt's answer was
never recorded (the process died between the two), and the send that follows
is a resend of the same Message-ID.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.communications.models import Channel, MessageEventKind, MessageStatus
from domains.communications.service.mailer import ACCEPTED, BOUNCED, Outcome
from domains.communications.service.messages import DELIVERY_OPTION, event, lock
from graph.db import apply_scope
from graph.ids import encode
from graph.platform import current_platform

FINAL = (MessageStatus.SENT, MessageStatus.BOUNCED, MessageStatus.FAILED, MessageStatus.PRINT_QUEUED, MessageStatus.MAILED)


async def claim(session: AsyncSession, message_id: UUID) -> dict[str, Any]:
    """What to do next: {"done": status} for a message past delivery; {"print": letter} for
    printed mail; else the envelope of a new attempt, claimed in this transaction."""
    message = await lock(session, message_id)
    if message is None or message.status in FINAL:
        return {"done": None if message is None else message.status.value}
    public_id = encode("msg", message.id)
    if message.channel is Channel.MAIL:
        association = await session.get(Association, message.association_id)
        assert association is not None
        return {
            "print": {
                "organization_id": str(message.organization_id),
                "public_id": public_id,
                "association": association.legal_name,
                "name": message.recipient_name,
                "address": message.address,
                "day": message.created_at.date().isoformat(),
                "subject": message.subject,
                "body": message.body,
            }
        }
    resend = message.status is MessageStatus.SENDING
    message.status, message.attempts = MessageStatus.SENDING, message.attempts + 1
    detail = "a resend: the previous attempt's outcome was never recorded" if resend else None
    session.add(event(message, MessageEventKind.ATTEMPT, message.attempts, detail))
    await session.flush()
    return {
        "public_id": public_id,
        "attempt": message.attempts,
        "name": message.recipient_name,
        "address": message.address,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


async def record_printed(session: AsyncSession, message_id: UUID, path: str) -> str:
    message = await lock(session, message_id)
    assert message is not None
    if message.status is MessageStatus.PENDING:
        message.status, message.letter_path = MessageStatus.PRINT_QUEUED, path
        session.add(event(message, MessageEventKind.PRINTED, detail=path))
        await session.flush()
    return message.status.value


async def record(session: AsyncSession, message_id: UUID, attempt: int, outcome: Outcome, retry_in: float | None) -> str:
    """Record attempt `attempt`'s outcome; answers the status, `pending` when it is to be tried again.
    Recorded once: a re-run of this step after its commit finds the attempt settled."""
    message = await lock(session, message_id)
    assert message is not None
    if message.status is not MessageStatus.SENDING or message.attempts != attempt:
        return message.status.value
    if outcome.result == ACCEPTED:
        message.status, message.sent_at, message.last_error = MessageStatus.SENT, datetime.now(UTC), None
        kind = MessageEventKind.SENT
    elif outcome.result == BOUNCED:
        message.status, message.last_error, kind = MessageStatus.BOUNCED, outcome.detail, MessageEventKind.BOUNCED
    elif retry_in is None:
        message.status, message.last_error, kind = MessageStatus.FAILED, outcome.detail, MessageEventKind.FAILED
    else:
        message.status, message.last_error, kind = MessageStatus.PENDING, outcome.detail, MessageEventKind.DEFERRED
    session.add(event(message, kind, attempt, outcome.detail))
    await session.flush()
    return message.status.value


async def undelivered(session: AsyncSession, older_than_seconds: float) -> list[tuple[UUID, UUID]]:
    """(organization, message) of messages written but never tried for that long."""
    rows = await session.execute(text("SELECT * FROM undelivered_messages(make_interval(secs => :s))"), {"s": older_than_seconds})
    return [(r[0], r[1]) for r in rows.all()]


@asynccontextmanager
async def transaction(organization_id: str) -> AsyncIterator[AsyncSession]:
    """A delivery step's transaction, scoped to the organization, its statements tagged from the first."""
    async with current_platform().sessions() as session, session.begin():
        await session.connection(execution_options={DELIVERY_OPTION: True})
        await apply_scope(session, UUID(organization_id), None)
        yield session
