"""DDL helpers every migration uses, so each tenant table gets the same protection.

The policies compare against `app_current_org()` wrapped in a scalar subquery:
Postgres then evaluates it once per statement (an InitPlan) instead of per row.
"""

from __future__ import annotations

from alembic import context, op

# The application role is configuration, handed over by env.py: migrations import
# nothing from the application.
APP_ROLE = context.config.attributes["app_role"]
CURRENT_ORG = "(SELECT app_current_org())"
CURRENT_USER = "(SELECT app_current_user())"


def tenant_table(table: str, *, using: str | None = None, check: str | None = None) -> None:
    """Enable and force RLS with a single policy on organization_id, and grant the
    application role plain DML (no TRUNCATE, no REFERENCES)."""
    using = using or f"organization_id = {CURRENT_ORG}"
    check = check or f"organization_id = {CURRENT_ORG}"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({using}) WITH CHECK ({check})")
    grant(table)


def grant(table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE") -> None:
    op.execute(f"GRANT {privileges} ON {table} TO {APP_ROLE}")
