"""Alembic environment: runs as the owner role; async engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from graph.settings import get_settings


def _run(connection: Connection) -> None:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    context.config.attributes.setdefault("app_role", get_settings().app_db_role)
    url = context.config.get_main_option("sqlalchemy.url") or (get_settings().database_url.get_secret_value())
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


asyncio.run(_main())
