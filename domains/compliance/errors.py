"""Error codes of the compliance domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class TaskClosed(Conflict):
    """The task is already done or waived: a closed task stays as it was closed."""

    code = "COMPLIANCE_TASK_CLOSED"


class EvidenceRequired(AppError):
    """A task is done with its evidence: the meeting's minutes, the document, the filing reference."""

    code = "EVIDENCE_REQUIRED"
    status = 422
