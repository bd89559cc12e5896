"""Owners' payments' durable process: every morning (after the autopay run),
each association with one-time ACH payments waiting sends them as one file —
one workflow per association and morning (its id derives from both), whose
single step files them in one transaction; the table holds at most one such
file per association and morning, so a step re-run after a crash between its
commit and its checkpoint finds the file its first run wrote instead of
debiting twice."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID

from domains.owner_payments.service import payments
from graph import durable
from graph.db import scoped_transaction
from graph.durable import long_running
from graph.errors import AppError
from graph.ids import encode
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)

SCHEDULE = "owner-payment-debits-daily"
WORKFLOW = "file_owner_payment_debits_workflow"


def workflow_id(association_id: UUID, on: date) -> str:
    """One filing per association and morning, whoever starts it."""
    return f"owner-payment-debits:{association_id}:{on.isoformat()}"


@DBOS.step(name="file_owner_payment_debits_step")
async def file_debits_step(organization_id: str, association_id: str, on: str) -> str | None:
    """The file's id, or None when nothing waited (or the association can't originate)."""
    org, association = UUID(organization_id), UUID(association_id)
    platform = current_platform()
    try:
        async with scoped_transaction(platform.sessions, org, None) as session:
            file, count = await payments.file_debits(session, org, association, date.fromisoformat(on), platform.sealer)
            if file is not None and count:
                durable.audit(
                    session,
                    org,
                    "ownerPayment/originateDebits",
                    [encode("acf", file.id)],
                    {"associationId": encode("asn", association), "payments": count, "total": str(file.total)},
                )
    except AppError as err:  # e.g. the bank account was closed since: the payments wait for tomorrow
        log.warning("owner payments not filed for association %s on %s: %s", association_id, on, err.code)
        return None
    # Test-only: the file and the payments' entries are committed, the step not yet recorded.
    settings = platform.settings
    await durable.pause_for_crash_test(settings.autopay_crash_pause_file, settings.environment, association_id)
    return str(file.id) if file else None


@long_running(WORKFLOW)
async def file_owner_payment_debits_workflow(organization_id: str, association_id: str, on: str) -> str | None:
    set_scope(UUID(organization_id), None)
    return await file_debits_step(organization_id, association_id, on)


@DBOS.step(name="owner_payment_debit_targets_step")
async def targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await payments.targets(session)]


async def file_association(organization_id: str, association_id: str, on: date) -> str | None:
    """Start (or join) the association's filing for `on` and wait for it."""
    with SetWorkflowID(workflow_id(UUID(association_id), on)):
        handle = await DBOS.start_workflow_async(
            file_owner_payment_debits_workflow, organization_id, association_id, on.isoformat()
        )
    result: str | None = await handle.get_result()
    return result


async def run_filing(on: date) -> int:
    """File every association's waiting payments for `on` (the morning's body, callable alone)."""
    filed = 0
    for organization_id, association_id in await targets_step():
        filed += await file_association(organization_id, association_id, on) is not None
    return filed


@scheduled(SCHEDULE, "10 5 * * *", name="file_owner_payment_debits_daily_workflow")
async def file_owner_payment_debits_daily_workflow(scheduled_at: datetime, context: Any) -> int:
    """Every morning: each association's one-time ACH payments, as one file."""
    return await run_filing(scheduled_at.date())
