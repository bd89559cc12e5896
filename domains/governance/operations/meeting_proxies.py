"""meetingProxy/v1/{grant,revoke}."""

from __future__ import annotations

from domains.governance.models import Meeting, MeetingProxy
from domains.governance.schemas import MeetingProxyGrantInput, MeetingProxyRead, MeetingProxyRevokeInput, proxy_read
from domains.governance.service import meetings, proxies
from graph.handlers import OperationContext, acting_user, require
from graph.operations import operation


@operation(
    "meetingProxy/v1/grant",
    input=MeetingProxyGrantInput,
    output=MeetingProxyRead,
    kind="meeting_proxy",
    action="create",
    summary="Give a proxy for a meeting",
)
async def grant(ctx: OperationContext, data: MeetingProxyGrantInput) -> MeetingProxyRead:
    """An owner gives their unit's vote at one membership meeting to another
    owner (`holderPartyId`) or a named person (`holderName`): general (the
    holder votes as they see fit) or directed (the vote on each named agenda
    item). Given by the owner for their own unit, or by staff from a paper
    form. Refused: a board meeting or proxies not allowed (PROXIES_NOT_ALLOWED);
    the meeting already open (PROXY_LOCKED); a grantor who is not a current
    owner of the unit (NOT_ENTITLED_TO_ATTEND); a unit with a proxy in force
    (PROXY_ALREADY_GIVEN); directions naming items not to be voted
    (INVALID_PROXY_DIRECTIONS)."""
    meeting: Meeting = await require(ctx.session, Meeting, data.meeting_id, "meetingId")
    meeting = await meetings.lock(ctx.session, meeting.id)
    proxy = await proxies.build(ctx.session, meeting, data, acting_user(ctx))
    # The pipeline checked that the caller may give proxies at all; this asks about this unit's.
    await ctx.authorize("meeting_proxy", "grant", proxy)
    await proxies.give(ctx.session, proxy)
    ctx.audit_summary = {
        "kind": proxy.kind.value,
        "directions": len(proxy.directions),
        "holderNamed": proxy.holder_name is not None,
    }
    return proxy_read(proxy)


@operation(
    "meetingProxy/v1/revoke",
    input=MeetingProxyRevokeInput,
    output=MeetingProxyRead,
    kind="meeting_proxy",
    action="revoke",
    target=MeetingProxy,
    summary="Revoke a proxy",
)
async def revoke(ctx: OperationContext, data: MeetingProxyRevokeInput) -> MeetingProxyRead:
    """Revoke a proxy until the meeting opens (PROXY_LOCKED after); the unit may then give another."""
    proxy: MeetingProxy = ctx.target
    meeting = await meetings.lock(ctx.session, proxy.meeting_id)
    await proxies.revoke(ctx.session, proxy, meeting, acting_user(ctx))
    ctx.audit_summary = {"unit": str(proxy.unit_id)}
    return proxy_read(proxy)
