"""committeeMember/v1/{add,end,list}: the architectural committee."""

from __future__ import annotations

from domains.arc_requests.models import CommitteeMember
from domains.arc_requests.schemas import (
    CommitteeMemberAddInput,
    CommitteeMemberConnection,
    CommitteeMemberEndInput,
    CommitteeMemberListInput,
    CommitteeMemberRead,
)
from domains.arc_requests.service import requests
from graph.errors import ValidationFailed
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "committeeMember/v1/add",
    input=CommitteeMemberAddInput,
    output=CommitteeMemberRead,
    kind="committee_member",
    action="add",
    summary="Seat a user on the architectural committee",
)
async def add_member(ctx: OperationContext, data: CommitteeMemberAddInput) -> CommitteeMemberRead:
    """Seat a user of this organization on the association's architectural
    committee, as a member or its chair. Members vote on requests (or the
    chair decides, as the association's settings say) — except on a request
    for a unit they own. COMMITTEE_SEAT_TAKEN if they already sit on it."""
    seat = await requests.add_member(ctx.session, org(ctx), data)
    ctx.audit_summary = {"role": seat.role.value, "startedOn": seat.started_on.isoformat()}
    return CommitteeMemberRead.model_validate(seat)


@operation(
    "committeeMember/v1/end",
    input=CommitteeMemberEndInput,
    output=CommitteeMemberRead,
    kind="committee_member",
    action="end",
    target=CommitteeMember,
    summary="End a committee seat",
)
async def end_member(ctx: OperationContext, data: CommitteeMemberEndInput) -> CommitteeMemberRead:
    """End a seat on the committee from a day on; the seat stays as history."""
    seat: CommitteeMember = ctx.target
    if seat.ended_on is not None or data.ended_on < seat.started_on:
        raise ValidationFailed("The seat has ended already, or the day is before it started.", field=["endedOn"])
    seat.ended_on = data.ended_on
    ctx.audit_summary = {"endedOn": data.ended_on.isoformat()}
    return CommitteeMemberRead.model_validate(seat)


@operation(
    "committeeMember/v1/list",
    input=CommitteeMemberListInput,
    output=CommitteeMemberConnection,
    kind="committee_member",
    action="list",
    mutates=False,
    graphql_name="committeeMembers",
    summary="List the architectural committee",
)
async def list_members(ctx: OperationContext, data: CommitteeMemberListInput) -> CommitteeMemberConnection:
    """The association's committee seats, by start day; current ones unless asked for all."""
    rows, page = await requests.member_page(ctx.session, data, await ctx.visible("committee_member", "read", CommitteeMember))
    return as_connection(CommitteeMemberConnection, rows, page)
