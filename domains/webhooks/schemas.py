"""API models of the webhooks domain, derived from its tables."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from domains.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryId,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointId,
    WebhookEndpointStatus,
    WebhookEvent,
    WebhookEventId,
    WebhookEventType,
)
from graph.auth.sealing import SealedAtRest
from graph.schemas import ApiModel, connection_model, derive

_TYPES = "The event types it receives (at least one)."
_URL = "Where events are POSTed: an https URL whose host is a public address."
_FIRST = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
_AFTER = Field(None, description="Cursor of the last item seen.")

WebhookEndpointRead = derive(
    WebhookEndpoint,
    "WebhookEndpoint",
    [
        "id",
        "organization_id",
        "url",
        "description",
        "status",
        "disabled_reason",
        "failing_since",
        "secret_rotated_at",
        "previous_secret_expires_at",
        "created_by",
        "created_at",
    ],
    node=True,
    extra={"event_types": (list[WebhookEventType], Field(description="The event types it receives."))},
)

WebhookEventRead = derive(
    WebhookEvent,
    "WebhookEvent",
    ["id", "organization_id", "occurred_at"],
    node=True,
    extra={
        "type": (WebhookEventType, Field(description="What happened.")),
        "payload": (dict[str, Any], Field(description="The JSON body sent: `type`, `timestamp` and `data`.")),
    },
)

WebhookDeliveryRead = derive(
    WebhookDelivery,
    "WebhookDelivery",
    [
        "id",
        "organization_id",
        "event_id",
        "endpoint_id",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "response_status",
        "last_error",
        "finished_at",
        "requested_by",
        "created_at",
    ],
    node=True,
    extra={"event": (WebhookEventRead | None, Field(None, description="The event delivered (its id is the `webhook-id`)."))},
)


class WebhookEndpointCreateInput(ApiModel):
    """A URL of yours that receives the events you choose, signed per the
    Standard Webhooks specification with a secret shown once."""

    url: str = Field(min_length=8, max_length=2000, description=_URL)
    event_types: list[WebhookEventType] = Field(min_length=1, max_length=50, description=_TYPES)
    description: str = Field(min_length=1, max_length=500, description="What the endpoint is for.")


class WebhookEndpointCreated(ApiModel):
    """A new endpoint and its signing secret. The secret is shown only here (and in
    idempotent replays of this request for 24 hours): store it to verify deliveries."""

    endpoint: WebhookEndpointRead = Field(description="The endpoint.")
    secret: Annotated[str, SealedAtRest()] = Field(
        description="The signing secret (`whsec_…`), for any Standard Webhooks verifier."
    )


class WebhookEndpointUpdateInput(ApiModel):
    """Change an endpoint: give only the fields to change. Enabling a disabled
    endpoint clears its failing streak; past failed deliveries can be redelivered."""

    id: WebhookEndpointId = Field(description="The endpoint.")
    url: str | None = Field(None, min_length=8, max_length=2000, description=_URL)
    event_types: list[WebhookEventType] | None = Field(None, min_length=1, max_length=50, description=_TYPES)
    description: str | None = Field(None, min_length=1, max_length=500, description="What the endpoint is for.")
    enabled: bool | None = Field(None, description="True: receive events again; false: stop (nothing is queued meanwhile).")


class WebhookEndpointRotateSecretInput(ApiModel):
    """Replace an endpoint's secret. During the overlap, each delivery carries a
    signature by the new secret and one by the old, so receivers switch at leisure."""

    id: WebhookEndpointId = Field(description="The endpoint.")
    overlap_seconds: int | None = Field(
        None, ge=0, le=7 * 24 * 3600, description="How long the old secret keeps signing (default 24 hours; 0: stop now)."
    )


class WebhookEndpointGetInput(ApiModel):
    """The endpoint to read."""

    id: WebhookEndpointId = Field(description="The endpoint.")


class WebhookEndpointListInput(ApiModel):
    """The organization's endpoints, newest first."""

    status: WebhookEndpointStatus | None = Field(None, description="Only endpoints in this status.")
    first: int = _FIRST
    after: str | None = _AFTER


WebhookEndpointConnection = connection_model(WebhookEndpointRead)


class WebhookDeliveryListInput(ApiModel):
    """An endpoint's delivery log, newest first."""

    endpoint_id: WebhookEndpointId = Field(description="The endpoint.")
    status: WebhookDeliveryStatus | None = Field(None, description="Only deliveries in this status.")
    event_id: WebhookEventId | None = Field(None, description="Only the deliveries of this event.")
    first: int = _FIRST
    after: str | None = _AFTER


WebhookDeliveryConnection = connection_model(WebhookDeliveryRead)


class WebhookDeliveryRedeliverInput(ApiModel):
    """A delivery to send again (e.g. one that failed while your endpoint was down)."""

    id: WebhookDeliveryId = Field(description="The delivery.")
