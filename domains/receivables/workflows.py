"""The receivables domain's durable processes: a levy's posting, in batches,
the daily late-fee run, the monthly interest accrual, and the nightly review of
payment plans (service/assessments.py, service/late_fees.py, service/interest.py
and service/payment_plans.py say what they do)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from dbos import DBOS

from domains.receivables.service import assessments, interest, late_fees, payment_plans
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.db import scoped_transaction
from graph.durable import long_running, pending, perform
from graph.errors import AppError
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)


@DBOS.step(name="post_levy_batch_step")
async def post_levy_batch_step(organization_id: str, levy_id: str, batch: list[list[str]]) -> tuple[int, list[dict[str, Any]]]:
    """The batch's charges and their statement notices; returns how many units
    it charged and the notices' deliveries to start."""
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        posted = await assessments.post_batch(session, org, UUID(levy_id), [(UUID(u), Decimal(a)) for u, a in batch])
        return posted, pending(session)


@long_running(assessments.LEVY_WORKFLOW)
async def post_levy_workflow(organization_id: str, levy_id: str, plan_batches: list[list[list[str]]]) -> int:
    set_scope(UUID(organization_id), None)
    posted, deliveries = 0, list[dict[str, Any]]()
    for batch in plan_batches:
        charged, statements = await post_levy_batch_step(organization_id, levy_id, batch)
        posted, deliveries = posted + charged, deliveries + statements
    await perform(await levy_posted_step(organization_id, levy_id))
    # The statements go out once the levy is posted: their deliveries do not
    # compete with the posting (a crash before this leaves them to the sweep).
    await perform(deliveries)
    return posted


@DBOS.step(name="levy_posted_step")
async def levy_posted_step(organization_id: str, levy_id: str) -> list[dict[str, Any]]:
    """The `levy.posted` event (its id derives from the levy: a re-run step emits
    nothing new); returns its deliveries to start."""
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        read = await assessments.levy_read(session, UUID(levy_id))
        event_id = uuid5(UUID(levy_id), WebhookEventType.LEVY_POSTED.value)
        await events.emit(session, org, WebhookEventType.LEVY_POSTED, read, event_id=event_id)
        return pending(session)


@DBOS.step(name="late_fee_targets_step")
async def late_fee_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await late_fees.targets(session)]


@DBOS.step(name="apply_late_fees_step")
async def apply_late_fees_step(organization_id: str, association_id: str, as_of: str) -> tuple[int, list[dict[str, Any]]]:
    """One association's fees and their reminders; returns how many fees and the
    reminders' deliveries to start."""
    org, association = UUID(organization_id), UUID(association_id)
    try:
        async with scoped_transaction(current_platform().sessions, org, None) as session:
            charged = await late_fees.apply_daily(session, org, association, date.fromisoformat(as_of))
            return charged, pending(session)
    except AppError as err:  # e.g. the month is closed, or the chart lacks an account: skip this association
        log.warning("late fees not applied for association %s on %s: %s", association_id, as_of, err.code)
        return 0, []


@scheduled(late_fees.LATE_FEE_SCHEDULE, "30 6 * * *", name="apply_late_fees_workflow")
async def apply_late_fees_workflow(scheduled_at: datetime, context: Any) -> int:
    as_of = scheduled_at.date().isoformat()
    charged = 0
    for organization_id, association_id in await late_fee_targets_step():
        set_scope(UUID(organization_id), None)
        fees, deliveries = await apply_late_fees_step(organization_id, association_id, as_of)
        await perform(deliveries)
        charged += fees
    return charged


@DBOS.step(name="interest_targets_step")
async def interest_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await interest.targets(session)]


@DBOS.step(name="accrue_interest_step")
async def accrue_interest_step(organization_id: str, association_id: str, month: str, today: str) -> int:
    """One association's interest for the month, in one transaction with its
    `interest_accruals` rows: a step re-run after a crash finds the units it
    charged and charges the others."""
    org, association = UUID(organization_id), UUID(association_id)
    try:
        async with scoped_transaction(current_platform().sessions, org, None) as session:
            return await interest.accrue_monthly(session, org, association, date.fromisoformat(month), date.fromisoformat(today))
    except AppError as err:  # e.g. the month is closed, or the chart lacks the account: skip this association
        log.warning("interest not accrued for association %s for %s: %s", association_id, month, err.code)
        return 0


@scheduled(interest.INTEREST_SCHEDULE, "45 6 1 * *", name="accrue_interest_workflow")
async def accrue_interest_workflow(scheduled_at: datetime, context: Any) -> int:
    """The first of every month: the month before's interest, for each association with a policy."""
    today = scheduled_at.date()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    charged = 0
    for organization_id, association_id in await interest_targets_step():
        set_scope(UUID(organization_id), None)
        charged += await accrue_interest_step(organization_id, association_id, month.isoformat(), today.isoformat())
    return charged


@DBOS.step(name="payment_plan_targets_step")
async def payment_plan_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await payment_plans.targets(session)]


@DBOS.step(name="review_payment_plans_step")
async def review_payment_plans_step(organization_id: str, association_id: str, as_of: str) -> list[int]:
    org, association = UUID(organization_id), UUID(association_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        return list(await payment_plans.review(session, association, date.fromisoformat(as_of), None))


@scheduled(payment_plans.PLAN_REVIEW_SCHEDULE, "15 6 * * *", name="review_payment_plans_workflow")
async def review_payment_plans_workflow(scheduled_at: datetime, context: Any) -> list[int]:
    """Every night: each association's active plans, completed or defaulted as the day finds them."""
    as_of = scheduled_at.date().isoformat()
    totals = [0, 0]
    for organization_id, association_id in await payment_plan_targets_step():
        set_scope(UUID(organization_id), None)
        done, missed = await review_payment_plans_step(organization_id, association_id, as_of)
        totals = [totals[0] + done, totals[1] + missed]
    return totals
