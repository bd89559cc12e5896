"""calendarItem/v1/list: the dated things of the active organization a caller may see."""

from __future__ import annotations

from datetime import timedelta

from domains.calendar.schemas import CalendarItemConnection, CalendarItemListInput
from domains.calendar.service import items
from graph.clock import today
from graph.handlers import OperationContext, as_connection
from graph.operations import operation
from graph.pages import Page

DEFAULT_DAYS = 90


@operation(
    "calendarItem/v1/list",
    input=CalendarItemListInput,
    output=CalendarItemConnection,
    kind="calendar_item",
    action="list",
    mutates=False,
    graphql_name="calendarItems",
    summary="Your calendar: meetings, charges due, bookings and deadlines",
)
async def list_items(ctx: OperationContext, data: CalendarItemListInput) -> CalendarItemConnection:
    """Between two days (default: today and the next 90), soonest first: meetings
    (governance), charges due per unit and day (receivables), the assessments an
    active schedule will charge from today on and has not levied yet, per unit,
    at what a levy started now would charge (the charge replaces it once
    levied), amenity bookings requested or confirmed, the day an undecided ARC
    request must be decided by (and whether it is then deemed approved), a
    violation's last day to cure and its hearing. Each source is filtered as its
    own list is: an owner sees their units' items, a tenant their home's, staff
    their associations'. The same items as the calendar feed
    (calendarFeed/v1/create). One statement (two when the page holds projected
    assessments, for their amounts)."""
    first_day = data.from_ or today()
    window = items.Window(first_day, data.to or first_day + timedelta(days=DEFAULT_DAYS))
    page = Page(data.first, data.after, "starts_at")
    rows = await items.page(ctx.session, window, await items.clauses(ctx.visible), page)
    return as_connection(CalendarItemConnection, rows, page)
