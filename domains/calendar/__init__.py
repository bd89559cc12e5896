"""Calendar: the dated things a user may see across the domains — meetings
(governance), charges due and assessments not levied yet (receivables), amenity bookings, ARC decision
deadlines, violation cure deadlines and hearings — as a GraphQL connection of
the active organization, and as an iCalendar feed of every organization the
user belongs to, at a secret URL that works until revoked. Each item is
filtered by the Cerbos plan of the kind it comes from, as that kind's own list
is."""

from graph.registry import Domain

domain = Domain(
    name="calendar",
    description=__doc__ or "",
    modules=(
        "operations.calendar_feeds",
        "operations.calendar_items",
    ),
)
