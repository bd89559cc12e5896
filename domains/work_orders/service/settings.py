"""An association's work-order deadlines. A new association's settings row is
made with DEFAULTS when its first work order is opened (or its settings are
first set); from then on the row is what the deadlines are computed from."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.work_orders.models import WorkOrderPriority, WorkOrderSettings

# Minutes from the request: (response, completion) per priority.
DEFAULTS: dict[str, Any] = {
    "routine_response_minutes": Decimal(2 * 24 * 60),
    "routine_completion_minutes": Decimal(14 * 24 * 60),
    "urgent_response_minutes": Decimal(4 * 60),
    "urgent_completion_minutes": Decimal(3 * 24 * 60),
    "emergency_response_minutes": Decimal(60),
    "emergency_completion_minutes": Decimal(24 * 60),
    "warranty_response_minutes": Decimal(3 * 24 * 60),
    "warranty_completion_minutes": Decimal(30 * 24 * 60),
    "reopen_window_days": 14,
}


async def of(session: AsyncSession, organization_id: UUID, association_id: UUID) -> WorkOrderSettings:
    """The association's settings, made with the defaults if it has none yet."""
    made = await session.scalar(
        insert(WorkOrderSettings)
        .values(organization_id=organization_id, association_id=association_id, **DEFAULTS)
        .on_conflict_do_nothing(index_elements=["organization_id", "association_id"])
        .returning(WorkOrderSettings)
        .execution_options(populate_existing=True)
    )
    if made is not None:
        return made
    row = await session.scalar(select(WorkOrderSettings).where(WorkOrderSettings.association_id == association_id))
    assert row is not None
    return row


async def peek(session: AsyncSession, association_id: UUID) -> WorkOrderSettings | None:
    """The association's settings if it has any (a read makes nothing)."""
    return await session.scalar(select(WorkOrderSettings).where(WorkOrderSettings.association_id == association_id))


async def update(
    session: AsyncSession, organization_id: UUID, association_id: UUID, values: dict[str, Any], by: UUID
) -> WorkOrderSettings:
    row = await of(session, organization_id, association_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = by
    await session.flush()
    await session.refresh(row)
    return row


def deadlines(settings: WorkOrderSettings, priority: WorkOrderPriority) -> tuple[timedelta, timedelta]:
    """(time to respond, time to complete) for a priority."""
    respond = getattr(settings, f"{priority.value}_response_minutes")
    complete = getattr(settings, f"{priority.value}_completion_minutes")
    return timedelta(minutes=float(respond)), timedelta(minutes=float(complete))
