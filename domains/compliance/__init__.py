"""The compliance calendar: each association's statutory obligations (annual
meeting and its notice, budget distribution, financial review, reserve study,
insurance renewal, fidelity bond, tax returns, its vendors' W-9s and
certificates of insurance) generated as tasks with due dates from the
jurisdiction's rules and the association's settings, books and payables by a
daily DBOS schedule, assigned to a role, escalated when overdue, closed with
their evidence (a typed reference); and the fidelity-bond check against the
reserves and three months of assessments."""

from graph.registry import Domain

domain = Domain(
    name="compliance",
    description=__doc__ or "",
    modules=(
        "operations.compliance_settings",
        "operations.compliance_tasks",
        "workflows",
    ),
)
