"""webhookEndpoint/v1/{create,update,rotateSecret,get,list}."""

from __future__ import annotations

from domains.webhooks.models import WebhookEndpoint
from domains.webhooks.schemas import (
    WebhookEndpointConnection,
    WebhookEndpointCreated,
    WebhookEndpointCreateInput,
    WebhookEndpointGetInput,
    WebhookEndpointListInput,
    WebhookEndpointRead,
    WebhookEndpointRotateSecretInput,
    WebhookEndpointUpdateInput,
)
from domains.webhooks.service import endpoints, sending
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "webhookEndpoint/v1/create",
    input=WebhookEndpointCreateInput,
    output=WebhookEndpointCreated,
    kind="webhook_endpoint",
    action="create",
    summary="Register a webhook endpoint",
)
async def create_endpoint(ctx: OperationContext, data: WebhookEndpointCreateInput) -> WebhookEndpointCreated:
    """Register a URL to receive the organization's events of the types chosen,
    and get its signing secret (shown once). Each delivery is a POST of
    `{type, timestamp, data}` with the Standard Webhooks headers `webhook-id` (the
    event's id, the same on every retry: deduplicate by it), `webhook-timestamp`
    and `webhook-signature`; a 2xx answer acknowledges it, anything else is
    retried with backoff for about a day. The URL must be https and its host a
    public address (WEBHOOK_URL_REFUSED)."""
    await sending.check_resolved(data.url, ctx.platform.settings)
    secret = sending.new_secret()
    endpoint = await endpoints.create(ctx.session, org(ctx), data, ctx.platform.sealer.seal(secret), actor(ctx))
    ctx.audit_summary = {"url": endpoint.url, "eventTypes": endpoint.event_types}
    return WebhookEndpointCreated(endpoint=WebhookEndpointRead.model_validate(endpoint), secret=secret)


@operation(
    "webhookEndpoint/v1/update",
    input=WebhookEndpointUpdateInput,
    output=WebhookEndpointRead,
    kind="webhook_endpoint",
    action="update",
    target=WebhookEndpoint,
    summary="Change a webhook endpoint",
)
async def update_endpoint(ctx: OperationContext, data: WebhookEndpointUpdateInput) -> WebhookEndpointRead:
    """Change an endpoint's URL (checked as at registration, WEBHOOK_URL_REFUSED),
    event types or description, or disable and enable it."""
    endpoint: WebhookEndpoint = ctx.target
    if data.url is not None and data.url != endpoint.url:
        await sending.check_resolved(data.url, ctx.platform.settings)
    changed = await endpoints.update(ctx.session, endpoint, data)
    ctx.audit_summary = changed
    return WebhookEndpointRead.model_validate(endpoint)


@operation(
    "webhookEndpoint/v1/rotateSecret",
    input=WebhookEndpointRotateSecretInput,
    output=WebhookEndpointCreated,
    kind="webhook_endpoint",
    action="rotate_secret",
    target=WebhookEndpoint,
    summary="Rotate a webhook endpoint's signing secret",
)
async def rotate_secret(ctx: OperationContext, data: WebhookEndpointRotateSecretInput) -> WebhookEndpointCreated:
    """Give the endpoint a new signing secret (shown once). For `overlapSeconds`
    (default 24 hours) every delivery is signed with both secrets — the
    `webhook-signature` header lists both — so a receiver can switch secrets
    without losing an event."""
    endpoint: WebhookEndpoint = ctx.target
    overlap = data.overlap_seconds if data.overlap_seconds is not None else ctx.platform.settings.webhook_secret_overlap_seconds
    secret = sending.new_secret()
    await endpoints.rotate(ctx.session, endpoint, ctx.platform.sealer.seal(secret), overlap)
    ctx.audit_summary = {"overlapSeconds": overlap}
    return WebhookEndpointCreated(endpoint=WebhookEndpointRead.model_validate(endpoint), secret=secret)


@operation(
    "webhookEndpoint/v1/get",
    input=WebhookEndpointGetInput,
    output=WebhookEndpointRead,
    kind="webhook_endpoint",
    action="read",
    target=WebhookEndpoint,
    mutates=False,
    summary="Read a webhook endpoint",
)
async def get_endpoint(ctx: OperationContext, data: WebhookEndpointGetInput) -> WebhookEndpointRead:
    """One webhook endpoint (never its secret)."""
    return WebhookEndpointRead.model_validate(ctx.target)


@operation(
    "webhookEndpoint/v1/list",
    input=WebhookEndpointListInput,
    output=WebhookEndpointConnection,
    kind="webhook_endpoint",
    action="list",
    mutates=False,
    graphql_name="webhookEndpoints",
    summary="List webhook endpoints",
)
async def list_endpoints(ctx: OperationContext, data: WebhookEndpointListInput) -> WebhookEndpointConnection:
    """The organization's webhook endpoints, newest first."""
    rows, page = await endpoints.endpoint_page(ctx.session, data, await ctx.visible("webhook_endpoint", "read", WebhookEndpoint))
    return as_connection(WebhookEndpointConnection, rows, page)
