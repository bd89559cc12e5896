"""Technicians on a provider's jobs: each scheduled visit names the technicians
(members of the provider's organization) who go, and a technician is never
booked on two visits at once — an exclusion constraint on the technician's
time ranges, not only the service's check.

Revision ID: 0032
Revises: 0031
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Trusted since PostgreSQL 13: the database owner may install it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "job_visits",
        id_column(),
        org_column(),
        sa.Column("job_id", sa.Uuid, nullable=False),
        # A user, by id: the service admits only members of the organization.
        sa.Column("technician_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", pg.ENUM("scheduled", "canceled", name="job_visit_status"), nullable=False),
        sa.Column("note", sa.String(1000)),
        sa.Column("scheduled_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("job_id", "jobs"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        pg.ExcludeConstraint(
            ("organization_id", "="),
            ("technician_id", "="),
            (sa.text("tstzrange(starts_at, ends_at)"), "&&"),
            where=sa.text("status = 'scheduled'"),
            name="job_visits_no_double_booking",
            using="gist",
        ),
    )
    op.create_index("ix_job_visits_job", "job_visits", ["organization_id", "job_id"])
    op.create_index("ix_job_visits_technician", "job_visits", ["organization_id", "technician_id", "starts_at"])
    tenant_table("job_visits")
    # A visit is canceled, never deleted; only its status changes.
    op.execute(f"REVOKE UPDATE, DELETE ON job_visits FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, updated_at) ON job_visits TO {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("job_visits")
    op.execute("DROP TYPE job_visit_status")
