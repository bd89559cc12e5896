"""announcement/v1/{post,get,list}."""

from __future__ import annotations

from domains.communications.models import Announcement
from domains.communications.schemas import (
    AnnouncementConnection,
    AnnouncementIdInput,
    AnnouncementListInput,
    AnnouncementPostInput,
    AnnouncementRead,
)
from domains.communications.service import announcements
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "announcement/v1/post",
    input=AnnouncementPostInput,
    output=AnnouncementRead,
    kind="announcement",
    action="post",
    summary="Post an announcement to an audience",
)
async def post(ctx: OperationContext, data: AnnouncementPostInput) -> AnnouncementRead:
    """Post an announcement to all owners, tenants, residents, the board, a
    committee or a unit's owners: a message to each of them, in the
    association's announcement wording, by email where they consented and as
    a printed letter otherwise, written to the outbox in this transaction and
    delivered once it commits; each also finds it in their portal inbox.
    Refused: an audience naming no unit or committee, or a provider contact
    (AUDIENCE_REF_MISSING); one reaching nobody (NO_RECIPIENTS)."""
    row = await announcements.post(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"audience": row.audience.value, "recipients": row.recipients, "byEmail": row.by_email}
    return AnnouncementRead.model_validate(row)


@operation(
    "announcement/v1/get",
    input=AnnouncementIdInput,
    output=AnnouncementRead,
    kind="announcement",
    action="read",
    target=Announcement,
    mutates=False,
    summary="Read an announcement",
)
async def get_announcement(ctx: OperationContext, data: AnnouncementIdInput) -> AnnouncementRead:
    """One announcement and how many it reached."""
    return AnnouncementRead.model_validate(ctx.target)


@operation(
    "announcement/v1/list",
    input=AnnouncementListInput,
    output=AnnouncementConnection,
    kind="announcement",
    action="list",
    mutates=False,
    graphql_name="announcements",
    summary="List an association's announcements",
)
async def list_announcements(ctx: OperationContext, data: AnnouncementListInput) -> AnnouncementConnection:
    """Newest first: staff see all; owners and residents those posted to owners, tenants or residents."""
    rows, page = await announcements.announcement_page(ctx.session, data, await ctx.visible("announcement", "read", Announcement))
    return as_connection(AnnouncementConnection, rows, page)
