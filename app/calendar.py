"""`/calendar/{token}.ics`: a user's calendar feed (domains/calendar).

Only the token counts: it names a feed, the feed its user, and the user's
memberships the organizations read. Each organization is read in its own
RLS-scoped transaction, as that user with their roles there, through the same
Cerbos-filtered statement as `calendarItems`. A forged, unknown or revoked
token is 404, like a feed that never existed."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from domains.calendar.service import feeds, ics, items
from graph.auth.principal import Principal, PrincipalKind
from graph.clock import today
from graph.context import RequestContext
from graph.errors import NotFound
from graph.http import error_response
from graph.pages import Page
from graph.telemetry import current_trace_id

# What a subscribed calendar holds: the last month, the next year, and at most
# this many items of each organization (a calendar app polls the whole file).
DAYS_BEFORE, DAYS_AFTER, MOST_PER_ORGANIZATION = 31, 366, 2000


async def calendar_feed(request: Request) -> Response:
    platform = request.app.state.platform
    found = await feeds.authenticate(platform.sessions, request.path_params["token"])
    if found is None:
        return error_response(NotFound("No calendar feed is served here (revoked, or never made)."), current_trace_id())
    user_id, organizations = found
    day = today()
    window = items.Window(day - timedelta(days=DAYS_BEFORE), day + timedelta(days=DAYS_AFTER))
    every: list[items.Item] = []
    for organization_id in organizations:
        principal = Principal(kind=PrincipalKind.USER, id=user_id, active_organization_id=organization_id)
        ctx = RequestContext(platform, principal, current_trace_id())
        try:
            where = await items.clauses(ctx.visible)
            async with ctx.read_session() as session:
                every += await items.page(session, window, where, Page(MOST_PER_ORGANIZATION - 1, None, "starts_at"))
        finally:
            await ctx.close()
    body = ics.document(sorted(every, key=lambda i: (i.starts_at, i.id)), "Hestami")
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})
