"""Error codes of the jobs domain."""

from __future__ import annotations

from graph.errors import Conflict


class IllegalJobTransition(Conflict):
    """The job can't move from its state to the one asked for; `details` names the states allowed."""

    code = "ILLEGAL_JOB_TRANSITION"
