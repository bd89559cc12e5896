"""Service requests: the concierge path for an individual homeowner or a
commercial client, who belong to no association. They ask for work on their own
property and send it to a service provider they pick, or post it to the
providers that offer its category; the provider gets a job in its own
organization, as for an association's work order, and its answers (accept or
decline, estimate, schedule, start, finish) move the request on through events.
A posted request a provider declines goes to the next provider offering the
category."""

from graph.registry import Domain

domain = Domain(
    name="service_requests",
    description=__doc__ or "",
    modules=("types", "operations.service_requests", "operations.service_offerings", "workflows"),
)
