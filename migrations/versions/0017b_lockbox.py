"""Lockbox files: a bank's payment file for an association, imported once (by
digest), and its lines — payments posted to units' ledgers or exceptions queued
for a person (see domains/receivables/models.py).

Revision ID: 0017b
Revises: 0017a
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0017b"
down_revision = "0017a"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "lockbox_files",
        *booked(),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("posted_count", sa.Integer, nullable=False),
        sa.Column("exception_count", sa.Integer, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("imported_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "digest"),
    )
    tenant_table("lockbox_files")
    op.execute(f"REVOKE UPDATE, DELETE ON lockbox_files FROM {APP_ROLE}")

    op.create_table(
        "lockbox_items",
        *booked(in_its_association=False),
        sa.Column("file_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("account", sa.String(40)),
        sa.Column("amount", MONEY),
        sa.Column("check_number", sa.String(20)),
        sa.Column("paid_on", sa.Date),
        sa.Column("status", pg.ENUM("posted", "exception", "resolved", name="lockbox_item_status"), nullable=False),
        sa.Column("problem", sa.String(200)),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("payment_entry_id", sa.Uuid),
        sa.Column("resolved_by", sa.Uuid),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("organization_id", "file_id", "line_no"),
        association_fk("file_id", "lockbox_files"),
        association_fk("unit_id", "units"),
        sa.ForeignKeyConstraint(
            ["organization_id", "payment_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        sa.CheckConstraint("(status = 'exception') = (payment_entry_id IS NULL)", name="posted_has_payment"),
        sa.CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved"),
    )
    op.create_index("ix_lockbox_items_status", "lockbox_items", ["organization_id", "association_id", "status"])
    tenant_table("lockbox_items")
    # An exception is resolved once: only these columns change, and nothing is deleted.
    op.execute(f"REVOKE UPDATE, DELETE ON lockbox_items FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, unit_id, payment_entry_id, resolved_by, resolved_at) ON lockbox_items TO {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("lockbox_items")
    op.drop_table("lockbox_files")
    op.execute("DROP TYPE lockbox_item_status")
