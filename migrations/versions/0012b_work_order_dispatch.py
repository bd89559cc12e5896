"""Cross-organization dispatch: the association's dispatch records and the
service provider's jobs with their transitions (append-only).

Revision ID: 0012b
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0012b"
down_revision = "0012"
branch_labels = None
depends_on = None

JOB_STATUSES = ("received", "accepted", "declined", "scheduled", "in_progress", "work_done", "canceled")


def upgrade() -> None:
    op.create_table(
        "work_order_dispatches",
        *booked(),
        sa.Column("work_order_id", sa.Uuid, nullable=False),
        sa.Column("vendor_id", sa.Uuid, nullable=False),
        # Cross-tenant on purpose, like vendors.provider_organization_id: the job lives there.
        sa.Column("provider_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "status",
            pg.ENUM(
                "sent",
                "accepted",
                "declined",
                "scheduled",
                "in_progress",
                "work_done",
                "canceled",
                name="work_order_dispatch_status",
            ),
            nullable=False,
        ),
        sa.Column("scheduled_for", sa.DateTime(timezone=True)),
        sa.Column("provider_note", sa.String(1000)),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        association_fk("work_order_id", "work_orders"),
        in_organization("vendor_id", "vendors"),
    )
    op.create_index("ix_work_order_dispatches_work_order", "work_order_dispatches", ["organization_id", "work_order_id"])
    tenant_table("work_order_dispatches")

    status = pg.ENUM(*JOB_STATUSES, name="job_status")
    status.create(op.get_bind())
    status = pg.ENUM(*JOB_STATUSES, name="job_status", create_type=False)
    op.create_table(
        "jobs",
        id_column(),
        org_column(),
        # The customer, by id only: the provider reads nothing of it but this row.
        sa.Column("customer_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_workflow_id", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(4000)),
        sa.Column("site", sa.String(400), nullable=False),
        sa.Column("contact", sa.String(400), nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True)),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
    )
    op.create_index("ix_jobs_created", "jobs", ["organization_id", "created_at", "id"])
    tenant_table("jobs")

    op.create_table(
        "job_transitions",
        id_column(),
        org_column(),
        sa.Column("job_id", sa.Uuid, nullable=False),
        sa.Column("from_status", status),
        sa.Column("to_status", status, nullable=False),
        sa.Column("actor_kind", pg.ENUM("user", "service_account", "platform", name="job_actor_kind"), nullable=False),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("note", sa.String(1000)),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("job_id", "jobs"),
    )
    op.create_index("ix_job_transitions_job", "job_transitions", ["organization_id", "job_id", "created_at"])
    tenant_table("job_transitions")

    op.execute(f"REVOKE UPDATE, DELETE ON job_transitions FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON work_order_dispatches, jobs FROM {APP_ROLE}")
