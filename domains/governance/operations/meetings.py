"""meeting/v1/{schedule,get,list,sendNotice,cancel,open,adjourn,checkIn,checkOut,
quorum,notices,attendance,proxies,motions,minutes}, meetingSettings/v1/{set,get}."""

from __future__ import annotations

from typing import Any

from domains.governance.models import (
    Meeting,
    MeetingAttendance,
    MeetingMotion,
    MeetingNotice,
    MeetingProxy,
    MeetingStatus,
)
from domains.governance.schemas import (
    MeetingAttendanceConnection,
    MeetingCancelInput,
    MeetingCheckInInput,
    MeetingCheckInResult,
    MeetingCheckOutInput,
    MeetingConnection,
    MeetingIdInput,
    MeetingListInput,
    MeetingMinutesConnection,
    MeetingMotionConnection,
    MeetingNoticeConnection,
    MeetingNoticeInput,
    MeetingNoticeResult,
    MeetingPageInput,
    MeetingProxyConnection,
    MeetingProxyListInput,
    MeetingRead,
    MeetingScheduleInput,
    MeetingSettingsGetInput,
    MeetingSettingsRead,
    MeetingSettingsSetInput,
    Quorum,
    minutes_read,
    proxy_read,
)
from domains.governance.service import meetings, minutes, proxies
from graph.authz import ResourceRef, resource_attrs
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation

S = MeetingStatus


def _wake(ctx: OperationContext, meeting: Meeting, step: str) -> None:
    """Wake the meeting's workflow after a step, starting it if it isn't running
    (a meeting loaded by the demo seed has none yet; a start with the id of a
    running or finished workflow changes nothing)."""
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": meetings.WORKFLOW,
            "workflow_id": meeting.workflow_id,
            "args": [str(meeting.organization_id), str(meeting.id), ctx.platform.settings.workflow_day_seconds],
        }
    )
    ctx.send(meeting.workflow_id, meetings.TOPIC, {"step": step})


async def _may(ctx: OperationContext, kind: str, action: str, row: Any) -> bool:
    """Whether the caller may `action` the row (no error: the answer shapes what they are shown)."""
    assert ctx.principal is not None
    ref = ResourceRef(id=str(row.id), attrs=resource_attrs(row))
    return bool((await ctx.platform.authorizer.check(ctx.principal, kind, [ref], {action}))[ref.id][action])


# --- settings -------------------------------------------------------------------------


@operation(
    "meetingSettings/v1/set",
    input=MeetingSettingsSetInput,
    output=MeetingSettingsRead,
    kind="meeting",
    action="configure",
    summary="Set an association's meeting rules",
)
async def set_settings(ctx: OperationContext, data: MeetingSettingsSetInput) -> MeetingSettingsRead:
    """Record the quorum thresholds and whether proxies are allowed, as the
    governing documents say; fields not given keep their value. A meeting
    keeps the quorum it was scheduled with. Notice periods are jurisdiction
    rules (`jurisdictionRuleOverride/v1/set` with the governing documents' value)."""
    row = await meetings.set_settings(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {k: str(v) for k, v in data.model_dump(exclude={"association_id"}).items() if v is not None}
    return MeetingSettingsRead.model_validate(row)


@operation(
    "meetingSettings/v1/get",
    input=MeetingSettingsGetInput,
    output=MeetingSettingsRead,
    kind="meeting",
    action="read_settings",
    mutates=False,
    summary="Read an association's meeting rules",
)
async def get_settings(ctx: OperationContext, data: MeetingSettingsGetInput) -> MeetingSettingsRead:
    """The association's quorum thresholds and proxy rule (the defaults until set)."""
    row = await meetings.settings_of(ctx.session, data.association_id)
    return MeetingSettingsRead.model_validate(row)


# --- the lifecycle -------------------------------------------------------------------------


@operation(
    "meeting/v1/schedule",
    input=MeetingScheduleInput,
    output=MeetingRead,
    kind="meeting",
    action="schedule",
    summary="Schedule a meeting",
)
async def schedule(ctx: OperationContext, data: MeetingScheduleInput) -> MeetingRead:
    """Call a board, committee, annual or special membership meeting with its
    agenda. Its notice period is the association's jurisdiction rule for its
    kind (board and committee meetings 4 days, executive sessions 2, membership
    meetings 10 to 90 days, by default; governing documents may be stricter),
    kept on the meeting with its citation; a start too soon for the notice to
    go out in time is NOTICE_PERIOD_TOO_SHORT, citing the rule. Its quorum is
    fixed now from the settings: a share of the active units' voting weight,
    or more than a share of the body's seats. Its workflow starts: it lapses a
    meeting whose notice was not sent in time, and one never opened."""
    meeting = await meetings.schedule(ctx.session, org(ctx), data, actor(ctx))
    await ctx.start_workflow(
        meetings.WORKFLOW,
        meeting.workflow_id,
        str(meeting.organization_id),
        str(meeting.id),
        ctx.platform.settings.workflow_day_seconds,
    )
    ctx.audit_summary = {
        "kind": meeting.kind.value,
        "startsAt": meeting.starts_at.isoformat(),
        "noticeBy": meeting.notice_by.isoformat(),
        "rule": meetings.NOTICE_RULE[meeting.kind],
    }
    return MeetingRead.model_validate(meeting)


@operation(
    "meeting/v1/get",
    input=MeetingIdInput,
    output=MeetingRead,
    kind="meeting",
    action="read",
    target=Meeting,
    mutates=False,
    summary="Read a meeting",
)
async def get_meeting(ctx: OperationContext, data: MeetingIdInput) -> MeetingRead:
    """One meeting (its agenda and motions: `agendaItems` and `motions` in GraphQL)."""
    return MeetingRead.model_validate(ctx.target)


@operation(
    "meeting/v1/list",
    input=MeetingListInput,
    output=MeetingConnection,
    kind="meeting",
    action="list",
    mutates=False,
    graphql_name="meetings",
    summary="List meetings",
)
async def list_meetings(ctx: OperationContext, data: MeetingListInput) -> MeetingConnection:
    """Meetings you may see, soonest first: staff and the board all of them;
    owners and residents their associations' meetings except executive sessions."""
    rows, page = await meetings.meeting_page(ctx.session, data, await ctx.visible("meeting", "read", Meeting))
    return as_connection(MeetingConnection, rows, page)


@operation(
    "meeting/v1/sendNotice",
    input=MeetingNoticeInput,
    output=MeetingNoticeResult,
    kind="meeting",
    action="send_notice",
    target=Meeting,
    summary="Send a meeting's notice",
)
async def send_notice(ctx: OperationContext, data: MeetingNoticeInput) -> MeetingNoticeResult:
    """Record the notice as sent today to each recipient — every current owner
    (executive sessions and committee meetings: the body's members) — by email
    where they consented to electronic delivery, else by first-class mail to
    their mailing or unit address. The meeting is then noticed. Refused after
    the last day the rules allow (NOTICE_PERIOD_TOO_SHORT, citing the rule) and,
    for membership meetings, before the first (NOTICE_TOO_EARLY). Delivery
    itself is the communications service's: this is the record of what was
    sent to whom (`meeting/v1/notices`)."""
    meeting = await meetings.lock(ctx.session, data.id)
    sent = await meetings.send_notice(ctx.session, meeting, actor(ctx))
    _wake(ctx, meeting, "noticed")
    by_email = sum(1 for n in sent if n.method == meetings.EMAIL)
    ctx.audit_summary = {"recipients": len(sent), "byEmail": by_email, "noticeBy": meeting.notice_by.isoformat()}
    return MeetingNoticeResult(meeting=MeetingRead.model_validate(meeting), recipients=len(sent), by_email=by_email)


async def _step(ctx: OperationContext, meeting_id: Any, to: MeetingStatus, note: str | None = None) -> MeetingRead:
    meeting = await meetings.lock(ctx.session, meeting_id)
    before = meeting.status
    await meetings.step(ctx.session, meeting, to, actor(ctx), note)
    _wake(ctx, meeting, to.value)
    ctx.audit_summary = {"from": before.value, "to": to.value, **({"reason": note} if note else {})}
    return MeetingRead.model_validate(meeting)


@operation(
    "meeting/v1/cancel",
    input=MeetingCancelInput,
    output=MeetingRead,
    kind="meeting",
    action="cancel",
    target=Meeting,
    summary="Cancel a meeting",
)
async def cancel(ctx: OperationContext, data: MeetingCancelInput) -> MeetingRead:
    """Cancel a meeting not yet opened, with the reason (ILLEGAL_MEETING_TRANSITION otherwise)."""
    return await _step(ctx, data.id, S.CANCELED, data.reason)


@operation(
    "meeting/v1/open",
    input=MeetingIdInput,
    output=MeetingRead,
    kind="meeting",
    action="open",
    target=Meeting,
    summary="Call a meeting to order",
)
async def open_meeting(ctx: OperationContext, data: MeetingIdInput) -> MeetingRead:
    """Call a noticed meeting to order (ILLEGAL_MEETING_TRANSITION otherwise):
    from now on proxies can no longer be given or revoked. Business needing a
    vote waits for a quorum; the meeting itself may open without one."""
    return await _step(ctx, data.id, S.IN_SESSION)


@operation(
    "meeting/v1/adjourn",
    input=MeetingIdInput,
    output=MeetingRead,
    kind="meeting",
    action="adjourn",
    target=Meeting,
    summary="Adjourn a meeting",
)
async def adjourn(ctx: OperationContext, data: MeetingIdInput) -> MeetingRead:
    """Adjourn a meeting in session; its minutes can then be drafted."""
    return await _step(ctx, data.id, S.ADJOURNED)


# --- attendance and quorum ----------------------------------------------------------------------


@operation(
    "meeting/v1/checkIn",
    input=MeetingCheckInInput,
    output=MeetingCheckInResult,
    kind="meeting",
    action="check_in",
    target=Meeting,
    summary="Check someone in at a meeting",
)
async def check_in(ctx: OperationContext, data: MeetingCheckInInput) -> MeetingCheckInResult:
    """Record an arrival at a noticed or open meeting: at a membership meeting
    a current owner for their unit, or a proxy holder with a proxy in force for
    the unit; at a board or committee meeting a member for their current seat
    (NOT_ENTITLED_TO_ATTEND otherwise; twice is ALREADY_CHECKED_IN). The unit's
    voting weight (or the seat) joins the live quorum once, however many of its
    people come: a second co-owner, or the owner after their proxy holder, is
    recorded but not counted again (`counted` false)."""
    meeting = await meetings.lock(ctx.session, data.id)
    attendance, counted = await meetings.check_in(ctx.session, meeting, data, actor(ctx))
    q = meetings.quorum(meeting)
    ctx.audit_summary = {"attendee": attendance.attendee_name, "counted": counted, "present": str(q.present_weight)}
    return MeetingCheckInResult(attendance=attendance, counted=counted, quorum=q)


@operation(
    "meeting/v1/checkOut",
    input=MeetingCheckOutInput,
    output=Quorum,
    kind="meeting",
    action="check_in",
    target=Meeting,
    summary="Record that someone left a meeting",
)
async def check_out(ctx: OperationContext, data: MeetingCheckOutInput) -> Quorum:
    """Record a departure; the unit's weight (or the seat) leaves the quorum
    when the last of its people leaves. While quorum is lost, votes and
    results are refused until it is back. Answers the quorum now."""
    meeting = await meetings.lock(ctx.session, data.id)
    left = await meetings.check_out(ctx.session, meeting, data.attendance_id)
    q = meetings.quorum(meeting)
    ctx.audit_summary = {"attendee": left.attendee_name, "present": str(q.present_weight), "quorum": q.present}
    return q


@operation(
    "meeting/v1/quorum",
    input=MeetingIdInput,
    output=Quorum,
    kind="meeting",
    action="read",
    target=Meeting,
    mutates=False,
    summary="A meeting's quorum now",
)
async def get_quorum(ctx: OperationContext, data: MeetingIdInput) -> Quorum:
    """The weight (or seats) present now, each unit once, against the weight required."""
    return meetings.quorum(ctx.target)


# --- a meeting's records -----------------------------------------------------------------------


@operation(
    "meeting/v1/notices",
    input=MeetingPageInput,
    output=MeetingNoticeConnection,
    kind="meeting",
    action="read_notices",
    target=Meeting,
    mutates=False,
    summary="The notices sent for a meeting",
)
async def notices(ctx: OperationContext, data: MeetingPageInput) -> MeetingNoticeConnection:
    """What was sent to whom: one record per recipient, with method, address and day, in the order recorded."""
    rows, page = await meetings.rows_of(ctx.session, MeetingNotice, data.id, data, "created_at")
    return as_connection(MeetingNoticeConnection, rows, page)


@operation(
    "meeting/v1/attendance",
    input=MeetingPageInput,
    output=MeetingAttendanceConnection,
    kind="meeting",
    action="read_attendance",
    target=Meeting,
    mutates=False,
    summary="Who attended a meeting",
)
async def attendance(ctx: OperationContext, data: MeetingPageInput) -> MeetingAttendanceConnection:
    """The attendance record: every check-in in arrival order, with the unit or seat it brought and when its attendee left."""
    rows, page = await meetings.rows_of(ctx.session, MeetingAttendance, data.id, data, "created_at")
    return as_connection(MeetingAttendanceConnection, rows, page)


@operation(
    "meeting/v1/proxies",
    input=MeetingProxyListInput,
    output=MeetingProxyConnection,
    kind="meeting",
    action="read",
    target=Meeting,
    mutates=False,
    summary="The proxies given for a meeting",
)
async def list_proxies(ctx: OperationContext, data: MeetingProxyListInput) -> MeetingProxyConnection:
    """Proxies given for the meeting, latest first (in force only unless
    `includeRevoked`): staff see all, an owner those for their units."""
    rows, page = await proxies.page(ctx.session, data.id, data, await ctx.visible("meeting_proxy", "read", MeetingProxy))
    return as_connection(MeetingProxyConnection, [proxy_read(p) for p in rows], page)


@operation(
    "meeting/v1/motions",
    input=MeetingPageInput,
    output=MeetingMotionConnection,
    kind="meeting",
    action="read",
    target=Meeting,
    mutates=False,
    summary="The motions of a meeting",
)
async def list_motions(ctx: OperationContext, data: MeetingPageInput) -> MeetingMotionConnection:
    """Motions in the order moved, with their tallies and results (the votes: `votes` in GraphQL)."""
    rows, page = await meetings.rows_of(ctx.session, MeetingMotion, data.id, data, "created_at")
    return as_connection(MeetingMotionConnection, rows, page)


@operation(
    "meeting/v1/minutes",
    input=MeetingPageInput,
    output=MeetingMinutesConnection,
    kind="meeting",
    action="read",
    target=Meeting,
    mutates=False,
    summary="The minutes of a meeting",
)
async def list_minutes(ctx: OperationContext, data: MeetingPageInput) -> MeetingMinutesConnection:
    """The meeting's minutes, latest version first, each with its approval if
    it is the approved one; owners and residents see only the approved version."""
    drafts = await _may(ctx, "meeting", "read_draft_minutes", ctx.target)
    rows, page, approvals = await minutes.versions(ctx.session, data.id, data, approved_only=not drafts)
    return as_connection(MeetingMinutesConnection, [minutes_read(m, approvals.get(m.id)) for m in rows], page)
