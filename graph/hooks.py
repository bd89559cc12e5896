"""What the platform needs from some domain, provided by that domain when it is
imported, never imported by name: the platform sits under the domains.

    # domains/organizations/service/access.py
    @hooks.principal_roles.provide
    def roles_statement(user_id, organization_id) -> Select: ...

Each hook is provided exactly once; `Platform.start` refuses to start while one
is missing (domains are imported by discovery, `app.discovery.load_domains`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from graph.auth.principal import Principal

F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[F]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._fn: F | None = None

    def provide(self, fn: F) -> F:
        """Decorator: `fn` is what the platform calls for this hook."""
        if self._fn is not None and self._fn is not fn:
            raise RuntimeError(f"{self.what}: provided twice ({self._fn.__module__} and {fn.__module__})")
        self._fn = fn
        return fn

    @property
    def provided(self) -> bool:
        return self._fn is not None

    @property
    def call(self) -> F:
        if self._fn is None:
            raise RuntimeError(f"No domain provides {self.what}: were the domains loaded (app.discovery.load_domains)?")
        return self._fn


# The statement reading a user's membership in an organization (both given as SQL
# expressions, so it is built once with parameters and the request reads it in its
# scope's own statement): one row with `roles` and a column per registered relation
# (graph/auth/principal.RELATIONS), none without a membership. graph/context.py
# applies it to the principal.
principal_roles: Hook[Callable[[Any, Any], Select[Any]]] = Hook("the roles of a user in an organization")


# Add one audit row to `session` (keyword arguments: organization_id, actor_kind,
# actor_id, operation, target_ids, summary, idempotency_key, trace_id).
audit_row: Hook[Callable[..., None]] = Hook("writing an audit row")


# The principal a bearer token stands for if it is an API key (UNAUTHENTICATED when
# unknown or revoked); None when the token is not an API key at all.
api_key_principal: Hook[Callable[[async_sessionmaker[AsyncSession], str], Awaitable[Principal | None]]] = Hook(
    "authenticating an API key"
)


# Record that long-running workflow `name` (`workflow_id`) belongs to an organization,
# in the transaction that starts it, so reading its status is RLS-scoped.
workflow_run: Hook[Callable[[AsyncSession, UUID, str, str], None]] = Hook("recording a long-running workflow run")


ALL: tuple[Hook[Any], ...] = (principal_roles, audit_row, api_key_principal, workflow_run)


def missing() -> list[str]:
    return [hook.what for hook in ALL if not hook.provided]
