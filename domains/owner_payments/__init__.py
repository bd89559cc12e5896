"""Owners' payments from the portal: a one-time payment on a unit's balance
from the unit's saved ACH account (filed the next morning with the
association's other one-time debits, through the ACH domain) or by card
through a payment processor (its charge reference kept; its callback settles
or declines it); posted at once on the unit's ledger as pending, settled or
reversed later, with a numbered receipt sent to the unit's owners."""

from graph.registry import Domain

domain = Domain(
    name="owner_payments",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.owner_payments",
        "workflows",
    ),
)
