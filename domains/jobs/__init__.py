"""Jobs: the service-provider side of a work order. A job arrives in the
provider's own organization when a customer (an association) assigns it work;
the provider accepts or declines it, schedules a visit, starts and finishes the
work, and each of those moves the customer's work order on through events —
the two organizations never share a row."""

from graph.registry import Domain

domain = Domain(
    name="jobs",
    description=__doc__ or "",
    modules=("types", "operations.jobs"),
)
