"""Governance: an association's board and committees, the seats on them with
their terms (elected or appointed) and the offices their members hold. A
current seat on the board is what makes a user a board member: the role comes
from the seat, and ends the day its term ends. Meetings of the board, its
committees and the members: noticed under the jurisdiction's rules, attended
in person or by proxy, with a live quorum by voting weight, motions, recorded
votes and minutes that are permanent once approved. Elections to the seats:
nominations, secret ballots weighted by the units' voting weights (plurality
or cumulative), counted and certified by an inspector of elections, the
winners' terms filled on the body."""

from graph.registry import Domain

domain = Domain(
    name="governance",
    description=__doc__ or "",
    modules=(
        "service.access",
        "types",
        "operations.governing_bodies",
        "operations.seats",
        "operations.offices",
        "operations.meetings",
        "operations.meeting_proxies",
        "operations.meeting_motions",
        "operations.meeting_minutes",
        "operations.elections",
        "workflows",
    ),
)
