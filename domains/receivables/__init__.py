"""Receivables: what owners owe their association — assessment schedules and
their levies, late fees, interest on delinquent assessments, payments, credits and returned payments — kept in
each unit's owner ledger, which the database holds equal to the general
ledger's receivable and prepaid accounts; and the AR aging, delinquency list
and owner statements read from it."""

from graph.registry import Domain

domain = Domain(
    name="receivables",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.schedules",
        "operations.levies",
        "operations.late_fees",
        "operations.interest",
        "operations.owner_ledger",
        "operations.reports",
        "operations.opening_balances",
        "operations.payment_plans",
        "operations.lockbox",
        "workflows",
    ),
)
