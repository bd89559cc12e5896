"""Error codes of the owner portal."""

from __future__ import annotations

from graph.errors import AppError


class NoParty(AppError):
    """The caller is no party (owner, resident) of the active organization: there is no listing of theirs to set."""

    code = "NO_PARTY"
    status = 422
