"""The owner portal: the resident directory's privacy settings (one row per
party, hidden unless the party opts in), and the count of units a user owns or
lives in in their other organizations — which RLS rightly hides from a session
scoped to one — exposed as counts per organization and nothing else.

Revision ID: 0040
Revises: 0041
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0040"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_settings",
        id_column(),
        org_column(),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("show_name", sa.Boolean, nullable=False),
        sa.Column("show_unit", sa.Boolean, nullable=False),
        sa.Column("show_phone", sa.Boolean, nullable=False),
        sa.Column("show_email", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "party_id"),
        in_organization("party_id", "parties"),
    )
    tenant_table("directory_settings")
    # A choice is changed, never deleted: hidden is every flag false.
    op.execute(f"REVOKE DELETE ON directory_settings FROM {APP_ROLE}")

    # The home lists the other organizations where the signed-in user owns or
    # lives in a unit today, so they can switch to one — counts only: the
    # session is scoped to the active organization and must read nothing else.
    op.execute(
        """CREATE FUNCTION my_units_elsewhere()
        RETURNS TABLE (organization_id uuid, organization_name text, owned bigint, lived_in bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH me AS (SELECT app_current_user() AS user_id),
          theirs AS (
            SELECT p.organization_id, o.unit_id, true AS owned
              FROM parties p JOIN ownerships o ON o.organization_id = p.organization_id AND o.party_id = p.id
             WHERE p.user_id = (SELECT user_id FROM me)
               AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on > current_date)
            UNION ALL
            SELECT p.organization_id, r.unit_id, false
              FROM parties p JOIN residents r ON r.organization_id = p.organization_id AND r.party_id = p.id
             WHERE p.user_id = (SELECT user_id FROM me)
               AND r.moved_in_on <= current_date AND (r.moved_out_on IS NULL OR r.moved_out_on > current_date))
          SELECT t.organization_id, org.name::text,
                 count(DISTINCT t.unit_id) FILTER (WHERE t.owned),
                 count(DISTINCT t.unit_id) FILTER (WHERE NOT t.owned)
            FROM theirs t
            JOIN memberships m ON m.organization_id = t.organization_id AND m.user_id = (SELECT user_id FROM me)
            JOIN organizations org ON org.id = t.organization_id
           WHERE t.organization_id IS DISTINCT FROM app_current_org()
           GROUP BY t.organization_id, org.name
           ORDER BY org.name, t.organization_id $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION my_units_elsewhere() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION my_units_elsewhere() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION my_units_elsewhere()")
    op.drop_table("directory_settings")
