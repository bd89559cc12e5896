"""Emitting an event: the outbox.

    await events.emit(session, organization_id, WebhookEventType.PAYMENT_RECORDED, payment_read)

One statement, in the caller's transaction — the transaction of the change the
event reports — writes the event and one pending delivery per active endpoint
of the organization subscribed to its type. Once that transaction commits, each
delivery's workflow starts (graph/durable.py: a mutation's workflow starts them
as durable steps; a long-running workflow performs what its step returned). An
organization without endpoints pays one insert and starts nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.webhooks.models import WebhookEventType
from graph.db import new_id
from graph.durable import start_after_commit

DELIVERY_WORKFLOW = "deliver_webhook_workflow"

_EMIT = text(
    """WITH event AS (
         INSERT INTO webhook_events (organization_id, id, type, payload)
         VALUES (:org, :id, :type, CAST(:payload AS jsonb))
         ON CONFLICT (id) DO NOTHING
         RETURNING organization_id, id, type)
       INSERT INTO webhook_deliveries (organization_id, id, event_id, endpoint_id, status, attempts, next_attempt_at)
       SELECT event.organization_id, gen_random_uuid(), event.id, e.id, 'pending', 0, now()
         FROM event JOIN webhook_endpoints e
           ON e.organization_id = event.organization_id AND e.status = 'active' AND event.type = ANY(e.event_types)
       RETURNING id"""
)


def delivery_workflow_id(delivery_id: UUID) -> str:
    return f"webhook-delivery-{delivery_id}"


def start_delivery(session: AsyncSession, organization_id: UUID, delivery_id: UUID) -> None:
    """Deliver once `session`'s transaction commits."""
    start_after_commit(session, DELIVERY_WORKFLOW, delivery_workflow_id(delivery_id), str(organization_id), str(delivery_id))


async def emit(
    session: AsyncSession,
    organization_id: UUID,
    type: WebhookEventType,
    data: BaseModel | dict[str, Any],
    *,
    event_id: UUID | None = None,
) -> UUID:
    """Record event `type` with `data` (an API read model, sent as its JSON) for
    delivery after this transaction commits. A step that may run twice passes a
    stable `event_id`: the second emission is a no-op. Returns the event's id."""
    event_id = event_id or new_id()
    body = data.model_dump(mode="json", by_alias=True) if isinstance(data, BaseModel) else data
    payload = {"type": type.value, "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "data": body}
    rows = await session.execute(
        _EMIT, {"org": organization_id, "id": event_id, "type": type.value, "payload": json.dumps(payload)}
    )
    for (delivery_id,) in rows.all():
        start_delivery(session, organization_id, delivery_id)
    return event_id
