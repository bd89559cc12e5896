"""Violations: the board's review of a notice before it goes out (a rule of the
library says whether its notices need one; a violation carries where its
queued notice stands, and the queue and the board's answer are events).
ARC requests: the record of a deemed approval, one per request, letter-ready
and citing the rule and the statute version it applied — append-only.

Revision ID: 0025
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0025"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New enum values are usable once this migration's transaction commits; nothing below uses them.
    op.execute("ALTER TYPE violation_event_kind ADD VALUE IF NOT EXISTS 'notice_queued'")
    op.execute("ALTER TYPE violation_event_kind ADD VALUE IF NOT EXISTS 'notice_reviewed'")
    op.add_column("violation_rules", sa.Column("notice_review_required", sa.Boolean, nullable=False, server_default=sa.false()))
    review = pg.ENUM("pending", "approved", "rejected", name="notice_review_status")
    review.create(op.get_bind())
    op.add_column("violations", sa.Column("notice_review", pg.ENUM(name="notice_review_status", create_type=False)))
    # The queue: the association's notices waiting for the board.
    op.create_index(
        "ix_violations_notice_review",
        "violations",
        ["organization_id", "association_id"],
        postgresql_where=sa.text("notice_review = 'pending'"),
    )

    op.create_table(
        "arc_deemed_approvals",
        *booked(),
        sa.Column("arc_request_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("deemed_on", sa.Date, nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("decision_due_by", sa.Date, nullable=False),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("rules_as_of", sa.Date, nullable=False),
        sa.Column("deadline_rule", pg.JSONB, nullable=False),
        sa.Column("deemed_approval_rule", pg.JSONB, nullable=False),
        sa.Column("letter", sa.String(4000), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "arc_request_id"),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
        sa.ForeignKeyConstraint(["organization_id", "event_id"], ["arc_request_events.organization_id", "arc_request_events.id"]),
    )
    tenant_table("arc_deemed_approvals")
    op.execute(f"REVOKE UPDATE, DELETE ON arc_deemed_approvals FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("arc_deemed_approvals")
    op.drop_index("ix_violations_notice_review", "violations")
    op.drop_column("violations", "notice_review")
    op.execute("DROP TYPE notice_review_status")
    op.drop_column("violation_rules", "notice_review_required")
    # Postgres can't drop an enum value: notice_queued and notice_reviewed stay, unused.
