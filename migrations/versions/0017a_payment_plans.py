"""Payment plans: an owner's agreement to pay a unit's balance in instalments,
the instalments, and the plan's status transitions (see
domains/receivables/models.py). One active plan per unit; instalments and
transitions are append-only, and of a plan only its status changes.

Revision ID: 0017a
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0017a"
down_revision = "0017"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
STATUS = pg.ENUM("active", "completed", "defaulted", "cancelled", name="payment_plan_status", create_type=False)


def upgrade() -> None:
    STATUS.create(op.get_bind())
    op.create_table(
        "payment_plans",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("grace_days", sa.SmallInteger, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("memo", sa.String(200)),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("grace_days BETWEEN 0 AND 60", name="grace_days"),
    )
    op.create_index(
        "uq_payment_plans_active_unit",
        "payment_plans",
        ["organization_id", "unit_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    tenant_table("payment_plans")
    op.execute(f"REVOKE UPDATE, DELETE ON payment_plans FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, updated_at) ON payment_plans TO {APP_ROLE}")

    op.create_table(
        "payment_plan_instalments",
        *booked(in_its_association=False),
        sa.Column("plan_id", sa.Uuid, nullable=False),
        sa.Column("seq", sa.SmallInteger, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.UniqueConstraint("organization_id", "plan_id", "seq"),
        association_fk("plan_id", "payment_plans"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    tenant_table("payment_plan_instalments")
    op.execute(f"REVOKE UPDATE, DELETE ON payment_plan_instalments FROM {APP_ROLE}")

    op.create_table(
        "payment_plan_transitions",
        *booked(in_its_association=False),
        sa.Column("plan_id", sa.Uuid, nullable=False),
        sa.Column("from_status", STATUS),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("changed_by", sa.Uuid),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        association_fk("plan_id", "payment_plans"),
    )
    op.create_index("ix_payment_plan_transitions_plan", "payment_plan_transitions", ["organization_id", "plan_id"])
    tenant_table("payment_plan_transitions")
    op.execute(f"REVOKE UPDATE, DELETE ON payment_plan_transitions FROM {APP_ROLE}")

    # The nightly review starts outside any organization: it may learn which
    # associations have active plans, and nothing else.
    op.execute(
        """CREATE FUNCTION payment_plan_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT p.organization_id, p.association_id FROM payment_plans p WHERE p.status = 'active'
           ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION payment_plan_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION payment_plan_targets() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION payment_plan_targets()")
    for table in ("payment_plan_transitions", "payment_plan_instalments", "payment_plans"):
        op.drop_table(table)
    STATUS.drop(op.get_bind())
