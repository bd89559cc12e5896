"""Webhooks: an organization's endpoints (URL, event types, a signing secret),
the events integrators care about, written to an outbox in the transaction of
the change they report, and their delivery — signed per the Standard Webhooks
specification, one durable DBOS workflow per (event, endpoint), retried with
backoff for about a day, logged per endpoint, redeliverable by hand."""

from graph.registry import Domain

domain = Domain(
    name="webhooks",
    description=__doc__ or "",
    modules=(
        "types",
        "workflows",
        "operations.webhook_endpoints",
        "operations.webhook_deliveries",
    ),
)
