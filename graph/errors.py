"""Errors with stable codes.

Every error a client can see is an `AppError` with a code from `ErrorCode` (or a
domain's own code enum) and an HTTP status. Anything else is masked to
`INTERNAL_ERROR` with a trace id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graph.docs import member_docs


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    """The body is not valid JSON, or the request is malformed."""
    VALIDATION_FAILED = "VALIDATION_FAILED"
    """The input does not match the operation's schema; `details.problems` lists each field at fault."""
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """The request body is over the size limit."""
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    """The body is not sent as application/json."""
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    """The path takes POST only."""
    UNAUTHENTICATED = "UNAUTHENTICATED"
    """No credentials, or credentials that are not valid (any more)."""
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    """The email and password do not match an account."""
    TOKEN_INVALID = "TOKEN_INVALID"
    """The bearer token or refresh token is malformed, expired or unknown."""
    SESSION_REVOKED = "SESSION_REVOKED"
    """The session this token belongs to has ended (logout or revocation): log in again."""
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    """A refresh token was used twice, so the whole session is revoked: log in again."""
    FORBIDDEN = "FORBIDDEN"
    """The caller's roles do not allow this action on this resource."""
    ORGANIZATION_NOT_SELECTED = "ORGANIZATION_NOT_SELECTED"
    """The operation acts in an organization and none is selected (`organization/v1/select`)."""
    NOT_FOUND = "NOT_FOUND"
    """No such record, or one the caller may not see (the two answer alike)."""
    INVALID_REFERENCE = "INVALID_REFERENCE"
    """An id in the input names nothing visible in this organization; `details.field` names it."""
    CONFLICT = "CONFLICT"
    """The change conflicts with the record's current state."""
    RATE_LIMITED = "RATE_LIMITED"
    """Too many requests; retry after the seconds in `Retry-After`."""
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    """A GraphQL document over the depth, alias or cost limits (GraphQL only)."""
    IDEMPOTENCY_KEY_REQUIRED = "IDEMPOTENCY_KEY_REQUIRED"
    """A mutating operation was sent without an `Idempotency-Key` header."""
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID"
    """The `Idempotency-Key` is empty, too long or not printable ASCII."""
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    """The `Idempotency-Key` was used before with a different body."""
    IDEMPOTENCY_KEY_IN_FLIGHT = "IDEMPOTENCY_KEY_IN_FLIGHT"
    """A request with this `Idempotency-Key` is still running; retry after `Retry-After`."""
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    """A dependency is briefly unavailable; retry after `Retry-After` (with the same `Idempotency-Key`)."""
    INTERNAL_ERROR = "INTERNAL_ERROR"
    """An unexpected error; the message carries a trace id to quote."""

    @staticmethod
    def describe(code: ErrorCode) -> str:
        return member_docs(ErrorCode)[code.name]


# The HTTP status of each platform code on the RPC mirror (QUERY_TOO_COMPLEX is GraphQL's alone).
STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.VALIDATION_FAILED: 400,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.SESSION_REVOKED: 401,
    ErrorCode.REFRESH_TOKEN_REUSED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.ORGANIZATION_NOT_SELECTED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_REFERENCE: 422,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.IDEMPOTENCY_KEY_REQUIRED: 400,
    ErrorCode.IDEMPOTENCY_KEY_INVALID: 400,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT: 409,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}


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
    code: str = ErrorCode.VALIDATION_FAILED
    status = 400


class Unauthenticated(AppError):
    code: str = ErrorCode.UNAUTHENTICATED
    status = 401


class Forbidden(AppError):
    code: str = ErrorCode.FORBIDDEN
    status = 403


class OrganizationNotSelected(AppError):
    code: str = ErrorCode.ORGANIZATION_NOT_SELECTED
    status = 403


class NotFound(AppError):
    code: str = ErrorCode.NOT_FOUND
    status = 404


class InvalidReference(AppError):
    """An id in the input names nothing visible in this organization (or the wrong association)."""

    code = ErrorCode.INVALID_REFERENCE
    status = 422


class Conflict(AppError):
    code: str = ErrorCode.CONFLICT
    status = 409


class RateLimited(AppError):
    code: str = ErrorCode.RATE_LIMITED
    status = 429


class ServiceUnavailable(AppError):
    code: str = ErrorCode.SERVICE_UNAVAILABLE
    status = 503


def error_body(err: AppError, trace_id: str | None) -> dict[str, Any]:
    """The one error envelope of the RPC mirror: {"error": {code, message, details, traceId}}."""
    details = err.details
    if err.field and details is None:
        details = {"field": err.field}
    return {"error": {"code": str(err.code), "message": err.message, "details": details, "traceId": trace_id}}
