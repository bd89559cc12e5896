"""Minutes: drafted after the meeting, version after version, and approved at
a later meeting of the same body (or of the members) with a quorum present.
The approved version is the minutes for good: the table is append-only for
the application role, and a trigger refuses any version after an approval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.governance.errors import MinutesLocked, MinutesNotApprovable
from domains.governance.models import (
    MEMBERSHIP_KINDS,
    Meeting,
    MeetingMinutes,
    MeetingMinutesApproval,
    MeetingStatus,
)
from domains.governance.service import meetings
from graph.db import add_or_raise

ADJOURNED = frozenset({MeetingStatus.ADJOURNED})


async def approval_of(session: AsyncSession, meeting_ids: Sequence[UUID]) -> dict[UUID, MeetingMinutesApproval]:
    rows = await session.scalars(select(MeetingMinutesApproval).where(MeetingMinutesApproval.meeting_id.in_(meeting_ids)))
    return {a.meeting_id: a for a in rows}


async def draft(session: AsyncSession, meeting: Meeting, text: str, by: UUID) -> MeetingMinutes:
    meetings.require_status(meeting, ADJOURNED, "minutes")
    if await approval_of(session, [meeting.id]):
        raise MinutesLocked("This meeting's minutes are approved: they are permanent.", field=["meetingId"])
    latest = await session.scalar(select(func.max(MeetingMinutes.version)).where(MeetingMinutes.meeting_id == meeting.id))
    minutes = MeetingMinutes(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        meeting_id=meeting.id,
        version=(latest or 0) + 1,
        text=text,
        drafted_by=by,
    )
    await add_or_raise(session, minutes, MinutesLocked("Another version was drafted or approved meanwhile.", field=["meetingId"]))
    return minutes


def _same_body(a: Meeting, b: Meeting) -> bool:
    if a.kind in MEMBERSHIP_KINDS or b.kind in MEMBERSHIP_KINDS:
        return a.kind in MEMBERSHIP_KINDS and b.kind in MEMBERSHIP_KINDS
    return a.body_id == b.body_id


async def approve(
    session: AsyncSession, minutes: MeetingMinutes, meeting: Meeting, at: Meeting, by: UUID
) -> MeetingMinutesApproval:
    if at.id == meeting.id or at.starts_at <= meeting.starts_at or not _same_body(meeting, at):
        raise MinutesNotApprovable(
            "Minutes are approved at a later meeting of the same body (or of the members).", field=["atMeetingId"]
        )
    if at.status is not MeetingStatus.IN_SESSION:
        raise MinutesNotApprovable(f"The approving meeting is {at.status.value}, not in session.", field=["atMeetingId"])
    meetings.require_quorum(at, "approving minutes")
    approval = MeetingMinutesApproval(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        minutes_id=minutes.id,
        meeting_id=meeting.id,
        approved_at_meeting_id=at.id,
        approved_by=by,
    )
    await add_or_raise(session, approval, MinutesLocked("This meeting's minutes are already approved.", field=["id"]))
    return approval


async def versions(session: AsyncSession, meeting_id: UUID, data: Any, approved_only: bool) -> Any:
    """A page of the meeting's minutes, latest version first, each with its approval."""
    where = []
    if approved_only:
        where.append(
            MeetingMinutes.id.in_(
                select(MeetingMinutesApproval.minutes_id).where(MeetingMinutesApproval.meeting_id == meeting_id)
            )
        )
    rows, page = await meetings.rows_of(session, MeetingMinutes, meeting_id, data, "version", *where, descending=True)
    approvals = await approval_of(session, [meeting_id])
    return rows, page, {a.minutes_id: a for a in approvals.values()}
