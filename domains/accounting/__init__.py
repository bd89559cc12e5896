"""Accounting: each association's fund-based general ledger — funds, chart of
accounts, journal entries, closed months and budgets — and the one posting path
the receivables and payables subledgers use."""

from graph.registry import Domain

domain = Domain(
    name="accounting",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.chart",
        "operations.journal",
        "operations.periods",
        "operations.years",
        "operations.transfers",
        "operations.recurring",
        "operations.budgets",
        "operations.reports",
        "workflows",
    ),
)
