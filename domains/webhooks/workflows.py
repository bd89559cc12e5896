"""A webhook delivery's durable process: one DBOS workflow per delivery
(event × endpoint), started once the event's transaction commits.

Each attempt is a step: read the delivery, POST the signed event (outside any
transaction), record the outcome. Between failed attempts the workflow sleeps
durably (`webhook_retry_seconds`, about 28 hours in all); after the last one the
delivery has failed, and an endpoint failing for days is disabled. A crash
mid-attempt re-runs the step after recovery, so the event arrives at least once,
always with the same `webhook-id`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.webhooks.models import WebhookDeliveryStatus, WebhookEndpointStatus
from domains.webhooks.service import deliveries, endpoints, events, sending
from graph import durable
from graph.db import scoped_transaction
from graph.durable import long_running
from graph.ids import encode
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="attempt_webhook_delivery_step")
async def attempt_delivery_step(organization_id: str, delivery_id: str) -> dict[str, Any]:
    """One attempt: {"status": "retry", "wait": seconds} or the final status."""
    platform = current_platform()
    settings = platform.settings
    org, delivery = UUID(organization_id), UUID(delivery_id)
    async with scoped_transaction(platform.sessions, org, None) as session:
        found = await deliveries.for_attempt(session, delivery)
        if found is None:
            return {"status": "done"}
        row, event, endpoint, now = found
        if endpoint.status is not WebhookEndpointStatus.ACTIVE:
            await deliveries.give_up(session, row, "The endpoint is disabled.")
            return {"status": WebhookDeliveryStatus.FAILED.value}
        url, attempt_number = endpoint.url, row.attempts
        in_use = endpoints.signing_secrets(endpoint, platform.sealer, now)
        body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False)
        event_id = encode("evt", event.id)
    attempt = await sending.send(url, event_id, datetime.now(UTC), body, in_use, settings)
    # Test-only: after the first POST, before its outcome is recorded.
    await durable.pause_for_crash_test(settings.webhook_crash_pause_file, settings.environment, event_id or "posted")
    schedule = settings.webhook_retry_seconds
    retry_in = None if attempt.ok or attempt_number >= len(schedule) else schedule[attempt_number]
    async with scoped_transaction(platform.sessions, org, None) as session:
        status = await deliveries.record_attempt(
            session,
            delivery,
            ok=attempt.ok,
            response_status=attempt.status,
            error=attempt.error,
            retry_in=retry_in,
            disable_after_seconds=settings.webhook_disable_after_seconds,
        )
    if status is WebhookDeliveryStatus.PENDING and retry_in is not None:
        return {"status": "retry", "wait": retry_in}
    return {"status": status.value}


@long_running(events.DELIVERY_WORKFLOW)
async def deliver_webhook_workflow(organization_id: str, delivery_id: str) -> str:
    set_scope(UUID(organization_id), None)
    while True:
        result = await attempt_delivery_step(organization_id, delivery_id)
        if result["status"] != "retry":
            return str(result["status"])
        await DBOS.sleep_async(float(result["wait"]))
