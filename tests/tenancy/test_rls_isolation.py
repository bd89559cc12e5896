"""Organization A can't read, write, move or upsert into organization B's rows,
in any tenant table; a missing, empty or malformed scope fails closed; a pool
of one connection never bleeds a scope into the next transaction."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

import asyncpg
import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from graph.db import create_engine, libpq_url, scoped_transaction, session_factory
from tests.tenancy.conftest import (
    FACTORIES,
    FOREIGN_KEY_VIOLATION,
    INSUFFICIENT_PRIVILEGE,
    REVOKED,
    complete,
    insert_sql,
    new_org,
    sqlstate,
)

# Tables A may never write into B, except through the `organizations` root.
DENIED = (DBAPIError, ProgrammingError)


async def tenant_tables(settings) -> set[str]:
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        rows = await conn.fetch(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id'"
        )
    finally:
        await conn.close()
    return {r["table_name"] for r in rows}


async def test_every_tenant_table_has_a_factory(settings, database) -> None:
    assert await tenant_tables(settings) == set(FACTORIES), "add a row factory for each new tenant table"


@pytest.fixture(scope="module")
async def two(app_sessions):
    a, b = await new_org(app_sessions), await new_org(app_sessions)
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for table, factory in FACTORIES.items():
        rows[table] = {}
        for name, tenant in (("a", a), ("b", b)):
            row = await factory(app_sessions, tenant, {})
            async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
                await s.execute(insert_sql(table, row), row)
                await complete(s, row)
            rows[table][name] = row
    return a, b, rows


@pytest.mark.parametrize("table", sorted(FACTORIES))
async def test_a_cannot_read_b(app_sessions, two, table) -> None:
    a, b, _ = two
    async with scoped_transaction(app_sessions, a.org, a.user) as s:
        orgs = set((await s.execute(text(f"SELECT DISTINCT organization_id FROM {table}"))).scalars())
    assert b.org not in orgs and a.org in orgs


@pytest.mark.parametrize("table", sorted(FACTORIES))
async def test_a_cannot_insert_into_b(app_sessions, two, table) -> None:
    a, b, _ = two
    row = await FACTORIES[table](app_sessions, b, {})
    with pytest.raises(DENIED):
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(insert_sql(table, row), row)


@pytest.mark.parametrize("table", sorted(FACTORIES))
async def test_a_cannot_update_or_delete_b(app_sessions, two, table) -> None:
    a, b, rows = two
    target = rows[table]["b"]["id"]
    for privilege, statement in (
        ("UPDATE", f"UPDATE {table} SET organization_id = organization_id WHERE id = :id"),
        ("DELETE", f"DELETE FROM {table} WHERE id = :id"),
    ):
        if privilege in REVOKED.get(table, ()):
            # The app role lacks the privilege outright (audit log, history tables).
            with pytest.raises(ProgrammingError) as info:
                async with scoped_transaction(app_sessions, a.org, a.user) as s:
                    await s.execute(text(statement), {"id": target})
            assert sqlstate(info.value) == INSUFFICIENT_PRIVILEGE, statement
        else:
            async with scoped_transaction(app_sessions, a.org, a.user) as s:
                result = cast(CursorResult[Any], await s.execute(text(statement), {"id": target}))
                assert result.rowcount == 0, statement
    async with scoped_transaction(app_sessions, b.org, b.user) as s:
        assert (await s.execute(text(f"SELECT count(*) FROM {table} WHERE id = :id"), {"id": target})).scalar() == 1


@pytest.mark.parametrize("table", sorted(FACTORIES))
async def test_a_cannot_move_a_row_into_b(app_sessions, two, table) -> None:
    a, b, rows = two
    with pytest.raises(DENIED):
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(
                text(f"UPDATE {table} SET organization_id = :b WHERE id = :id"), {"b": b.org, "id": rows[table]["a"]["id"]}
            )


@pytest.mark.parametrize("table", sorted(FACTORIES))
async def test_a_cannot_upsert_over_b(app_sessions, two, table) -> None:
    a, b, rows = two
    row = await FACTORIES[table](app_sessions, a, {})
    row["id"] = rows[table]["b"]["id"]  # collide with B's row
    with pytest.raises(DENIED):
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(
                insert_sql(table, row, "ON CONFLICT (id) DO UPDATE SET organization_id = EXCLUDED.organization_id"), row
            )
    async with scoped_transaction(app_sessions, b.org, b.user) as s:
        org = (await s.execute(text(f"SELECT organization_id FROM {table} WHERE id = :id"), {"id": row["id"]})).scalar()
    assert org == b.org


async def test_duplicate_natural_key_in_other_tenant_is_fine_and_fk_into_other_tenant_fails(app_sessions, two) -> None:
    a, b, _ = two
    # The same user may be a member of both (unique is per organization) ...
    async with scoped_transaction(app_sessions, b.org, b.user) as s:
        await s.execute(
            text("INSERT INTO memberships (id, organization_id, user_id, roles) VALUES (:id, :o, :u, ARRAY['member'])"),
            {"id": uuid.uuid4(), "o": b.org, "u": a.user},
        )
    # ... but a service account in A can't name a membership of B as its creator.
    row = await FACTORIES["service_accounts"](app_sessions, a, {})
    row["created_by_membership_id"] = b.membership
    with pytest.raises(DENIED):
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(insert_sql("service_accounts", row), row)


# Child rows of the association model and the parent each one names.
PARENT_KEYS = [
    ("associations", "master_association_id", "associations"),
    ("units", "association_id", "associations"),
    ("emergency_contacts", "unit_id", "units"),
    ("contact_points", "party_id", "parties"),
    ("ownerships", "unit_id", "units"),
    ("ownerships", "party_id", "parties"),
    ("residents", "unit_id", "units"),
    ("residents", "party_id", "parties"),
    ("insurance_certificates", "vendor_id", "vendors"),
    ("invoices", "vendor_id", "vendors"),
    ("invoices", "journal_entry_id", "journal_entries"),
    ("invoice_lines", "invoice_id", "invoices"),
    ("invoice_lines", "account_id", "gl_accounts"),
    ("invoice_lines", "fund_id", "funds"),
    ("invoice_approvals", "invoice_id", "invoices"),
    ("vendor_payments", "invoice_id", "invoices"),
    ("vendor_payments", "journal_entry_id", "journal_entries"),
]


@pytest.mark.parametrize(("table", "column", "parent"), PARENT_KEYS)
async def test_child_row_cannot_name_a_parent_in_b(app_sessions, two, table, column, parent) -> None:
    a, _, rows = two
    row = await FACTORIES[table](app_sessions, a, {})
    row[column] = rows[parent]["b"]["id"]  # exists, but in B: the composite key finds no (A, id)
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(insert_sql(table, row), row)
    assert sqlstate(info.value) == FOREIGN_KEY_VIOLATION, (table, column)


@pytest.mark.parametrize("setting", [None, "", "not-a-uuid"])
async def test_scope_fails_closed(app_sessions, two, setting) -> None:
    for table in [*FACTORIES, "organizations", "users"]:
        async with app_sessions() as s, s.begin():
            if setting is not None:
                await s.execute(
                    text("SELECT set_config('app.org_id', :v, true), set_config('app.user_id', :v, true)"), {"v": setting}
                )
            try:
                count = (await s.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
            except DENIED:
                continue  # malformed → an error, never rows
            assert count == 0, (table, setting)


async def test_empty_setting_left_by_earlier_transaction(settings, database, two) -> None:
    a, _, _ = two
    engine = create_engine(settings.app_url(), settings, pool_size=1)
    sessions = session_factory(engine)
    try:
        async with scoped_transaction(sessions, a.org, a.user) as s:
            assert (await s.execute(text("SELECT count(*) FROM memberships"))).scalar_one() > 0
        async with sessions() as s, s.begin():  # same pooled connection, no scope
            assert (await s.execute(text("SELECT current_setting('app.org_id', true)"))).scalar() == ""
            assert (await s.execute(text("SELECT count(*) FROM memberships"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_pool_of_one_never_bleeds(settings, database, two) -> None:
    a, b, _ = two
    engine = create_engine(settings.app_url(), settings, pool_size=1)
    engine.pool._max_overflow = 0  # type: ignore[attr-defined]
    sessions = session_factory(engine)
    leaks = 0

    async def request(tenant) -> None:
        nonlocal leaks
        async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
            orgs = (await s.execute(text("SELECT organization_id FROM service_accounts"))).scalars().all()
        leaks += sum(1 for o in orgs if o != tenant.org)

    try:
        for _ in range(10):
            await asyncio.gather(*(request(a if i % 2 else b) for i in range(100)))
    finally:
        await engine.dispose()
    assert leaks == 0
