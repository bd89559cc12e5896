"""Architectural (ARC) requests: owners ask to change their units' exteriors;
the association's committee (one of governance's bodies, named in its
settings; its current members have the `committee_member` role in Cerbos)
reviews them by vote or by its chair, as the association's settings say,
with members barred from voting on their own units; requests for
more information pause or restart the clock; a durable workflow keeps each
request's decision deadline from the jurisdiction rules and deems it approved
when the deadline passes undecided, where the rules say so; denials carry
their reasons and, where offered, an appeal; approved work is completed after
an optional inspection."""

from graph.registry import Domain

domain = Domain(
    name="arc_requests",
    description=__doc__ or "",
    modules=(
        "service.access",
        "types",
        "operations.arc_settings",
        "operations.arc_requests",
        "workflows",
    ),
)
