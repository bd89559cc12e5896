"""Error codes of the compliance domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class TaskClosed(Conflict):
    """The task is already done or waived: a closed task stays as it was closed."""

    code = "COMPLIANCE_TASK_CLOSED"


class EvidenceRequired(AppError):
    """A task is done with its evidence, and evidence the platform holds must be on
    file: a reserve study of the task's association, a certificate of insurance, a
    vendor whose W-9 (tax id) is on file, named by its public id."""

    code = "EVIDENCE_REQUIRED"
    status = 422
