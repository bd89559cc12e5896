"""Engine, declarative base and the RLS-scoped unit of work.

The application connects as a role that owns nothing and cannot bypass RLS. Every
transaction states its organization (and user) with transaction-local
`set_config(..., true)`, never session-wide, so a pooled connection can't carry
one tenant's scope into the next checkout.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from opentelemetry.trace import Status, StatusCode
from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    MetaData,
    Row,
    Select,
    bindparam,
    cast,
    func,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.util import greenlet_spawn

from graph.settings import Settings
from graph.telemetry import start_sql_span

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def new_id() -> UUID:
    return uuid.uuid4()


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        doc="When the record was created (UTC).",
    )


class TenantMixin:
    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The organization that holds this record."
    )


def pg_enum(cls: type[StrEnum], name: str) -> Enum:
    """A Postgres enum named `name` holding the values (not the names) of `cls`."""
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


def tenant_fk(column: str, table: str, **options: Any) -> ForeignKeyConstraint:
    """A reference that stays inside the organization: (organization_id, column) → table."""
    return ForeignKeyConstraint(["organization_id", column], [f"{table}.organization_id", f"{table}.id"], **options)


def association_fk(column: str, table: str, **options: Any) -> ForeignKeyConstraint:
    """A reference that stays inside the organization and the association."""
    return ForeignKeyConstraint(
        ["organization_id", "association_id", column],
        [f"{table}.organization_id", f"{table}.association_id", f"{table}.id"],
        **options,
    )


_SCOPE_SQL = text("SELECT set_config('app.org_id', :org, true), set_config('app.user_id', :user, true)")


# The driver's transaction opens and is scoped in one round trip: one simple-protocol
# message, so the ids are literals (`_uuid_literal`). Spans and listeners are told
# this template, not the ids.
DRIVER_SCOPE_SQL = "BEGIN READ ONLY; SELECT set_config('app.org_id', '{org}', true), set_config('app.user_id', '{user}', true)"

# Told of each statement `driver_read` sent (the engine, the SQL, the seconds it
# took), as the engine's cursor events tell of every other: the suite's and the
# benches' statement counts listen to both. Each driver transaction's first
# statement is DRIVER_SCOPE_SQL.
driver_statement_listeners: list[Callable[[AsyncEngine, str, float], None]] = []


async def driver_read(
    engine: AsyncEngine, organization_id: UUID | None, user_id: UUID | None, sql: str, args: Sequence[Any]
) -> Any:
    """The first column of the first row of `sql` (asyncpg's `$n` placeholders), read
    in a read-only transaction of its own, scoped as `apply_scope` scopes, on a
    pooled connection's asyncpg driver, in three round trips (BEGIN with the scope,
    the statement, ROLLBACK). For the compiled fast path: SQLAlchemy's session and
    execution layer cost 0.9 ms of CPU per request for this, the driver 0.2. Spans
    are the engine's (`start_sql_span`); a failed connection is invalidated, as
    SQLAlchemy would."""
    scope = DRIVER_SCOPE_SQL.format(org=_uuid_literal(organization_id), user=_uuid_literal(user_id))
    fairy = await engine.raw_connection()
    try:
        conn = fairy.driver_connection
        assert conn is not None
        await _driver_statement(engine, conn.execute, DRIVER_SCOPE_SQL, scope)
        try:
            return await _driver_statement(engine, conn.fetchval, sql, sql, *args)
        finally:
            await conn.execute("ROLLBACK")
    except BaseException:
        fairy.invalidate()
        raise
    finally:
        await greenlet_spawn(fairy.close)


async def _driver_statement(engine: AsyncEngine, call: Callable[..., Any], told: str, *args: Any) -> Any:
    """`call(*args)`, its span and its listeners told `told` as the statement."""
    span = start_sql_span(told)
    started = time.perf_counter()
    try:
        return await call(*args)
    except Exception as error:
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        raise
    finally:
        if span is not None:
            span.end()
        for listener in driver_statement_listeners:
            listener(engine, told, time.perf_counter() - started)


def libpq_url(url: str) -> str:
    """asyncpg (and libpq) want `postgresql://`, not SQLAlchemy's `postgresql+driver://`."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(
    url: str, settings: Settings, *, pool_size: int | None = None, statement_timeout_ms: int | None = None
) -> AsyncEngine:
    server_settings = {"application_name": settings.service_name}
    if statement_timeout_ms is not None:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    return create_async_engine(
        url,
        pool_size=pool_size or settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # No pre-ping: it cost a round trip per checkout. A connection the server
        # dropped fails its first statement instead; SQLAlchemy then invalidates it
        # and every older one in the pool, and that failure is transient
        # (graph/transient.py): a 503 for reads, a retry inside a durable step.
        pool_pre_ping=False,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args={"server_settings": server_settings},
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def _uuid_literal(value: UUID | None) -> str:
    # Parsed again, so only a UUID's canonical hex can reach the driver's SQL text.
    return "" if value is None else str(UUID(str(value)))


def _scope_values(organization_id: UUID | None, user_id: UUID | None) -> dict[str, str]:
    return {"org": str(organization_id) if organization_id else "", "user": str(user_id) if user_id else ""}


@functools.cache
def _scope_reading(read: Callable[[Any, Any], Select[Any]]) -> Select[Any]:
    # Built once: a statement object is hashed for SQLAlchemy's compiled cache on
    # every execution, which costs less when it is the same object.
    scope = select(
        func.set_config("app.org_id", bindparam("org"), True).label("org"),
        func.set_config("app.user_id", bindparam("user"), True).label("usr"),
    ).subquery("scope")
    row = read(bindparam("reader", type_=PgUUID(as_uuid=True)), cast(scope.c.org, PgUUID)).lateral("scoped")
    return select(row).select_from(scope.outerjoin(row, true()))


async def apply_scope_reading(
    session: AsyncSession, organization_id: UUID, user_id: UUID, read: Callable[[Any, Any], Select[Any]]
) -> Row[Any] | None:
    """`apply_scope`, and in the same round trip the row of `read(user, organization)`
    (the request's roles), read inside that scope: a LATERAL subquery runs after
    the row that sets the scope, because it depends on it."""
    values = {**_scope_values(organization_id, user_id), "reader": user_id}
    row: Row[Any] | None = (await session.execute(_scope_reading(read), values)).first()
    return row


async def apply_scope(session: AsyncSession, organization_id: UUID | None, user_id: UUID | None) -> None:
    """Tell the policies who is asking, for this transaction only."""
    await session.execute(_SCOPE_SQL, _scope_values(organization_id, user_id))


async def add_or_raise(session: AsyncSession, row: object, error: Exception) -> None:
    """Insert `row`, turning a constraint violation into `error` without losing
    the surrounding transaction (the insert runs in a savepoint)."""
    session.add(row)
    await flush_or_raise(session, error)


async def flush_or_raise(session: AsyncSession, error: Exception) -> None:
    """Flush pending changes in a savepoint, turning a constraint violation into `error`."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise error from None


@asynccontextmanager
async def scoped_transaction(
    sessions: async_sessionmaker[AsyncSession],
    organization_id: UUID | None,
    user_id: UUID | None,
) -> AsyncIterator[AsyncSession]:
    """One transaction, scoped to an organization (or to a user's own rows).

    Commits on success, rolls back on error. Services inside never commit.
    """
    async with sessions() as session, session.begin():
        await apply_scope(session, organization_id, user_id)
        yield session
