"""Delivering messages: one DBOS workflow per message, started once the
transaction that wrote it commits (by one dispatch workflow per batch written).

An email's attempt is three steps: claim (commit `sending`, the attempt counted),
send (one SMTP transaction, no database), record (the outcome). Between failed
attempts the workflow sleeps durably (`message_retry_seconds`); after the last
the message has failed. A 5xx answer is a bounce, final at once. A printed
letter is one step: its PDF is written and the message waits in the print queue.

What "never sent twice" means here, honestly. The outbox row is unique per
event and recipient, and the workflow's id is the message's, so one event makes
one message and one delivery. SMTP itself has no idempotency: if the process
dies after the server accepted the DATA but before DBOS checkpointed the send
step, recovery runs the send step again and the server receives the message a
second time. That second transmission carries the same Message-ID (derived from
the outbox id) and `X-Hestami-Attempt` of the same attempt, and the claim step's
ordering leaves the row `sending` with that attempt, so the resend is known on
both sides: receivers that keep one message per Message-ID (the local sink
does; so do common mailbox providers) show it once. The window is the time
between the server's 250 and the step's checkpoint, milliseconds; outside it
every attempt is sent at most once.

Every minute a sweep starts the delivery of any message written but never
tried for a minute — one the demo seed wrote without DBOS, or whose dispatch
was lost: starting a delivery that exists already changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID

from domains.communications.service import delivery, letters, mailer
from domains.communications.service.messages import (
    DELIVERY_OPTION,
    DELIVERY_WORKFLOW,
    DISPATCH_WORKFLOW,
    SWEEP_SCHEDULE,
    delivery_workflow_id,
)
from graph import durable
from graph.durable import WORKFLOWS, long_running
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="claim_message_step")
async def claim_step(organization_id: str, message_id: str) -> dict[str, Any]:
    async with delivery.transaction(organization_id) as session:
        return await delivery.claim(session, UUID(message_id))


@DBOS.step(name="print_letter_step")
async def print_step(organization_id: str, message_id: str, letter: dict[str, Any]) -> str:
    name = await letters.store(current_platform().settings, letter)
    async with delivery.transaction(organization_id) as session:
        return await delivery.record_printed(session, UUID(message_id), name)


@DBOS.step(name="send_message_step")
async def send_step(envelope: dict[str, Any]) -> dict[str, str]:
    settings = current_platform().settings
    outcome = await mailer.send(envelope, settings)
    if outcome.result == mailer.ACCEPTED:  # test-only: accepted by the SMTP server, the step not yet recorded
        await durable.pause_for_crash_test(settings.message_crash_pause_file, settings.environment, envelope["public_id"])
    return {"result": outcome.result, "detail": outcome.detail}


@DBOS.step(name="record_message_step")
async def record_step(organization_id: str, message_id: str, attempt: int, outcome: dict[str, str]) -> dict[str, Any]:
    platform = current_platform()
    schedule = platform.settings.message_retry_seconds
    retry_in = schedule[attempt - 1] if attempt <= len(schedule) else None
    async with delivery.transaction(organization_id) as session:
        status = await delivery.record(session, UUID(message_id), attempt, mailer.Outcome(**outcome), retry_in)
    return {"status": status, "wait": retry_in}


@long_running(DELIVERY_WORKFLOW)
async def deliver_message_workflow(organization_id: str, message_id: str) -> str:
    set_scope(UUID(organization_id), None)
    while True:
        plan = await claim_step(organization_id, message_id)
        if "done" in plan:
            return str(plan["done"])
        if "print" in plan:
            return await print_step(organization_id, message_id, plan["print"])
        outcome = await send_step(plan)
        result = await record_step(organization_id, message_id, plan["attempt"], outcome)
        if result["status"] != "pending":
            return str(result["status"])
        await DBOS.sleep_async(float(result["wait"]))


@long_running(DISPATCH_WORKFLOW)
async def dispatch_messages_workflow(organization_id: str, message_ids: list[str]) -> int:
    """Start the delivery of each message a transaction wrote (a start with the
    id of a running or finished delivery changes nothing)."""
    set_scope(UUID(organization_id), None)
    for message_id in message_ids:
        with SetWorkflowID(delivery_workflow_id(UUID(message_id))):
            await DBOS.start_workflow_async(WORKFLOWS[DELIVERY_WORKFLOW], organization_id, message_id)
    return len(message_ids)


@DBOS.step(name="undelivered_messages_step")
async def undelivered_step() -> list[list[str]]:
    platform = current_platform()
    async with platform.sessions() as session, session.begin():
        await session.connection(execution_options={DELIVERY_OPTION: True})
        older_than = platform.settings.message_sweep_after_seconds
        return [[str(org), str(message)] for org, message in await delivery.undelivered(session, older_than)]


@scheduled(SWEEP_SCHEDULE, "* * * * *", name="deliver_undelivered_messages_workflow")
async def deliver_undelivered_messages_workflow(scheduled_at: datetime, context: Any) -> int:
    started = 0
    for organization_id, message_id in await undelivered_step():
        with SetWorkflowID(delivery_workflow_id(UUID(message_id))):
            await DBOS.start_workflow_async(WORKFLOWS[DELIVERY_WORKFLOW], organization_id, message_id)
        started += 1
    return started
