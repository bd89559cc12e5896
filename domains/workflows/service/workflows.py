"""A workflow's owner, as RLS shows it."""

from __future__ import annotations

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domains.workflows.models import WorkflowRun
from graph.idempotency_models import IdempotencyRecord


async def name_of(session: AsyncSession, workflow_id: str) -> str | None:
    """The name of the organization's workflow `workflow_id` (a long-running
    process's, or the operation a mutation's workflow ran); None if it isn't
    this organization's. RLS decides: DBOS's tables know nothing of organizations."""
    owned = union_all(
        select(WorkflowRun.name).where(WorkflowRun.workflow_id == workflow_id),
        select(IdempotencyRecord.operation).where(IdempotencyRecord.workflow_id == workflow_id),
    )
    return (await session.execute(owned)).scalars().first()
