"""meetingMotion/v1/{move,second,vote,close}."""

from __future__ import annotations

from domains.governance.models import Meeting, MeetingMotion
from domains.governance.schemas import (
    MeetingMotionCloseInput,
    MeetingMotionMoveInput,
    MeetingMotionRead,
    MeetingMotionSecondInput,
    MeetingMotionVoteInput,
    MeetingVoteRead,
)
from domains.governance.service import meetings, motions
from graph.handlers import OperationContext, actor, require
from graph.operations import operation


@operation(
    "meetingMotion/v1/move",
    input=MeetingMotionMoveInput,
    output=MeetingMotionRead,
    kind="meeting",
    action="move_motion",
    summary="Record a motion",
)
async def move(ctx: OperationContext, data: MeetingMotionMoveInput) -> MeetingMotionRead:
    """Record a motion made at a meeting in session, by whom, on which agenda
    item; seconded at once (`secondedBy`: its vote opens) or later."""
    meeting: Meeting = await require(ctx.session, Meeting, data.meeting_id, "meetingId")
    await ctx.authorize("meeting", "move_motion", meeting)
    meeting = await meetings.lock(ctx.session, meeting.id)
    motion = await motions.move_motion(ctx.session, meeting, data)
    ctx.audit_summary = {"movedBy": motion.moved_by, "seconded": motion.seconded_by is not None}
    return MeetingMotionRead.model_validate(motion)


@operation(
    "meetingMotion/v1/second",
    input=MeetingMotionSecondInput,
    output=MeetingMotionRead,
    kind="meeting",
    action="move_motion",
    target=MeetingMotion,
    summary="Second a motion",
)
async def second(ctx: OperationContext, data: MeetingMotionSecondInput) -> MeetingMotionRead:
    """Second a motion just moved: its vote opens (MOTION_NOT_OPEN if it isn't waiting for a second)."""
    motion = await motions.lock(ctx.session, data.id)
    meeting = await meetings.lock(ctx.session, motion.meeting_id)
    await motions.second(ctx.session, motion, meeting, data.seconded_by)
    ctx.audit_summary = {"secondedBy": data.seconded_by}
    return MeetingMotionRead.model_validate(motion)


@operation(
    "meetingMotion/v1/vote",
    input=MeetingMotionVoteInput,
    output=MeetingVoteRead,
    kind="meeting",
    action="record_vote",
    target=MeetingMotion,
    summary="Record a vote on a motion",
)
async def vote(ctx: OperationContext, data: MeetingMotionVoteInput) -> MeetingVoteRead:
    """Record one vote on an open motion: at a board or committee meeting a
    member's, by seat and name; at a membership meeting a unit's, with its
    voting weight, cast by its owner in the room or else its proxy holder
    (a directed proxy votes as directed: PROXY_DIRECTION_MISMATCH). Refused
    while no quorum is present (QUORUM_NOT_PRESENT), for a unit or seat not
    present (VOTER_NOT_PRESENT), and a second time (ALREADY_VOTED)."""
    motion = await motions.lock(ctx.session, data.id)
    meeting = await meetings.lock(ctx.session, motion.meeting_id)
    ballot = await motions.vote(ctx.session, meeting, motion, data, actor(ctx))
    ctx.audit_summary = {"voter": ballot.voter_name, "choice": ballot.choice.value, "weight": str(ballot.weight)}
    return MeetingVoteRead.model_validate(ballot)


@operation(
    "meetingMotion/v1/close",
    input=MeetingMotionCloseInput,
    output=MeetingMotionRead,
    kind="meeting",
    action="record_vote",
    target=MeetingMotion,
    summary="Close the vote on a motion",
)
async def close(ctx: OperationContext, data: MeetingMotionCloseInput) -> MeetingMotionRead:
    """Declare the result of an open motion — carried when more weight (or
    seats) voted yes than no — with a quorum present (QUORUM_NOT_PRESENT); or
    withdraw a motion not yet decided."""
    motion = await motions.lock(ctx.session, data.id)
    meeting = await meetings.lock(ctx.session, motion.meeting_id)
    await motions.close(ctx.session, motion, meeting, data.withdraw)
    ctx.audit_summary = {"status": motion.status.value, "for": str(motion.votes_for), "against": str(motion.votes_against)}
    return MeetingMotionRead.model_validate(motion)
