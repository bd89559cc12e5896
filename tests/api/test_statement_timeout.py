"""The application's statements run under a time limit: a runaway plan fails, it
does not hold a connection and a core for minutes."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from graph.db import create_engine, session_factory
from graph.transient import is_transient


async def test_the_platforms_connections_carry_the_limit(platform, settings) -> None:
    async with platform.sessions() as s:
        limit = (await s.execute(text("SHOW statement_timeout"))).scalar_one()
    assert limit == f"{settings.app_statement_timeout_ms // 1000}s"


async def test_a_statement_over_the_limit_fails_and_is_not_retried(settings) -> None:
    engine = create_engine(settings.app_url(), settings, pool_size=1, statement_timeout_ms=50)
    try:
        async with session_factory(engine)() as s:
            with pytest.raises(exc.DBAPIError) as failed:
                await s.execute(text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()
    assert "statement timeout" in str(failed.value) and not is_transient(failed.value)
