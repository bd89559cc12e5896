"""The daily compliance run: a DBOS scheduled workflow that generates every
association's calendar and escalates what is overdue (service/calendar.py)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.associations.models import Association
from domains.compliance.service import calendar
from graph import durable
from graph.db import scoped_transaction
from graph.errors import AppError
from graph.handlers import require
from graph.ids import encode
from graph.maintenance import scheduled
from graph.platform import current_platform
from graph.telemetry import set_scope

log = logging.getLogger(__name__)
COMPLIANCE_SCHEDULE = "compliance-calendar-daily"


@DBOS.step(name="compliance_targets_step")
async def compliance_targets_step() -> list[list[str]]:
    async with current_platform().sessions() as session, session.begin():
        return [[str(org), str(association)] for org, association in await calendar.targets(session)]


@DBOS.step(name="generate_compliance_calendar_step")
async def generate_compliance_calendar_step(organization_id: str, association_id: str, today: str) -> list[int]:
    """One association's run, in one transaction with its audit row: [created, escalated].
    Replayed after a crash, the step finds the tasks its first attempt committed (the
    key is the requirement, subject and period) and creates none of them again."""
    org, association_id_ = UUID(organization_id), UUID(association_id)
    day = date.fromisoformat(today)
    try:
        async with scoped_transaction(current_platform().sessions, org, None) as session:
            association = await require(session, Association, association_id_, "associationId")
            created, resolved = await calendar.generate(session, org, association, day)
            escalated = await calendar.escalate(session, org, association_id_, day)
            if created or resolved or escalated:
                durable.audit(
                    session,
                    org,
                    "complianceCalendar/generate",
                    [encode("ctk", t.id) for t in (*created, *resolved)],
                    {
                        "associationId": encode("asn", association_id_),
                        "day": today,
                        "created": len(created),
                        "resolved": len(resolved),
                        "escalated": escalated,
                    },
                )
            return [len(created), escalated]
    except AppError as err:  # skip this association today; the next run tries again
        log.warning("compliance calendar not generated for association %s on %s: %s", association_id, today, err.code)
        return [0, 0]


@scheduled(COMPLIANCE_SCHEDULE, "0 6 * * *", name="generate_compliance_calendar_workflow")
async def generate_compliance_calendar_workflow(scheduled_at: datetime, context: Any) -> list[int]:
    """Every morning (06:00 UTC), every association with compliance settings: [created, escalated] in all."""
    today = scheduled_at.date().isoformat()
    totals = [0, 0]
    for organization_id, association_id in await compliance_targets_step():
        set_scope(UUID(organization_id), None)
        created, escalated = await generate_compliance_calendar_step(organization_id, association_id, today)
        totals = [totals[0] + created, totals[1] + escalated]
    return totals
