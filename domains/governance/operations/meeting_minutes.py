"""meetingMinutes/v1/{draft,approve}."""

from __future__ import annotations

from domains.governance.models import Meeting, MeetingMinutes
from domains.governance.schemas import MeetingMinutesApproveInput, MeetingMinutesDraftInput, MeetingMinutesRead, minutes_read
from domains.governance.service import meetings, minutes
from graph.handlers import OperationContext, actor, require
from graph.operations import operation


@operation(
    "meetingMinutes/v1/draft",
    input=MeetingMinutesDraftInput,
    output=MeetingMinutesRead,
    kind="meeting",
    action="record_minutes",
    summary="Draft a meeting's minutes",
)
async def draft(ctx: OperationContext, data: MeetingMinutesDraftInput) -> MeetingMinutesRead:
    """Record a draft of an adjourned meeting's minutes as its next version
    (earlier versions stay). Once a version is approved the minutes are
    permanent: MINUTES_LOCKED."""
    meeting: Meeting = await require(ctx.session, Meeting, data.meeting_id, "meetingId")
    await ctx.authorize("meeting", "record_minutes", meeting)
    meeting = await meetings.lock(ctx.session, meeting.id)
    row = await minutes.draft(ctx.session, meeting, data.text, actor(ctx))
    ctx.audit_summary = {"version": row.version, "length": len(row.text)}
    return MeetingMinutesRead.model_validate(row)


@operation(
    "meetingMinutes/v1/approve",
    input=MeetingMinutesApproveInput,
    output=MeetingMinutesRead,
    kind="meeting",
    action="record_minutes",
    target=MeetingMinutes,
    summary="Approve a meeting's minutes",
)
async def approve(ctx: OperationContext, data: MeetingMinutesApproveInput) -> MeetingMinutesRead:
    """Record that a later meeting of the same body (or of the members), in
    session with a quorum present, approved this version
    (MINUTES_NOT_APPROVABLE, QUORUM_NOT_PRESENT otherwise). It is then the
    minutes for good: no version can follow (MINUTES_LOCKED)."""
    row: MeetingMinutes = ctx.target
    at: Meeting = await require(ctx.session, Meeting, data.at_meeting_id, "atMeetingId")
    meeting = await meetings.lock(ctx.session, row.meeting_id)
    at = await meetings.lock(ctx.session, at.id)
    approval = await minutes.approve(ctx.session, row, meeting, at, actor(ctx))
    ctx.audit_summary = {"version": row.version, "atMeeting": str(at.id)}
    return minutes_read(row, approval)
