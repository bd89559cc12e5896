"""The compliance calendar: each association's statutory obligations (annual
meeting, budget distribution, financial review, reserve study, insurance
renewal, fidelity bond) generated as tasks with due dates from the jurisdiction's
rules and the association's settings and books by a daily DBOS schedule,
assigned to a role, escalated when overdue, closed with their evidence; and the
fidelity-bond check against the reserves and three months of assessments."""

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
