"""Platform foundation: users, organizations, memberships, management links,
service accounts, audit events, idempotency keys, and the RLS scaffolding.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, id_column
from migrations.rls import APP_ROLE, CURRENT_ORG, CURRENT_USER, grant, tenant_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ORG_TYPES = ("association", "management_company", "service_provider", "individual", "commercial_client")


def _org_fk(nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        "organization_id",
        sa.Uuid,
        sa.ForeignKey("organizations.id", ondelete=ondelete, name=None),
        nullable=nullable,
    )


def upgrade() -> None:
    # NULLIF: after a transaction-local set_config a pooled connection reads '' (not
    # NULL); a malformed value raises, so the policies fail closed either way.
    for name, setting in (("app_current_org", "app.org_id"), ("app_current_user", "app.user_id")):
        op.execute(
            f"""CREATE FUNCTION {name}() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT NULLIF(current_setting('{setting}', true), '')::uuid $$"""
        )
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")

    op.create_table(
        "users",
        id_column(),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        created_at(),
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)

    org_type = pg.ENUM(*ORG_TYPES, name="organization_type")
    op.create_table(
        "organizations",
        id_column(),
        sa.Column("type", org_type, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        created_at(),
    )
    op.create_table(
        "memberships",
        id_column(),
        _org_fk(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("roles", pg.ARRAY(sa.String(32)), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "user_id"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "management_links",
        id_column(),
        _org_fk(),
        sa.Column(
            "manager_organization_id",
            sa.Uuid,
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "manager_organization_id"),
        sa.CheckConstraint("organization_id <> manager_organization_id", name="not_self"),
    )
    op.create_index("ix_management_links_manager", "management_links", ["manager_organization_id"])
    op.create_table(
        "service_accounts",
        id_column(),
        _org_fk(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("roles", pg.ARRAY(sa.String(32)), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("key_hint", sa.String(16), nullable=False),
        sa.Column("created_by_membership_id", sa.Uuid, nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.ForeignKeyConstraint(
            ["organization_id", "created_by_membership_id"],
            ["memberships.organization_id", "memberships.id"],
        ),
    )
    op.create_table(
        "audit_events",
        id_column(),
        _org_fk(nullable=True, ondelete="RESTRICT"),
        sa.Column("actor_kind", sa.String(24), nullable=False),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("operation", sa.String(120), nullable=False),
        sa.Column("target_ids", pg.ARRAY(sa.String(64)), nullable=False),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("trace_id", sa.String(32)),
        sa.Column("summary", pg.JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_audit_events_org_time", "audit_events", ["organization_id", "occurred_at"])
    op.create_table(
        "idempotency_keys",
        id_column(),
        _org_fk(nullable=True),
        sa.Column("principal", sa.String(80), nullable=False),
        sa.Column("operation", sa.String(120), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("response_status", sa.SmallInteger),
        sa.Column("response_body", pg.JSONB),
        created_at(),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "uq_idempotency_keys_scope",
        "idempotency_keys",
        ["organization_id", "principal", "operation", "key"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_index("ix_idempotency_keys_created", "idempotency_keys", ["created_at"])

    # users: global rows, but a user sees only themself and the members of the
    # active organization; login looks one up by the email it was given.
    op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY")
    op.execute(
        f"""CREATE POLICY user_visibility ON users
        USING (id = {CURRENT_USER}
               OR lower(email) = NULLIF(current_setting('app.lookup_email', true), '')
               OR id IN (SELECT user_id FROM memberships WHERE organization_id = {CURRENT_ORG}))
        WITH CHECK (id = {CURRENT_USER})"""
    )
    grant("users", "SELECT, INSERT, UPDATE")

    # organizations: the tenant root. Visible when active, to its members, and
    # across a management link (the company sees the associations it manages).
    op.execute("ALTER TABLE organizations ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE organizations FORCE ROW LEVEL SECURITY")
    op.execute(
        f"""CREATE POLICY tenant_isolation ON organizations
        USING (id = {CURRENT_ORG}
               OR id IN (SELECT organization_id FROM memberships WHERE user_id = {CURRENT_USER})
               OR id IN (SELECT manager_organization_id FROM management_links WHERE organization_id = {CURRENT_ORG})
               OR id IN (SELECT organization_id FROM management_links WHERE manager_organization_id = {CURRENT_ORG}))
        WITH CHECK (id = {CURRENT_ORG})"""
    )
    grant("organizations", "SELECT, INSERT, UPDATE")

    tenant_table("memberships", using=f"organization_id = {CURRENT_ORG} OR user_id = {CURRENT_USER}")
    tenant_table(
        "management_links",
        using=f"organization_id = {CURRENT_ORG} OR manager_organization_id = {CURRENT_ORG}",
    )
    tenant_table("service_accounts")
    own_rows = f"organization_id IS NULL AND actor_id = {CURRENT_USER}"
    tenant_table(
        "audit_events",
        using=f"organization_id = {CURRENT_ORG} OR ({own_rows})",
        check=f"organization_id = {CURRENT_ORG} OR ({own_rows})",
    )
    op.execute(f"REVOKE UPDATE, DELETE ON audit_events FROM {APP_ROLE}")
    own_keys = f"organization_id IS NULL AND principal = 'user:' || {CURRENT_USER}"
    tenant_table(
        "idempotency_keys",
        using=f"organization_id = {CURRENT_ORG} OR ({own_keys})",
        check=f"organization_id = {CURRENT_ORG} OR ({own_keys})",
    )
    # Pruning crosses every tenant, which RLS rightly forbids the app role: a
    # narrow SECURITY DEFINER function (owner role has BYPASSRLS) does only that.
    op.execute(
        """CREATE FUNCTION prune_idempotency_keys(retention interval) RETURNS bigint
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH gone AS (DELETE FROM idempotency_keys
                        WHERE created_at < now() - greatest(retention, interval '24 hours')
                        RETURNING 1)
          SELECT count(*) FROM gone $$"""
    )
    # Linking a management company must check the other organization's type,
    # which RLS hides from the association: expose the type and nothing else.
    op.execute(
        """CREATE FUNCTION organization_kind(org uuid) RETURNS organization_type
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT type FROM organizations WHERE id = org $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION prune_idempotency_keys(interval) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION prune_idempotency_keys(interval) TO {APP_ROLE}")
