"""The ACH domain's durable processes. Every morning, each association with
autopay builds the debit file of the day's due date — one workflow per
association and date (its id derives from both), whose single step writes
the file, its entries and the pending payments in one transaction; the table
holds at most one debit file per association and date, so a step re-run
after a crash between its commit and its checkpoint finds the file its first
run wrote instead of debiting twice.

Every hour, each association with pending debits settles those whose deposit
the bank statement showed (a match) or whose return window has passed: one step per
association, idempotent (only pending entries move), so a replay settles
nothing twice."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID

from domains.ach.service import origination, settlement
from graph import durable
from graph.db import scoped_transaction
from graph.durable import long_running
from graph.errors import AppError
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)

AUTOPAY_SCHEDULE = "ach-autopay-daily"
SETTLEMENT_SCHEDULE = "ach-settlement-hourly"
DEBITS_WORKFLOW = "originate_ach_debits_workflow"


@DBOS.step(name="originate_ach_debits_step")
async def originate_ach_debits_step(organization_id: str, association_id: str, on: str) -> str | None:
    """The file's id, or None when nothing was due (or the association can't originate)."""
    org, association = UUID(organization_id), UUID(association_id)
    platform = current_platform()
    try:
        async with scoped_transaction(platform.sessions, org, None) as session:
            file = await origination.debits(session, org, association, date.fromisoformat(on), platform.sealer, None)
            if file is not None:
                origination.audit_run(session, file)
    except AppError as err:  # e.g. the month is closed, or no bank account: skip this association
        log.warning("autopay not originated for association %s on %s: %s", association_id, on, err.code)
        return None
    # Test-only: the file and its pending payments are committed, the step not yet recorded.
    settings = platform.settings
    await durable.pause_for_crash_test(settings.autopay_crash_pause_file, settings.environment, association_id)
    return str(file.id) if file else None


@long_running(DEBITS_WORKFLOW)
async def originate_ach_debits_workflow(organization_id: str, association_id: str, on: str) -> str | None:
    set_scope(UUID(organization_id), None)
    return await originate_ach_debits_step(organization_id, association_id, on)


@DBOS.step(name="autopay_targets_step")
async def autopay_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await origination.targets(session)]


async def run_autopay(organization_id: str, association_id: str, on: date) -> str | None:
    """Start (or join) the association's debit workflow for `on` and wait for it."""
    with SetWorkflowID(origination.debit_workflow_id(UUID(association_id), on)):
        handle = await DBOS.start_workflow_async(originate_ach_debits_workflow, organization_id, association_id, on.isoformat())
    result: str | None = await handle.get_result()
    return result


@scheduled(AUTOPAY_SCHEDULE, "0 5 * * *", name="originate_autopay_workflow")
async def originate_autopay_workflow(scheduled_at: datetime, context: Any) -> int:
    """Every morning: each association with autopay, its debit file for the day."""
    on = scheduled_at.date()
    built = 0
    for organization_id, association_id in await autopay_targets_step():
        built += await run_autopay(organization_id, association_id, on) is not None
    return built


@DBOS.step(name="settle_ach_debits_step")
async def settle_ach_debits_step(organization_id: str, association_id: str, today: str) -> list[int]:
    """[settled by their deposit clearing, settled by the return window passing]."""
    org, association = UUID(organization_id), UUID(association_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        return list(await settlement.settle(session, org, association, date.fromisoformat(today)))


@DBOS.step(name="settlement_targets_step")
async def settlement_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await settlement.targets(session)]


async def run_settlement(today: date) -> int:
    """Settle every association's pending debits that can be (the hourly run's body, callable alone)."""
    settled = 0
    for organization_id, association_id in await settlement_targets_step():
        set_scope(UUID(organization_id), None)
        settled += sum(await settle_ach_debits_step(organization_id, association_id, today.isoformat()))
    return settled


@scheduled(SETTLEMENT_SCHEDULE, "20 * * * *", name="settle_ach_debits_workflow")
async def settle_ach_debits_workflow(scheduled_at: datetime, context: Any) -> int:
    """Every hour (cheap: only pending entries are read, and settling twice does
    nothing): autopay debits whose deposit a statement import matched since, or
    whose return window has passed, are settled."""
    return await run_settlement(scheduled_at.date())
