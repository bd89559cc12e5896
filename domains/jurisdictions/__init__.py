"""Jurisdiction rules: what the statutes of a state require of an association —
hearing notice and decision deadlines, fine schedules and caps, architectural
review deadlines and deemed approval, how notices may be delivered, appeals —
as versioned platform data with citations, and each association's stricter
settings from its governing documents, never looser than the statute."""

from graph.registry import Domain

domain = Domain(
    name="jurisdictions",
    description=__doc__ or "",
    modules=(
        "operations.jurisdiction_rules",
        "operations.jurisdiction_rule_overrides",
    ),
)
