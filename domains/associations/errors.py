"""Error codes of the associations domain."""

from __future__ import annotations

from graph.errors import AppError


class NotAnAssociation(AppError):
    code = "NOT_AN_ASSOCIATION"
    status = 422
