"""Errors with stable codes.

Every error a client can see is an `AppError` with a code from `ErrorCode` (or a
domain's own code enum) and an HTTP status. Anything else is masked to
`INTERNAL_ERROR` with a trace id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOKEN_INVALID = "TOKEN_INVALID"
    SESSION_REVOKED = "SESSION_REVOKED"
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    FORBIDDEN = "FORBIDDEN"
    ORGANIZATION_NOT_SELECTED = "ORGANIZATION_NOT_SELECTED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_REFERENCE = "INVALID_REFERENCE"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    IDEMPOTENCY_KEY_REQUIRED = "IDEMPOTENCY_KEY_REQUIRED"
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_FLIGHT = "IDEMPOTENCY_KEY_IN_FLIGHT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class AppError(Exception):
    """An error whose code and message are safe to show to the client."""

    code: str = ErrorCode.BAD_REQUEST
    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        field: list[str] | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.details = details
        self.headers = headers or {}

    @property
    def extensions(self) -> dict[str, Any]:
        """GraphQL `extensions` when raised inside a resolver: graphql-core copies
        an original error's `extensions`, so the client gets the stable code."""
        extensions: dict[str, Any] = {"code": str(self.code)}
        if self.details is not None:
            extensions["details"] = self.details
        return extensions


class ValidationFailed(AppError):
    code = ErrorCode.VALIDATION_FAILED
    status = 400


class Unauthenticated(AppError):
    code = ErrorCode.UNAUTHENTICATED
    status = 401


class Forbidden(AppError):
    code = ErrorCode.FORBIDDEN
    status = 403


class OrganizationNotSelected(AppError):
    code = ErrorCode.ORGANIZATION_NOT_SELECTED
    status = 403


class NotFound(AppError):
    code = ErrorCode.NOT_FOUND
    status = 404


class InvalidReference(AppError):
    """An id in the input names nothing visible in this organization (or the wrong association)."""

    code = ErrorCode.INVALID_REFERENCE
    status = 422


class Conflict(AppError):
    code = ErrorCode.CONFLICT
    status = 409


class RateLimited(AppError):
    code = ErrorCode.RATE_LIMITED
    status = 429


class ServiceUnavailable(AppError):
    code = ErrorCode.SERVICE_UNAVAILABLE
    status = 503


def error_body(err: AppError, trace_id: str | None) -> dict[str, Any]:
    """The one error envelope of the RPC mirror: {"error": {code, message, details, traceId}}."""
    details = err.details
    if err.field and details is None:
        details = {"field": err.field}
    return {"error": {"code": str(err.code), "message": err.message, "details": details, "traceId": trace_id}}
