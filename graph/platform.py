"""The long-lived services one process shares: database engine, Redis, sessions,
tokens, the Cerbos PDP, the rate limiter, and DBOS.

`Platform.start()` is called once by the server (and by tests); workflows recovered
by DBOS reach it through `current_platform()`, since they run without a request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from dbos import DBOS
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph import hooks
from graph.auth.sealing import Sealer
from graph.auth.sessions import SessionStore
from graph.auth.tokens import TokenService, load_keyset
from graph.authz import Authorizer
from graph.db import create_engine, session_factory
from graph.maintenance import ensure_schedules
from graph.ratelimit import RateLimiter
from graph.settings import Settings
from graph.telemetry import instrument_engine, setup_tracing
from graph.transient import Reachability

_CURRENT: Platform | None = None


def current_platform() -> Platform:
    if _CURRENT is None:
        raise RuntimeError("Platform.start() has not run in this process")
    return _CURRENT


@dataclass
class Platform:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    session_store: SessionStore
    tokens: TokenService
    authorizer: Authorizer
    rate_limiter: RateLimiter
    sealer: Sealer
    # Asked by a request held by DBOS's own unbounded retries (graph/runner.py).
    system_database: Reachability

    @classmethod
    async def start(cls, settings: Settings, *, launch_dbos: bool = True) -> Platform:
        """Start the shared services, then DBOS. The domains must be loaded first
        (`app.discovery.load_domains`): their hooks, and every DBOS workflow, must
        exist before DBOS launches and recovers what an earlier process left."""
        global _CURRENT
        missing = hooks.missing()
        if missing:
            raise RuntimeError(f"Load the domains before starting the platform; nothing provides {', '.join(missing)}")
        setup_tracing(settings)  # before DBOS launches: it looks for a provider then

        engine = create_engine(settings.app_url(), settings, statement_timeout_ms=settings.app_statement_timeout_ms)
        instrument_engine(engine)
        redis = Redis.from_url(
            settings.redis_url.get_secret_value(),
            socket_timeout=2,
            socket_connect_timeout=2,
        )
        authorizer = Authorizer(
            settings.cerbos_address,
            timeout_seconds=settings.cerbos_timeout_seconds,
            plan_cache_seconds=settings.cerbos_plan_cache_seconds,
        )
        await authorizer.start()
        keyset = load_keyset(settings)
        platform = cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            redis=redis,
            session_store=SessionStore(redis, settings.redis_prefix, settings.refresh_token_ttl_seconds),
            tokens=TokenService(
                keyset,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                ttl_seconds=settings.access_token_ttl_seconds,
                leeway_seconds=settings.jwt_leeway_seconds,
            ),
            authorizer=authorizer,
            rate_limiter=RateLimiter(redis, settings.redis_prefix),
            sealer=Sealer(keyset),
            system_database=Reachability(settings.dbos_url()),
        )
        _CURRENT = platform
        if launch_dbos:
            # On this thread, not via to_thread: DBOS adopts the event loop running
            # where launch() is called, and runs queued and recovered async workflows
            # on it. Launched from a worker thread, it ran them on a private loop, where
            # this engine's and Redis's connections fail ("attached to a different loop").
            launch_dbos_runtime(settings)
            await ensure_schedules()
        return platform

    async def close(self) -> None:
        global _CURRENT
        await self.authorizer.close()
        await self.redis.aclose()
        await self.engine.dispose()
        if _CURRENT is self:
            _CURRENT = None

    async def readiness(self) -> dict[str, bool]:
        async def db() -> bool:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True

        async def redis() -> bool:
            return bool(await self.redis.ping())

        async def dbos() -> bool:
            await DBOS.list_workflows_async(limit=1)
            return True

        checks: dict[str, Any] = {
            "postgres": db(),
            "redis": redis(),
            "cerbos": self.authorizer.ready(),
            "dbos": dbos(),
        }
        results = await asyncio.gather(*(asyncio.wait_for(c, 3) for c in checks.values()), return_exceptions=True)
        return {name: r is True for name, r in zip(checks, results, strict=True)}


def launch_dbos_runtime(settings: Settings) -> None:
    """Launch DBOS once per process, its system database on the same server.

    `application_version` is pinned so that recovery after a restart finds the
    workflows an earlier process left pending (the default is a hash of the code).
    """
    DBOS(
        config={
            "name": settings.service_name,
            "system_database_url": settings.dbos_url(),
            "application_version": settings.application_version,
            "log_level": "WARNING",
            "sys_db_pool_size": 10,
            # DBOS pushes workflow events and streams from a thread that wakes every
            # coalescing interval (10 ms by default: 4 ms of CPU per idle second, the
            # largest idle cost). Nothing here reads events or streams; `recv` is woken
            # by a trigger, not by this thread. So it may wake twice a second.
            "notification_coalesce_sec": 0.5,
            # The app role may not run DDL: `hestami migrate` migrates DBOS's schema.
            "run_migrations": False,
            # Spans for workflows and steps, through our tracer provider (no
            # endpoints here: the provider's own exporter ships them).
            "enable_otlp": True,
        }
    )
    DBOS.launch()
