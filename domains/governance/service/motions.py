"""Motions and votes. A motion is moved at a meeting in session; once seconded
its vote is open. Votes are recorded one unit (membership meetings, with the
unit's weight) or one seat (board and committee meetings, by name) at a time,
only from those present and only while a quorum is present; the unit's or
seat's one vote per motion is a unique key. Closing declares the result: more
yes than no of the votes cast carries it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.governance.errors import (
    AlreadyVoted,
    MotionNotOpen,
    ProxyDirectionMismatch,
    VoterNotPresent,
)
from domains.governance.models import (
    MEMBERSHIP_KINDS,
    Meeting,
    MeetingAgendaItem,
    MeetingAttendance,
    MeetingMotion,
    MeetingProxy,
    MeetingStatus,
    MeetingVote,
    MotionStatus,
    VoteChoice,
)
from domains.governance.service import meetings, proxies
from graph.db import add_or_raise
from graph.errors import InvalidReference

M = MotionStatus
IN_SESSION = frozenset({MeetingStatus.IN_SESSION})


async def lock(session: AsyncSession, motion_id: UUID) -> MeetingMotion:
    row = await session.scalar(
        select(MeetingMotion).where(MeetingMotion.id == motion_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the pipeline found the motion visible a moment ago"
    return row


async def move_motion(session: AsyncSession, meeting: Meeting, data: Any) -> MeetingMotion:
    meetings.require_status(meeting, IN_SESSION, "a motion")
    if data.agenda_item_id is not None:
        item = await session.get(MeetingAgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise InvalidReference("`agendaItemId` names no item of this meeting's agenda.", field=["agendaItemId"])
    motion = MeetingMotion(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        meeting_id=meeting.id,
        agenda_item_id=data.agenda_item_id,
        text=data.text,
        moved_by=data.moved_by,
        seconded_by=data.seconded_by,
        status=M.OPEN if data.seconded_by else M.MOVED,
        votes_for=Decimal(0),
        votes_against=Decimal(0),
        abstentions=Decimal(0),
    )
    session.add(motion)
    await session.flush()
    return motion


async def second(session: AsyncSession, motion: MeetingMotion, meeting: Meeting, by: str) -> None:
    meetings.require_status(meeting, IN_SESSION, "seconding")
    if motion.status is not M.MOVED:
        raise MotionNotOpen(f"This motion is {motion.status.value}: only a motion just moved is seconded.", field=["id"])
    motion.seconded_by, motion.status = by, M.OPEN
    await session.flush()


async def _voter(session: AsyncSession, meeting: Meeting, motion: MeetingMotion, data: Any) -> dict[str, Any]:
    membership = meeting.kind in MEMBERSHIP_KINDS
    voter = data.unit_id if membership else data.seat_id
    other = data.seat_id if membership else data.unit_id
    field = "unitId" if membership else "seatId"
    if voter is None or other is not None:
        raise VoterNotPresent(f"At this meeting votes are recorded by `{field}`.", field=[field])
    present = await meetings.presence_of(session, meeting, voter)
    if present is None:
        raise VoterNotPresent("Only a unit or seat present at the meeting votes.", field=[field])
    # Who casts it: the owner in the room if one is, else the proxy holder.
    attendees = (
        await session.execute(
            select(MeetingAttendance, MeetingProxy)
            .outerjoin(MeetingProxy, MeetingProxy.id == MeetingAttendance.proxy_id)
            .where(
                MeetingAttendance.meeting_id == meeting.id,
                MeetingAttendance.voter_id == voter,
                MeetingAttendance.left_at.is_(None),
            )
            .order_by(MeetingAttendance.proxy_id.nulls_first(), MeetingAttendance.created_at)
        )
    ).first()
    assert attendees is not None, "a presence row stands for someone in the room"
    attendance = attendees[0]
    proxy: MeetingProxy | None = attendees[1]  # the outer join's side: none for an owner
    directed = None if proxy is None else proxies.direction(proxy, motion.agenda_item_id)
    if directed is not None and directed != data.choice.value:
        raise ProxyDirectionMismatch(
            f"{attendance.attendee_name} holds a directed proxy for this unit: it votes {directed} on this item.",
            field=["choice"],
            details={"field": ["choice"], "directed": directed},
        )
    return {
        "voter_id": voter,
        "unit_id": data.unit_id,
        "seat_id": data.seat_id,
        "voter_name": attendance.attendee_name,
        "proxy_id": None if proxy is None else proxy.id,
        "weight": present.weight,
    }


async def vote(session: AsyncSession, meeting: Meeting, motion: MeetingMotion, data: Any, by: UUID) -> MeetingVote:
    meetings.require_status(meeting, IN_SESSION, "a vote")
    if motion.status is not M.OPEN:
        raise MotionNotOpen(f"This motion is {motion.status.value}: votes are taken while it is open.", field=["id"])
    meetings.require_quorum(meeting, "the vote")
    who = await _voter(session, meeting, motion, data)
    ballot = MeetingVote(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        motion_id=motion.id,
        meeting_id=meeting.id,
        choice=data.choice,
        recorded_by=by,
        **who,
    )
    await add_or_raise(session, ballot, AlreadyVoted(f"{who['voter_name']}'s vote on this motion is recorded.", field=["id"]))
    if data.choice is VoteChoice.YES:
        motion.votes_for += who["weight"]
    elif data.choice is VoteChoice.NO:
        motion.votes_against += who["weight"]
    else:
        motion.abstentions += who["weight"]
    await session.flush()
    return ballot


async def close(session: AsyncSession, motion: MeetingMotion, meeting: Meeting, withdraw: bool) -> None:
    meetings.require_status(meeting, IN_SESSION, "closing a vote")
    if withdraw:
        if motion.status not in (M.MOVED, M.OPEN):
            raise MotionNotOpen(f"This motion is {motion.status.value}: it can't be withdrawn.", field=["id"])
        motion.status = M.WITHDRAWN
    else:
        if motion.status is not M.OPEN:
            raise MotionNotOpen(f"This motion is {motion.status.value}: only an open vote is closed.", field=["id"])
        meetings.require_quorum(meeting, "declaring the result")
        motion.status = M.CARRIED if motion.votes_for > motion.votes_against else M.FAILED
        motion.present_at_close = meeting.present_weight
    motion.decided_at = datetime.now(UTC)
    await session.flush()
