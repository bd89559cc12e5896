"""Collections: each association's collection policy (steps, waits, fees,
exclusions, board approvals), checked against its jurisdiction's collection
rules; a nightly run moving each delinquent unit one step at a time (friendly
reminder → late notice → notice of intent to lien), each step a letter through
communications and a fee through receivables; and each case's workflow
keeping the statutory wait, taking the board's approvals as events, recording
the lien and referring the account to the attorney — with exits when the
balance is settled and suspension while a payment plan is kept."""

from graph.registry import Domain

domain = Domain(
    name="collections",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.collection_policies",
        "operations.collection_cases",
        "workflows",
    ),
)
