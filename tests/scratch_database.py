"""A database of a test's own, migrated step by step, for tests of a migration's
data: written at one revision, read after the next (and after a downgrade)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from devtools.database_setup import MIGRATIONS, bootstrap, drop_databases
from graph.db import libpq_url
from graph.settings import Settings


@dataclass
class Scratch:
    cfg: Config
    dsn: str

    async def upgrade(self, revision: str) -> None:
        await asyncio.to_thread(command.upgrade, self.cfg, revision)

    async def downgrade(self, revision: str) -> None:
        await asyncio.to_thread(command.downgrade, self.cfg, revision)

    async def connect(self) -> asyncpg.Connection:
        """As the owner role, beside RLS, as the migrations run."""
        return await asyncpg.connect(self.dsn)


@asynccontextmanager
async def scratch_database(settings: Settings) -> AsyncIterator[Scratch]:
    name = f"hestami_migration_{uuid.uuid4().hex[:10]}"
    url = make_url(settings.database_url.get_secret_value()).set(database=name).render_as_string(hide_password=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await bootstrap(settings, database=name)
    try:
        yield Scratch(cfg, libpq_url(url))
    finally:
        await drop_databases(settings, name)
