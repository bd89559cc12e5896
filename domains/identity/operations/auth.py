"""authRegister, authLogin, authRefresh, authLogout: the only mutations exempt
from idempotency keys (a retried login simply logs in again)."""

from __future__ import annotations

from domains.identity import service
from domains.identity.schemas import (
    AuthLoginInput,
    AuthLogoutInput,
    AuthLogoutResult,
    AuthRefreshInput,
    AuthRegisterInput,
    AuthSession,
    UserRead,
)
from graph.auth.principal import PrincipalKind
from graph.db import new_id
from graph.errors import Forbidden
from graph.handlers import OperationContext
from graph.operations import Scope, operation


async def _session_for(ctx: OperationContext, user) -> AuthSession:  # type: ignore[no-untyped-def]
    session, refresh = await ctx.platform.session_store.create(user.id, PrincipalKind.USER.value)
    return _tokens(ctx, user, session.id, refresh)


def _tokens(ctx: OperationContext, user, session_id: str, refresh: str) -> AuthSession:  # type: ignore[no-untyped-def]
    tokens = ctx.platform.tokens
    access = tokens.issue_access(str(user.id), session_id, PrincipalKind.USER.value)
    return AuthSession(
        access_token=access,
        refresh_token=refresh,
        expires_in=ctx.platform.settings.access_token_ttl_seconds,
        user=UserRead.model_validate(user),
    )


@operation(
    "auth/v1/register",
    input=AuthRegisterInput,
    output=AuthSession,
    kind="session",
    action="register",
    scope=Scope.PUBLIC,
    idempotent=False,
    summary="Create an account and log in",
    result_field="session",
)
async def register(ctx: OperationContext, data: AuthRegisterInput) -> AuthSession:  # type: ignore[valid-type]
    """Create an account (email + password, hashed with argon2id) and start a
    session. The account belongs to no organization yet: create one with
    organizationCreate or be added to one."""
    user_id = new_id()
    await ctx.act_as_user(user_id)
    user = await service.register(ctx.session, data.email, data.display_name, data.password, user_id=user_id)
    ctx.audit_summary = {"email": user.email}
    return await _session_for(ctx, user)


@operation(
    "auth/v1/login",
    input=AuthLoginInput,
    output=AuthSession,
    kind="session",
    action="login",
    scope=Scope.PUBLIC,
    idempotent=False,
    summary="Log in with email and password",
    result_field="session",
)
async def login(ctx: OperationContext, data: AuthLoginInput) -> AuthSession:  # type: ignore[valid-type]
    """Exchange email and password for an access token (15 minutes) and a
    single-use refresh token. No organization is active until organizationSelect."""
    user = await service.authenticate(ctx.session, data.email, data.password)
    await ctx.act_as_user(user.id)
    return await _session_for(ctx, user)


@operation(
    "auth/v1/refresh",
    input=AuthRefreshInput,
    output=AuthSession,
    kind="session",
    action="refresh",
    scope=Scope.PUBLIC,
    idempotent=False,
    summary="Rotate the refresh token",
    result_field="session",
)
async def refresh(ctx: OperationContext, data: AuthRefreshInput) -> AuthSession:
    """Exchange a refresh token for a new access token and a new refresh token.
    Each refresh token works once: presenting a used one again ends the session
    (token theft detection)."""
    session, new_refresh = await ctx.platform.session_store.rotate(data.refresh_token)
    await ctx.act_as_user(session.user_id)
    user = await service.get_user(ctx.session, session.user_id)
    return _tokens(ctx, user, session.id, new_refresh)


@operation(
    "auth/v1/logout",
    input=AuthLogoutInput,
    output=AuthLogoutResult,
    kind="session",
    action="logout",
    scope=Scope.ACCOUNT,
    idempotent=False,
    summary="End the current session",
    result_field="result",
)
async def logout(ctx: OperationContext, data: AuthLogoutInput) -> AuthLogoutResult:
    """End the session of the bearer token; its access and refresh tokens stop
    working immediately."""
    principal = ctx.principal
    if principal is None or principal.session_id is None:
        raise Forbidden("API keys have no session to end; revoke the service account instead.")
    await ctx.platform.session_store.revoke(principal.session_id)
    return AuthLogoutResult(revoked=True)
