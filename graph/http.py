"""What both transports do before an operation: read the body safely,
authenticate and rate-limit (`admit`); and how an error becomes a response."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from graph import hooks, roles
from graph.auth.principal import Principal, PrincipalKind
from graph.errors import AppError, ErrorCode, Unauthenticated, error_body
from graph.platform import Platform
from graph.telemetry import set_scope
from graph.transient import database_unavailable, is_transient

log = logging.getLogger("hestami.http")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise AppError(f"Request body over {limit} bytes.", code=ErrorCode.PAYLOAD_TOO_LARGE, status=413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise AppError(f"Request body over {limit} bytes.", code=ErrorCode.PAYLOAD_TOO_LARGE, status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def require_json(request: Request) -> None:
    # Refusing form and text/plain bodies also closes the "simple request" CSRF path.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise AppError("Send the body as application/json.", code=ErrorCode.UNSUPPORTED_MEDIA_TYPE, status=415)


def parse_json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise AppError("The body is not valid JSON.", code=ErrorCode.BAD_REQUEST) from None


async def admit(platform: Platform, request: Request, *, charge: bool = True) -> Principal | None:
    """The caller, from `Authorization: Bearer <JWT or API key>` (None when absent),
    with the request charged to its rate limits when `charge`: for a session, the
    session read and the charge are one Redis round trip.

    A present but bad credential is a 401 — never silently anonymous. A session
    store outage is a 503: we can't tell a revoked session from a live one.
    """
    set_scope(None, None)  # nothing of an earlier request's caller may tag this one's spans
    token = _bearer(request)
    principal = None if token is None else await hooks.api_key_principal.call(platform.sessions, token)
    if token is not None and principal is None:
        claims = platform.tokens.verify_access(token)
        store = platform.session_store
        key = store.key(claims.session_id)
        version = None
        if key is None:
            session = None
        elif charge:
            prefix = roles.version_prefix(platform.settings.redis_prefix)
            fields, version = await platform.rate_limiter.enforce_for_session(key, claims.subject, platform.settings, prefix)
            session = store.parse(claims.session_id, fields)
        else:
            session = await store.get(claims.session_id)
        if session is None or str(session.user_id) != claims.subject:
            raise Unauthenticated("This session has ended; log in again.", code=ErrorCode.SESSION_REVOKED)
        principal = Principal(
            kind=PrincipalKind.USER,
            id=session.user_id,
            session_id=session.id,
            active_organization_id=session.active_organization_id,
            roles_version=version,
        )
        set_scope(principal.active_organization_id, principal.id)
        return principal
    if principal is not None:
        set_scope(principal.active_organization_id, principal.id)
    if charge:
        ident = principal.cerbos_id if principal else f"ip:{request.client.host if request.client else '-'}"
        org = principal.active_organization_id if principal else None
        await platform.rate_limiter.enforce(ident, str(org) if org else None, platform.settings)
    return principal


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use `Authorization: Bearer <token>`.", code=ErrorCode.TOKEN_INVALID)
    return token.strip()


def error_response(err: AppError, trace_id: str | None) -> JSONResponse:
    return JSONResponse(error_body(err, trace_id), status_code=err.status, headers=err.headers)


def internal_error(exc: BaseException, trace_id: str | None) -> AppError:
    if is_transient(exc):
        log.warning("database unavailable (trace %s): %s", trace_id, exc)
        return database_unavailable()
    log.error("unexpected error (trace %s)", trace_id, exc_info=exc)
    return AppError(
        f"Internal server error. Quote trace id {trace_id} when reporting it.",
        code=ErrorCode.INTERNAL_ERROR,
        status=500,
    )
