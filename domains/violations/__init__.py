"""Violations: each association's library of rules (notice text, cure days, fine
schedule), sightings logged with duplicates and repeat offenders found at
once, checks before a notice goes out, and each violation's lifecycle —
notice, cure period, re-inspection, hearing, decision, fine, appeal — as a
durable workflow that works under the jurisdiction rules in force when the
violation was observed and cannot break them; fines post to the owner's ledger
through receivables."""

from graph.registry import Domain

domain = Domain(
    name="violations",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.violation_rules",
        "operations.violations",
        "workflows",
    ),
)
