"""Estimates across the dispatch: a provider answers a job with an estimate
(line items, a total), revised as often as needed until the customer approves
one; the customer's side keeps its own copy of each revision (same id),
written by the dispatch workflow, and decides on it.

Each side keeps every revision: lines are append-only, and of an estimate only
its decision changes. The total is the sum of its lines, checked by the
database at commit on both sides.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import (
    association_fk,
    booked,
    estimate_columns,
    estimate_line_columns,
    estimate_total_check,
    id_column,
    in_organization,
    org_column,
)
from migrations.rls import APP_ROLE, tenant_table

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    statuses = ("submitted", "approved", "declined", "superseded")
    pg.ENUM(*statuses, name="estimate_status").create(op.get_bind())
    status = pg.ENUM(*statuses, name="estimate_status", create_type=False)

    # The provider's side.
    op.create_table(
        "job_estimates",
        id_column(),
        org_column(),
        sa.Column("job_id", sa.Uuid, nullable=False),
        *estimate_columns(status),
        sa.Column("submitted_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "job_id", "revision"),
        in_organization("job_id", "jobs"),
    )
    tenant_table("job_estimates")
    op.create_table(
        "job_estimate_lines",
        id_column(),
        org_column(),
        sa.Column("estimate_id", sa.Uuid, nullable=False),
        *estimate_line_columns(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "estimate_id", "line_no"),
        sa.ForeignKeyConstraint(
            ["organization_id", "estimate_id"],
            ["job_estimates.organization_id", "job_estimates.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
    )
    tenant_table("job_estimate_lines")
    estimate_total_check("job_estimates", "job_estimate_lines")

    # The customer's side.
    op.create_table(
        "work_order_estimates",
        *booked(),
        sa.Column("work_order_id", sa.Uuid, nullable=False),
        sa.Column("dispatch_id", sa.Uuid, nullable=False),
        sa.Column("vendor_id", sa.Uuid, nullable=False),
        *estimate_columns(status),
        sa.Column("decided_by", sa.Uuid),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "dispatch_id", "revision"),
        association_fk("work_order_id", "work_orders"),
        in_organization("dispatch_id", "work_order_dispatches"),
        in_organization("vendor_id", "vendors"),
    )
    op.create_index("ix_work_order_estimates_work_order", "work_order_estimates", ["organization_id", "work_order_id"])
    tenant_table("work_order_estimates")
    op.create_table(
        "work_order_estimate_lines",
        *booked(in_its_association=False),
        sa.Column("estimate_id", sa.Uuid, nullable=False),
        *estimate_line_columns(),
        sa.UniqueConstraint("organization_id", "estimate_id", "line_no"),
        association_fk("estimate_id", "work_order_estimates", deferrable=True, initially="DEFERRED"),
    )
    tenant_table("work_order_estimate_lines")
    estimate_total_check("work_order_estimates", "work_order_estimate_lines")

    # History: lines never change; of an estimate only its decision does.
    op.execute(f"REVOKE UPDATE, DELETE ON job_estimate_lines, work_order_estimate_lines FROM {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON job_estimates, work_order_estimates FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, decided_at, decision_note) ON job_estimates TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, decided_at, decision_note, decided_by) ON work_order_estimates TO {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("work_order_estimate_lines")
    op.drop_table("work_order_estimates")
    op.drop_table("job_estimate_lines")
    op.drop_table("job_estimates")
    op.execute("DROP FUNCTION work_order_estimates_total_check()")
    op.execute("DROP FUNCTION job_estimates_total_check()")
    op.execute("DROP TYPE estimate_status")
