"""The per-request context both transports share.

It holds the principal, opens the request's one RLS-scoped read transaction
lazily (set_config for organization and user in the same round trip as BEGIN's
first statement), loads the principal's roles in the active organization, and
owns the request's dataloaders and Cerbos decisions (list filters and checks). The session is guarded by a lock because GraphQL
resolves sibling fields concurrently and one connection runs one statement at a
time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy.ext.asyncio import AsyncSession

from graph import hooks, roles
from graph.auth.principal import RELATIONS, ROLE_GRANTS, Principal, PrincipalKind
from graph.authz import Decisions
from graph.db import apply_scope, apply_scope_reading, driver_read
from graph.errors import Forbidden, OrganizationNotSelected, Unauthenticated
from graph.loaders import Loaders

if TYPE_CHECKING:
    from graph.platform import Platform


REQUEST_OPTION = "hestami_request"


def apply_roles(principal: Principal, row: Row[Any] | None) -> None:
    """Set a user's roles (the membership's, and those another domain grants while
    its condition holds, e.g. a current board seat) and relations from their
    membership row (`hooks.principal_roles`); FORBIDDEN without one. Read on every
    request, so removing a member takes effect at once."""
    if row is None or row[0] is None:
        raise Forbidden("You are not a member of the active organization.")
    roles = list(row[0])
    granted = row[1 + len(RELATIONS) :]
    roles += [name for name, held in zip(ROLE_GRANTS, granted, strict=True) if held and name not in roles]
    principal.roles = roles
    principal.relations = {name: [str(v) for v in row[i + 1] or ()] for i, name in enumerate(RELATIONS)}


async def load_roles(session: AsyncSession, principal: Principal, organization_id: UUID) -> None:
    """`apply_roles` in a transaction already scoped (a service account's roles come with its key)."""
    if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
        return
    statement = hooks.principal_roles.call(principal.id, organization_id)
    apply_roles(principal, (await session.execute(statement)).first())


class RequestContext:
    def __init__(self, platform: Platform, principal: Principal | None, trace_id: str | None) -> None:
        self.platform = platform
        self.principal = principal
        self.trace_id = trace_id
        self.loaders = Loaders(self)
        self.decisions = Decisions(platform.authorizer)
        self.replayed = False
        self.compile_reads = platform.settings.compiled_reads
        self.response_headers: dict[str, str] = {}
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._roles_loaded = principal is None or principal.kind is PrincipalKind.SERVICE_ACCOUNT
        self._roles_read = False
        self._roles_row: Row[Any] | None = None

    @property
    def organization_id(self) -> UUID | None:
        return self.principal.active_organization_id if self.principal else None

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("Log in first: send `Authorization: Bearer <access token or API key>`.")
        return self.principal

    def require_organization(self) -> UUID:
        principal = self.require_principal()
        if principal.active_organization_id is None:
            raise OrganizationNotSelected("No active organization: call organizationSelect (RPC organization/v1/select) first.")
        return principal.active_organization_id

    async def _open(self) -> AsyncSession:
        if self._session is None:
            session = self.platform.sessions()
            await session.begin()
            # Statements sent for a request say so (`REQUEST_OPTION` in their execution
            # options): what a request costs can be told apart from background workflows'.
            await session.connection(execution_options={REQUEST_OPTION: self.trace_id or True})
            principal, organization_id = self.principal, self.organization_id
            kept = self._take_kept_roles()
            if not kept and principal is not None and organization_id is not None and not self._roles_loaded:
                # Most requests need the roles: read them in the scope's own statement.
                # Applied (and refused without a membership) only when asked for.
                self._roles_row = await apply_scope_reading(session, organization_id, principal.id, hooks.principal_roles.call)
                self._roles_read = True
                roles.keep(principal.id, organization_id, principal.roles_version, self._roles_row)
            else:
                await apply_scope(session, organization_id, principal.user_id if principal else None)
            self._session = session
        return self._session

    def _take_kept_roles(self) -> bool:
        """Whether graph/roles.py kept the caller's roles row (not yet applied); held
        if so, with no statement needed."""
        principal, organization_id = self.principal, self.organization_id
        if principal is None or organization_id is None or self._roles_loaded:
            return False
        kept = roles.kept(principal.id, organization_id, principal.roles_version)
        if kept is None:
            return False
        self._roles_row, self._roles_read = kept, True
        return True

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """The request's read transaction, exclusively, for a query handler."""
        async with self._lock:
            yield await self._open()

    async def scalars(self, statement: Select[Any]) -> Sequence[Any]:
        async with self._lock:
            session = await self._open()
            return (await session.scalars(statement)).all()

    async def ensure_roles(self) -> Principal:
        """Fill the principal's roles from its membership in the active organization.

        Read on every request, so removing a membership takes effect at once.
        """
        organization_id = self.require_organization()
        principal = self.require_principal()
        if not self._roles_read:
            self._take_kept_roles()
        if not self._roles_loaded and self._roles_read:
            # Kept roles need no transaction: a compiled read may then use none of its own.
            apply_roles(principal, self._roles_row)
            self._roles_loaded = True
        if not self._roles_loaded:
            async with self.read_session() as session:
                # Sibling root fields wait on the same lock: only the first reads.
                if not self._roles_loaded:
                    if self._roles_read:
                        apply_roles(principal, self._roles_row)
                    else:
                        await load_roles(session, principal, organization_id)
                    self._roles_loaded = True
        return principal

    async def visible(self, kind: str, action: str, model: Any) -> ColumnElement[bool]:
        """A WHERE clause admitting exactly the rows of `model` Cerbos would allow,
        for loaders and list fields (`Decisions`: one plan per kind and action per request)."""
        principal = await self.ensure_roles()
        return await self.decisions.where(principal, kind, action, model)

    async def visible_keyed(self, kind: str, action: str, model: Any) -> tuple[ColumnElement[bool], Any]:
        """`visible`, with a key naming the clause (graph/authz.Decisions.where_keyed)."""
        principal = await self.ensure_roles()
        return await self.decisions.where_keyed(principal, kind, action, model)

    @property
    def in_transaction(self) -> bool:
        return self._session is not None

    async def driver_read(self, sql: str, args: Sequence[Any]) -> Any:
        """`graph.db.driver_read` in this request's scope, when no read transaction
        is open; a request that reads this way reads nothing else."""
        async with self._lock:
            assert self._session is None
            principal = self.principal
            return await driver_read(
                self.platform.engine, self.organization_id, principal.user_id if principal else None, sql, args
            )

    async def release(self) -> None:
        """End the read transaction now (a later read opens a fresh one). A mutation
        calls this before taking its write connections: a request holding one pooled
        connection while waiting for another deadlocks once every connection is held
        by such a request (50 concurrent mutations against a pool of 15 did)."""
        async with self._lock:
            await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.rollback()  # the read transaction never writes
            await session.close()
