"""Reserve studies computed live from the ledger: each association's reserve
components (with the four-part test and the general-ledger accounts their
spending lands on), dated and versioned studies with their assumptions, 30-year
projections by the component and the cash-flow methods, the four funding
scenarios, and percent funded read from the books at query time."""

from graph.registry import Domain

domain = Domain(
    name="reserves",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.reserve_components",
        "operations.reserve_studies",
    ),
)
