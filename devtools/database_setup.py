"""Create the roles and databases, and run migrations.

Two roles: the owner (runs migrations, owns every table, BYPASSRLS for the few
SECURITY DEFINER maintenance functions) and the application role, which owns
nothing, is not a superuser, cannot bypass RLS and has no TRUNCATE.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from graph.db import libpq_url
from graph.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


async def _ensure_role(conn: asyncpg.Connection, name: str, attrs: str, password: str | None) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    verb = "ALTER" if exists else "CREATE"
    pw = " PASSWORD " + _literal(password) if password else ""
    await conn.execute(f'{verb} ROLE "{name}" WITH {attrs}{pw}')


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap(settings: Settings, *, database: str | None = None) -> None:
    """Idempotently create both roles and the app and DBOS databases."""
    if settings.admin_database_url is None:
        return  # roles and databases were provisioned by someone else
    owner = make_url(settings.database_url.get_secret_value())
    if owner.username is None:
        raise ValueError("HESTAMI_DATABASE_URL must name the owner role")
    db_name = database or owner.database
    admin = await asyncpg.connect(libpq_url(settings.admin_database_url.get_secret_value()))
    try:
        # Roles are the server's, not a database's: two runs bootstrapping at once
        # (the suite's parallel workers) would race on ALTER ROLE ("tuple concurrently updated").
        await admin.execute("SELECT pg_advisory_lock(hashtext('hestami.bootstrap'))")
        await _ensure_role(admin, owner.username, "LOGIN NOSUPERUSER BYPASSRLS CREATEDB", owner.password)
        app_pw = settings.app_db_password.get_secret_value() if settings.app_db_password else None
        await _ensure_role(
            admin,
            settings.app_db_role,
            "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT",
            app_pw,
        )
        for name in (db_name, f"{db_name}_dbos"):
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await admin.execute(f'CREATE DATABASE "{name}" OWNER "{owner.username}"')
    finally:
        await admin.close()


async def drop_databases(settings: Settings, database: str) -> None:
    assert settings.admin_database_url is not None
    admin = await asyncpg.connect(libpq_url(settings.admin_database_url.get_secret_value()))
    try:
        for name in (database, f"{database}_dbos"):
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def migrate(settings: Settings) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", settings.database_url.get_secret_value().replace("%", "%%"))
    command.upgrade(cfg, "head")
    from dbos import DBOS

    DBOS.migrate(settings.dbos_url(owner=True), application_role=settings.app_db_role)


def run_bootstrap(settings: Settings) -> None:
    asyncio.run(bootstrap(settings))
