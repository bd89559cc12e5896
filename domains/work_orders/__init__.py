"""Work orders: requests for work on an association's common areas and units,
opened by staff, the board, owners, tenants or integrations; classified
(place / category / problem), prioritized with response and completion
deadlines from the association's settings; followed by one durable workflow
each, which checks every transition against the state map and escalates a
missed deadline."""

from graph.registry import Domain

domain = Domain(
    name="work_orders",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.work_orders",
        "operations.work_order_comments",
        "operations.work_order_estimates",
        "operations.work_order_categories",
        "operations.work_order_settings",
        "workflows",
    ),
)
