"""Association profiles, join requests (a long-running workflow), workflow runs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import org_column
from migrations.rls import CURRENT_ORG, CURRENT_USER, tenant_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    basis = pg.ENUM("cash", "accrual", name="accounting_basis")
    op.create_table(
        "association_profiles",
        sa.Column("id", sa.Uuid, primary_key=True),
        org_column(),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("tax_id", sa.String(20)),
        sa.Column("fiscal_year_start_month", sa.SmallInteger, nullable=False),
        sa.Column("accounting_basis", basis, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", name="uq_association_profiles_organization_id"),
        sa.CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="month"),
    )
    tenant_table("association_profiles")

    status = pg.ENUM("pending", "approved", "declined", "expired", name="join_request_status")
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Uuid, primary_key=True),
        org_column(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("decided_by_membership_id", sa.Uuid),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("organization_id", "id"),
        sa.ForeignKeyConstraint(
            ["organization_id", "decided_by_membership_id"], ["memberships.organization_id", "memberships.id"]
        ),
    )
    op.create_index("ix_join_requests_user", "join_requests", ["user_id"])
    # The requester sees their own request in any organization; everything
    # else about it belongs to the organization.
    tenant_table("join_requests", using=f"organization_id = {CURRENT_ORG} OR user_id = {CURRENT_USER}")

    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.Uuid, primary_key=True),
        org_column(),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "workflow_id"),
    )
    tenant_table("workflow_runs")
    # What a mutation's workflow must do after its step commits (start a
    # long-running workflow, send one an event), kept with the stored response so
    # a step replayed after a crash still hands them on.
    op.add_column("idempotency_keys", sa.Column("after_actions", pg.JSONB))
