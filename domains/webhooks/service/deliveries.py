"""Deliveries: the outbox rows, each attempt's outcome, the log per endpoint,
redelivery, and disabling an endpoint that has failed for days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointStatus,
    WebhookEvent,
)
from domains.webhooks.service.events import start_delivery
from graph import durable
from graph.db import new_id
from graph.ids import encode
from graph.pages import Page, page_statement


async def for_attempt(
    session: AsyncSession, delivery_id: UUID
) -> tuple[WebhookDelivery, WebhookEvent, WebhookEndpoint, datetime] | None:
    """The delivery with its event and endpoint (and the database's now), or None
    when it no longer waits for an attempt."""
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEvent, WebhookEndpoint, func.now())
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id == delivery_id)
        )
    ).one_or_none()
    if row is None or row[0].status is not WebhookDeliveryStatus.PENDING:
        return None
    return row[0], row[1], row[2], row[3]


async def record_attempt(
    session: AsyncSession,
    delivery_id: UUID,
    *,
    ok: bool,
    response_status: int | None,
    error: str | None,
    retry_in: float | None,
    disable_after_seconds: float,
) -> WebhookDeliveryStatus:
    """Write one attempt's outcome. Success clears the endpoint's failing streak;
    a final failure (`retry_in` None) of an endpoint failing for longer than
    `disable_after_seconds` disables it, with an audit row."""
    delivery = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update())
    assert delivery is not None
    endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id).with_for_update())
    assert endpoint is not None
    now = await session.scalar(select(func.now()))
    assert isinstance(now, datetime)
    if delivery.status is not WebhookDeliveryStatus.PENDING:  # a re-run step: already recorded
        return delivery.status
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_status, delivery.last_error = now, response_status, error
    if ok:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = WebhookDeliveryStatus.SUCCEEDED, now, None
        endpoint.failing_since = None
    else:
        endpoint.failing_since = endpoint.failing_since or now
        if retry_in is not None:
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        else:
            delivery.status, delivery.finished_at, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, now, None
            failing_for = (now - endpoint.failing_since).total_seconds()
            if endpoint.status is WebhookEndpointStatus.ACTIVE and failing_for >= disable_after_seconds:
                endpoint.status = WebhookEndpointStatus.DISABLED
                endpoint.disabled_reason = f"Every delivery failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC."
                durable.audit(
                    session,
                    endpoint.organization_id,
                    "webhookEndpoint/disable",
                    [encode("whe", endpoint.id)],
                    {"reason": endpoint.disabled_reason, "failingSince": endpoint.failing_since.isoformat()},
                )
    await session.flush()
    return delivery.status


async def give_up(session: AsyncSession, delivery: WebhookDelivery, reason: str) -> None:
    """Fail a delivery without an attempt (its endpoint was disabled meanwhile)."""
    now = await session.scalar(select(func.now()))
    delivery.status, delivery.finished_at, delivery.next_attempt_at, delivery.last_error = (
        WebhookDeliveryStatus.FAILED,
        now,
        None,
        reason,
    )
    await session.flush()


async def redeliver(session: AsyncSession, organization_id: UUID, original: WebhookDelivery, actor: UUID) -> WebhookDelivery:
    """A new delivery of the same event to the same endpoint (same `webhook-id`),
    started once this transaction commits."""
    delivery = WebhookDelivery(
        id=new_id(),
        organization_id=organization_id,
        event_id=original.event_id,
        endpoint_id=original.endpoint_id,
        status=WebhookDeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=func.now(),
        requested_by=actor,
    )
    session.add(delivery)
    await session.flush()
    await session.refresh(delivery)
    start_delivery(session, organization_id, delivery.id)
    return delivery


async def events_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, WebhookEvent]:
    rows = (await session.scalars(select(WebhookEvent).where(WebhookEvent.id.in_(ids)))).all()
    return {r.id: r for r in rows}


async def delivery_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WebhookDelivery], Page]:
    """An endpoint's delivery log, newest first; optionally only one status or one event's."""
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, WebhookDelivery.endpoint_id == data.endpoint_id]
    if data.status is not None:
        where.append(WebhookDelivery.status == data.status)
    if data.event_id is not None:
        where.append(WebhookDelivery.event_id == data.event_id)
    return (await session.scalars(page_statement(WebhookDelivery, page, where))).all(), page
