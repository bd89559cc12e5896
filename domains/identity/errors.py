"""Error codes of the identity domain."""

from __future__ import annotations

from graph.errors import AppError, ErrorCode


class EmailTaken(AppError):
    """An account with this email already exists."""

    code = "EMAIL_TAKEN"
    status = 409


class InvalidCredentials(AppError):
    code = ErrorCode.INVALID_CREDENTIALS
    status = 401
