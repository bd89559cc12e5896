"""Calendar feeds and portfolio assignments.

A calendar feed is a user's secret, revocable iCalendar URL: only a SHA-256 of
its secret is stored, and revoking keeps the row. A portfolio assignment names
the user (a portfolio manager) who runs an association for its management
company, from a day until it ends; ended assignments are kept, and one user
holds at most one current assignment per association.

Revision ID: 0039
Revises: 0036
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import booked, created_at, id_column, org_column
from migrations.rls import tenant_table

revision = "0039"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        id_column(),
        org_column(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("token_hint", sa.String(8), nullable=False),
        created_at(),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.Uuid),
        sa.UniqueConstraint("organization_id", "id"),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revoked_together"),
    )
    op.create_index("ix_calendar_feeds_user", "calendar_feeds", ["organization_id", "user_id"])
    tenant_table("calendar_feeds")

    op.create_table(
        "portfolio_assignments",
        *booked(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("assigned_by", sa.Uuid, nullable=False),
        sa.Column("ended_by", sa.Uuid),
        created_at(),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("(ends_on IS NULL) = (ended_by IS NULL)", name="ended_together"),
    )
    op.create_index(
        "ux_portfolio_assignments_current",
        "portfolio_assignments",
        ["organization_id", "association_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("ends_on IS NULL"),
    )
    op.create_index("ix_portfolio_assignments_user", "portfolio_assignments", ["organization_id", "user_id"])
    tenant_table("portfolio_assignments")


def downgrade() -> None:
    op.drop_table("portfolio_assignments")
    op.drop_table("calendar_feeds")
