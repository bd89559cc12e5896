"""Error codes of the webhooks domain."""

from __future__ import annotations

from graph.errors import AppError


class WebhookUrlRefused(AppError):
    """The URL can't receive webhooks: not http(s), credentials in it, plain http
    where https is required, or a host that is (or resolves to) a private,
    loopback, link-local, multicast or reserved address."""

    code = "WEBHOOK_URL_REFUSED"
    status = 422


class UnknownEventType(AppError):
    """An event type the platform does not emit."""

    code = "UNKNOWN_EVENT_TYPE"
    status = 422


class WebhookEndpointDisabled(AppError):
    """The endpoint is disabled: enable it before asking for a redelivery."""

    code = "WEBHOOK_ENDPOINT_DISABLED"
    status = 409
