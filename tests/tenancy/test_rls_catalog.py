"""The database catalog, read directly: every tenant table is locked down.

New tables added by later migrations are covered automatically: a table with an
`organization_id` column is a tenant table; any other table must be listed here
as global, with a reason.
"""

from __future__ import annotations

import asyncpg
import pytest

from graph.db import libpq_url
from tests.tenancy.conftest import REVOKED

GLOBAL_TABLES = {
    "alembic_version": "migration bookkeeping",
    "users": "a person exists before any organization; RLS limits rows to self and co-members",
    "organizations": "the tenant root; RLS keyed on id",
    "jurisdiction_rules": "statutes are the same for every organization; the app role may only read them",
    "estoppel_forms": "statutory certificate forms are the same for every organization; the app role may only read them",
    "interest_limits": "statutory interest limits are the same for every organization; the app role may only read them",
}
# Foreign keys that point into another tenant by design: a management link joins
# two organizations, and an association names the management company running it
# (the service accepts only a company linked to the organization, which RLS makes
# visible; the key itself does not check the link).
CROSS_TENANT_FKS = {
    ("management_links", "manager_organization_id"),
    ("associations", "managing_organization_id"),
    # A vendor may be a service-provider organization (the service accepts only that type).
    ("vendors", "provider_organization_id"),
    # Dispatch: the association's record names the provider organization its job went
    # to, and the provider's job names its customer — by id only, each row in its own tenant.
    ("work_order_dispatches", "provider_organization_id"),
    ("jobs", "customer_organization_id"),
    # A service request names the provider it is sent to, and each dispatch its provider.
    ("service_requests", "provider_organization_id"),
    ("service_request_dispatches", "provider_organization_id"),
}


@pytest.fixture
async def owner(settings, database):
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    yield conn
    await conn.close()


async def _tables(conn: asyncpg.Connection) -> dict[str, set[str]]:
    rows = await conn.fetch(
        """SELECT c.relname, array_agg(a.attname) AS cols FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE c.relkind IN ('r', 'p') GROUP BY c.relname"""
    )
    return {r["relname"]: set(r["cols"]) for r in rows}


async def test_every_table_is_tenant_or_declared_global(owner) -> None:
    tables = await _tables(owner)
    undeclared = {t for t, cols in tables.items() if "organization_id" not in cols} - set(GLOBAL_TABLES)
    assert not undeclared, f"tables without organization_id must be declared global: {undeclared}"


async def test_tenant_tables_have_forced_rls_and_a_policy(owner) -> None:
    rows = await owner.fetch(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
           WHERE c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'"""
    )
    assert rows
    bad = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"] and r["policies"] > 0)]
    assert not bad, f"RLS not enabled+forced with a policy on: {bad}"


async def test_policies_use_the_fail_closed_setting(owner) -> None:
    body = await owner.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'app_current_org'")
    assert "NULLIF(current_setting('app.org_id', true), '')" in body
    quals = await owner.fetch("SELECT polrelid::regclass::text AS t, pg_get_expr(polqual, polrelid) AS q FROM pg_policy")
    for row in quals:
        assert "app_current_org()" in row["q"] or row["t"] == "users", row


async def test_tenant_foreign_keys_are_composite(owner) -> None:
    tables = await _tables(owner)
    tenant = {t for t, cols in tables.items() if "organization_id" in cols}
    fks = await owner.fetch(
        """SELECT con.conname, src.relname AS src, dst.relname AS dst,
                  ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = ANY(con.conkey)) AS src_cols,
                  ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = con.confrelid AND attnum = ANY(con.confkey)) AS dst_cols
           FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
           WHERE con.contype = 'f'"""
    )
    assert fks
    for fk in fks:
        src_cols, dst_cols = set(fk["src_cols"]), set(fk["dst_cols"])
        if fk["dst"] == "organizations":
            assert src_cols == {"organization_id"} or (fk["src"], *src_cols) in CROSS_TENANT_FKS, dict(fk)
        elif fk["src"] in tenant and fk["dst"] in tenant:
            assert "organization_id" in src_cols and "organization_id" in dst_cols and len(src_cols) >= 2, (
                f"{fk['conname']}: tenant-to-tenant FK must be (organization_id, x_id)"
            )


async def test_unique_indexes_on_tenant_tables_lead_with_organization(owner) -> None:
    rows = await owner.fetch(
        """SELECT t.relname AS tbl, i.relname AS idx, a.attname AS first_col, ix.indisprimary
           FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
           LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ix.indkey[0]
           WHERE ix.indisunique"""
    )
    tables = await _tables(owner)
    for r in rows:
        if "organization_id" in tables[r["tbl"]] and not r["indisprimary"]:
            assert r["first_col"] == "organization_id", f"{r['idx']} must lead with organization_id"


async def test_app_role_cannot_bypass_or_own(owner, settings) -> None:
    role = settings.app_db_role
    attrs = await owner.fetchrow(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1", role
    )
    assert attrs is not None and not any(attrs.values()), dict(attrs)
    owned = await owner.fetchval(
        """SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1""", role
    )
    owned += await owner.fetchval(
        "SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = $1", role
    )
    owned += await owner.fetchval(
        "SELECT count(*) FROM pg_namespace s JOIN pg_roles r ON r.oid = s.nspowner WHERE r.rolname = $1", role
    )
    assert owned == 0
    for table in await _tables(owner):
        for privilege in ("TRUNCATE", "REFERENCES"):
            assert not await owner.fetchval("SELECT has_table_privilege($1, $2, $3)", role, f"public.{table}", privilege), (
                table,
                privilege,
            )
    # Plain DML on every tenant table, minus what is revoked on purpose (REVOKED):
    # nothing more, and nothing less by accident.
    tenant = {t for t, cols in (await _tables(owner)).items() if "organization_id" in cols}
    assert set(REVOKED) <= tenant
    for table in tenant:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            expected = privilege not in REVOKED.get(table, ())
            got = await owner.fetchval("SELECT has_table_privilege($1, $2, $3)", role, f"public.{table}", privilege)
            assert got is expected, (table, privilege)
