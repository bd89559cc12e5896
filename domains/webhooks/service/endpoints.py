"""Webhook endpoints: registering, changing, rotating the secret, listing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.webhooks.models import WebhookEndpoint, WebhookEndpointStatus
from graph.auth.sealing import Sealer
from graph.pages import Page, page_statement


async def create(session: AsyncSession, organization_id: UUID, data: Any, sealed_secret: str, actor: UUID) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        organization_id=organization_id,
        url=data.url,
        event_types=sorted({t.value for t in data.event_types}),
        description=data.description,
        status=WebhookEndpointStatus.ACTIVE,
        secret=sealed_secret,
        created_by=actor,
    )
    session.add(endpoint)
    await session.flush()
    await session.refresh(endpoint, ["created_at"])
    return endpoint


def set_status(endpoint: WebhookEndpoint, enabled: bool, reason: str | None) -> None:
    if enabled:
        endpoint.status, endpoint.disabled_reason, endpoint.failing_since = WebhookEndpointStatus.ACTIVE, None, None
    else:
        endpoint.status, endpoint.disabled_reason = WebhookEndpointStatus.DISABLED, reason


async def update(session: AsyncSession, endpoint: WebhookEndpoint, data: Any) -> dict[str, Any]:
    """Apply the fields a patch gives; returns {field: {from, to}} for the audit row."""
    changed: dict[str, Any] = {}
    if data.url is not None and data.url != endpoint.url:
        changed["url"] = {"from": endpoint.url, "to": data.url}
        endpoint.url = data.url
    if data.event_types is not None:
        types = sorted({t.value for t in data.event_types})
        if types != endpoint.event_types:
            changed["eventTypes"] = {"from": endpoint.event_types, "to": types}
            endpoint.event_types = types
    if data.description is not None and data.description != endpoint.description:
        changed["description"] = {"from": endpoint.description, "to": data.description}
        endpoint.description = data.description
    if data.enabled is not None:
        before = endpoint.status.value
        set_status(endpoint, data.enabled, None if data.enabled else "Disabled by an administrator.")
        if endpoint.status.value != before:
            changed["status"] = {"from": before, "to": endpoint.status.value}
    await session.flush()
    return changed


async def rotate(session: AsyncSession, endpoint: WebhookEndpoint, sealed_secret: str, overlap_seconds: float) -> None:
    """The new secret signs from now on; the current one keeps signing too for
    `overlap_seconds`, so receivers can switch without dropping a delivery."""
    now = await session.scalar(select(func.now()))
    assert isinstance(now, datetime)
    endpoint.previous_secret = endpoint.secret if overlap_seconds > 0 else None
    endpoint.previous_secret_expires_at = now + timedelta(seconds=overlap_seconds) if overlap_seconds > 0 else None
    endpoint.secret = sealed_secret
    endpoint.secret_rotated_at = now
    await session.flush()


def signing_secrets(endpoint: WebhookEndpoint, sealer: Sealer, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the
    previous one while its overlap lasts."""
    in_use = [sealer.unseal(endpoint.secret)]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        in_use.append(sealer.unseal(endpoint.previous_secret))
    return in_use


async def endpoint_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WebhookEndpoint], Page]:
    """The organization's endpoints, newest first."""
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if data.status is not None:
        where.append(WebhookEndpoint.status == data.status)
    return (await session.scalars(page_statement(WebhookEndpoint, page, where))).all(), page
