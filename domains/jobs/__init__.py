"""Jobs: the service-provider side of a work order. A job arrives in the
provider's own organization when a customer (an association) assigns it work;
the provider accepts or declines it, schedules a visit, starts and finishes the
work, and each of those moves the customer's work order on through events —
the two organizations never share a row. The provider invoices the work (its
invoice becomes a payables invoice on the customer's side) and keeps a price
book of its services."""

from graph.registry import Domain

domain = Domain(
    name="jobs",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.jobs",
        "operations.job_invoices",
        "operations.job_estimates",
        "operations.price_book_items",
        "workflows",
    ),
)
