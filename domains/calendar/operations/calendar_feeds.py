"""calendarFeed/v1/{create,revoke,list}: a user's secret, revocable iCalendar URL."""

from __future__ import annotations

from domains.calendar.models import CalendarFeed
from domains.calendar.schemas import (
    CalendarFeedConnection,
    CalendarFeedCreated,
    CalendarFeedCreateInput,
    CalendarFeedListInput,
    CalendarFeedRead,
    CalendarFeedRevokeInput,
)
from domains.calendar.service import feeds
from graph.handlers import OperationContext, acting_user, actor, as_connection, org
from graph.operations import operation


@operation(
    "calendarFeed/v1/create",
    input=CalendarFeedCreateInput,
    output=CalendarFeedCreated,
    kind="calendar_feed",
    action="create",
    summary="Make a secret URL of your calendar",
)
async def create_feed(ctx: OperationContext, data: CalendarFeedCreateInput) -> CalendarFeedCreated:
    """A secret URL serving your calendar as iCalendar (`/calendar/<token>.ics`),
    for a calendar app to subscribe to: the meetings, charges due and
    assessments ahead, bookings, ARC decision deadlines and violation cure
    deadlines and hearings of every organization you belong to, each only if you
    may see it (an owner: their units'; staff: their associations'). The URL is
    shown once; it works until revoked, and stops working for an organization
    you leave."""
    feed, token = await feeds.create(ctx.session, org(ctx), acting_user(ctx), data.label)
    ctx.audit_summary = {"label": feed.label}
    ctx.audit_targets = [f"calendar_feed:{feed.id}"]
    return CalendarFeedCreated(calendar_feed=CalendarFeedRead.model_validate(feed), token=token, path=feeds.path(token))


@operation(
    "calendarFeed/v1/revoke",
    input=CalendarFeedRevokeInput,
    output=CalendarFeedRead,
    kind="calendar_feed",
    action="revoke",
    target=CalendarFeed,
    summary="Revoke a calendar feed's URL",
)
async def revoke_feed(ctx: OperationContext, data: CalendarFeedRevokeInput) -> CalendarFeedRead:
    """The feed's URL stops working at once (its owner, or an admin). Refused:
    a feed already revoked (CALENDAR_FEED_REVOKED)."""
    feed = await feeds.revoke(ctx.session, ctx.target, actor(ctx))
    return CalendarFeedRead.model_validate(feed)


@operation(
    "calendarFeed/v1/list",
    input=CalendarFeedListInput,
    output=CalendarFeedConnection,
    kind="calendar_feed",
    action="list",
    mutates=False,
    graphql_name="calendarFeeds",
    summary="List your calendar feeds",
)
async def list_feeds(ctx: OperationContext, data: CalendarFeedListInput) -> CalendarFeedConnection:
    """Your calendar feeds in the active organization, newest first (their
    URLs are never shown again)."""
    rows, page = await feeds.page(ctx.session, acting_user(ctx), data, await ctx.visible("calendar_feed", "read", CalendarFeed))
    return as_connection(CalendarFeedConnection, rows, page)
