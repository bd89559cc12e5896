"""Portfolio: a management company's morning. Portfolio managers (users
assigned to the associations they run, assignments kept as history) and the
dashboard of every association the company runs — delinquency over 60 and 90
days, open work orders by deadline state, ARC requests nearing deemed
approval, violations awaiting a hearing, compliance tasks due or overdue,
unreconciled bank months, invoices waiting for approval — one row per
association, each figure counted by SQL per association over the rows the
caller may read of each domain, in one statement however many associations."""

from graph.registry import Domain

domain = Domain(
    name="portfolio",
    description=__doc__ or "",
    modules=(
        "operations.portfolio_assignments",
        "operations.dashboard",
    ),
)
