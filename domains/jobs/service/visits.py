"""Technicians' visits: who goes to a job, and when.

Scheduling a job names the technicians (members of the provider's
organization) and how long the visit takes; rescheduling cancels the job's
visits still scheduled and books new ones. A technician is never on two
scheduled visits at once: checked here under a lock on the technician's
membership (bookings of one technician take turns), and by an exclusion
constraint in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.errors import TechnicianDoubleBooked, TechnicianNotMember
from domains.jobs.models import Job, JobVisit, JobVisitStatus
from domains.organizations.models import Membership
from graph.ids import encode
from graph.pages import Page, page_statement


async def book(
    session: AsyncSession,
    job: Job,
    technician_ids: Sequence[UUID],
    starts_at: datetime,
    ends_at: datetime,
    note: str | None,
    by: UUID,
) -> list[JobVisit]:
    """Cancel `job`'s scheduled visits and book one per technician from `starts_at`
    to `ends_at`: TECHNICIAN_NOT_MEMBER for someone outside the organization,
    TECHNICIAN_DOUBLE_BOOKED for a technician already on another visit then."""
    await release(session, job.id)
    visits = []
    for i, technician in enumerate(dict.fromkeys(technician_ids)):
        member = await session.scalar(
            select(Membership.user_id)
            .where(Membership.organization_id == job.organization_id, Membership.user_id == technician)
            .with_for_update()
        )
        if member is None:
            raise TechnicianNotMember(
                "`technicianIds` names someone who is not a member of your organization.", field=["technicianIds", str(i)]
            )
        clash = (
            await session.execute(
                select(JobVisit.id, JobVisit.job_id, JobVisit.starts_at, JobVisit.ends_at).where(
                    JobVisit.technician_id == technician,
                    JobVisit.status == JobVisitStatus.SCHEDULED,
                    JobVisit.starts_at < ends_at,
                    JobVisit.ends_at > starts_at,
                )
            )
        ).first()
        if clash is not None:
            raise TechnicianDoubleBooked(
                f"This technician is already booked from {clash.starts_at.isoformat()} to {clash.ends_at.isoformat()}.",
                field=["technicianIds", str(i)],
                details={"visitId": encode("jvs", clash.id), "jobId": encode("job", clash.job_id)},
            )
        visit = JobVisit(
            organization_id=job.organization_id,
            job_id=job.id,
            technician_id=technician,
            starts_at=starts_at,
            ends_at=ends_at,
            status=JobVisitStatus.SCHEDULED,
            note=note,
            scheduled_by=by,
        )
        session.add(visit)
        visits.append(visit)
    await session.flush()
    return visits


async def release(session: AsyncSession, job_id: UUID) -> None:
    """Cancel the job's visits still scheduled (rescheduled, or withdrawn by the customer)."""
    await session.execute(
        update(JobVisit)
        .where(JobVisit.job_id == job_id, JobVisit.status == JobVisitStatus.SCHEDULED)
        .values(status=JobVisitStatus.CANCELED)
        .execution_options(synchronize_session=False)
    )


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[JobVisit], Page]:
    """Visits by start time: a technician's schedule, or every technician's."""
    p = Page(data.first, data.after, "starts_at")
    where = [visible]
    if data.technician_id is not None:
        where.append(JobVisit.technician_id == data.technician_id)
    if data.status is not None:
        where.append(JobVisit.status == data.status)
    if data.starts_from is not None:
        where.append(JobVisit.ends_at > data.starts_from)
    if data.starts_before is not None:
        where.append(JobVisit.starts_at < data.starts_before)
    return (await session.scalars(page_statement(JobVisit, p, where))).all(), p
