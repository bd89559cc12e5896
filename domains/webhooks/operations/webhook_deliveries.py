"""webhookDelivery/v1/{list,redeliver}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.webhooks.errors import WebhookEndpointDisabled
from domains.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEndpointStatus
from domains.webhooks.schemas import (
    WebhookDeliveryConnection,
    WebhookDeliveryListInput,
    WebhookDeliveryRead,
    WebhookDeliveryRedeliverInput,
    WebhookEventRead,
)
from domains.webhooks.service import deliveries
from graph.handlers import OperationContext, actor, as_connection, org, require, with_nodes
from graph.operations import operation


async def _with_events(ctx: OperationContext, rows: Sequence[WebhookDelivery]) -> list[Any]:
    events = await deliveries.events_by_ids(ctx.session, list({r.event_id for r in rows}))
    return [
        WebhookDeliveryRead.model_validate(
            {name: getattr(r, name) for name in WebhookDeliveryRead.model_fields if name != "event"}
            | {"event": WebhookEventRead.model_validate(events[r.event_id])}
        )
        for r in rows
    ]


@operation(
    "webhookDelivery/v1/list",
    input=WebhookDeliveryListInput,
    output=WebhookDeliveryConnection,
    kind="webhook_delivery",
    action="list",
    mutates=False,
    graphql_name="webhookDeliveries",
    summary="List an endpoint's deliveries",
)
async def list_deliveries(ctx: OperationContext, data: WebhookDeliveryListInput) -> WebhookDeliveryConnection:
    """An endpoint's delivery log, newest first: each event sent to it, how many
    attempts it took, the last answer (HTTP status or error) and when the next
    attempt is due. Failed ones can be sent again (`webhookDelivery/v1/redeliver`)."""
    await require(ctx.session, WebhookEndpoint, data.endpoint_id, "endpointId")
    visible = await ctx.visible("webhook_delivery", "read", WebhookDelivery)
    rows, page = await deliveries.delivery_page(ctx.session, data, visible)
    connection = as_connection(WebhookDeliveryConnection, rows, page)
    return with_nodes(connection, await _with_events(ctx, connection.nodes))


@operation(
    "webhookDelivery/v1/redeliver",
    input=WebhookDeliveryRedeliverInput,
    output=WebhookDeliveryRead,
    kind="webhook_delivery",
    action="redeliver",
    target=WebhookDelivery,
    summary="Send a delivery's event again",
)
async def redeliver(ctx: OperationContext, data: WebhookDeliveryRedeliverInput) -> WebhookDeliveryRead:
    """Send a delivery's event to its endpoint again, as a new delivery with its
    own attempts and the same `webhook-id` (receivers deduplicate by it). The
    endpoint must be enabled (WEBHOOK_ENDPOINT_DISABLED)."""
    original: WebhookDelivery = ctx.target
    endpoint = await require(ctx.session, WebhookEndpoint, original.endpoint_id, "id")
    if endpoint.status is not WebhookEndpointStatus.ACTIVE:
        raise WebhookEndpointDisabled("The endpoint is disabled: enable it first (webhookEndpoint/v1/update).", field=["id"])
    delivery = await deliveries.redeliver(ctx.session, org(ctx), original, actor(ctx))
    ctx.audit_summary = {"redeliveryOf": str(data.id)}
    return (await _with_events(ctx, [delivery]))[0]
