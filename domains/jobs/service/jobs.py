"""Jobs: arrival from a customer's dispatch, the provider's moves, reads.

    received → accepted | declined | canceled
    accepted → scheduled | canceled
    scheduled → in_progress | scheduled (rescheduled) | canceled
    in_progress → work_done
    declined, work_done, canceled: final

`canceled` is the customer's move (its dispatch workflow, as the platform); every
other move is the provider's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.errors import IllegalJobTransition
from domains.jobs.models import Job, JobActorKind, JobStatus, JobTransition
from graph.pages import Page, page_statement

S = JobStatus
JOB_MAP: dict[JobStatus, frozenset[JobStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.CANCELED}),
    S.SCHEDULED: frozenset({S.IN_PROGRESS, S.SCHEDULED, S.CANCELED}),
    S.IN_PROGRESS: frozenset({S.WORK_DONE}),
    S.DECLINED: frozenset(),
    S.WORK_DONE: frozenset(),
    S.CANCELED: frozenset(),
}
PLATFORM = UUID(int=0)
# The topic of the customer's dispatch workflow that a job's moves are sent on.
CUSTOMER_TOPIC = "job"


async def receive(session: AsyncSession, provider_id: UUID, job_id: UUID, values: dict[str, Any]) -> bool:
    """Write the job a customer's dispatch sends (in the provider's scope); False
    if it is already there (a re-run of the dispatch step)."""
    made = await session.scalar(
        insert(Job)
        .values(id=job_id, organization_id=provider_id, status=JobStatus.RECEIVED, **values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Job.id)
    )
    if made is None:
        return False
    session.add(
        JobTransition(
            organization_id=provider_id,
            job_id=job_id,
            to_status=JobStatus.RECEIVED,
            actor_kind=JobActorKind.PLATFORM,
            actor_id=PLATFORM,
        )
    )
    await session.flush()
    return True


async def lock(session: AsyncSession, job_id: UUID) -> Job | None:
    return await session.scalar(select(Job).where(Job.id == job_id).with_for_update().execution_options(populate_existing=True))


async def move(
    session: AsyncSession,
    job: Job,
    to: JobStatus,
    actor: tuple[JobActorKind, UUID],
    note: str | None,
    scheduled_for: datetime | None = None,
) -> None:
    before = job.status
    if to not in JOB_MAP[before] or (to is S.CANCELED) != (actor[0] is JobActorKind.PLATFORM):
        raise IllegalJobTransition(
            f"A job can't move from {before.value} to {to.value}.",
            field=["id"],
            details={
                "from": before.value,
                "to": to.value,
                "allowed": sorted(s.value for s in JOB_MAP[before] if s is not S.CANCELED),
            },
        )
    job.status = to
    if scheduled_for is not None:
        job.scheduled_for = scheduled_for
    session.add(
        JobTransition(
            organization_id=job.organization_id,
            job_id=job.id,
            from_status=before,
            to_status=to,
            actor_kind=actor[0],
            actor_id=actor[1],
            note=note,
        )
    )
    await session.flush()


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Job], Page]:
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if data.status is not None:
        where.append(Job.status == data.status)
    if data.customer_organization_id is not None:
        where.append(Job.customer_organization_id == data.customer_organization_id)
    return (await session.scalars(page_statement(Job, p, where))).all(), p
