"""The accounting domain's durable process: the daily run that posts each
association's recurring journal entries as their months fall due
(service/recurring.py says how each month is decided exactly once)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.accounting.service import recurring
from graph.db import scoped_transaction
from graph.errors import AppError
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)


@DBOS.step(name="recurring_entry_targets_step")
async def recurring_entry_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await recurring.targets(session)]


@DBOS.step(name="post_recurring_entries_step")
async def post_recurring_entries_step(organization_id: str, association_id: str, as_of: str) -> int:
    """One association's due months, with their audit row (the system acts); how many were decided."""
    org, association = UUID(organization_id), UUID(association_id)
    try:
        async with scoped_transaction(current_platform().sessions, org, None) as session:
            return await recurring.post_due_daily(session, org, association, date.fromisoformat(as_of))
    except AppError as err:  # the association's books refuse as a whole: the others still run
        log.warning("recurring entries not posted for association %s on %s: %s", association_id, as_of, err.code)
        return 0


@scheduled(recurring.SCHEDULE, "0 7 * * *", name="post_recurring_entries_workflow")
async def post_recurring_entries_workflow(scheduled_at: datetime, context: Any) -> int:
    as_of = scheduled_at.date().isoformat()
    decided = 0
    for organization_id, association_id in await recurring_entry_targets_step():
        set_scope(UUID(organization_id), None)
        decided += await post_recurring_entries_step(organization_id, association_id, as_of)
    return decided
