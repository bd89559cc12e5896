"""The board's monthly package: each association's setting (generate it when a
month closes), the packages (one per association, month and version, with the
PDF and ZIP filed in the library) and their status changes.

Packages are never deleted; their transitions are append-only for the
application role.

Revision ID: 0041
Revises: 0035
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, in_organization
from migrations.rls import APP_ROLE, tenant_table

revision = "0041"
down_revision = "0035"
branch_labels = None
depends_on = None

STATUS = pg.ENUM("generating", "ready", "failed", name="board_package_status", create_type=False)
TRIGGER = pg.ENUM("request", "month_close", name="board_package_trigger", create_type=False)


def upgrade() -> None:
    STATUS.create(op.get_bind())
    TRIGGER.create(op.get_bind())
    op.create_table(
        "board_package_settings",
        *booked(),
        sa.Column("generate_on_close", sa.Boolean, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "association_id"),
    )
    tenant_table("board_package_settings")
    op.execute(f"REVOKE DELETE ON board_package_settings FROM {APP_ROLE}")

    op.create_table(
        "board_packages",
        *booked(),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("trigger", TRIGGER, nullable=False),
        sa.Column("requested_by", sa.Uuid, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("pdf_document_id", sa.Uuid),
        sa.Column("zip_document_id", sa.Uuid),
        sa.Column("contents", pg.JSONB),
        sa.Column("error", sa.String(2000)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        # One package per association, month and version: a second ask finds the first.
        sa.UniqueConstraint("organization_id", "association_id", "month", "version"),
        in_organization("pdf_document_id", "documents"),
        in_organization("zip_document_id", "documents"),
        sa.CheckConstraint("month = date_trunc('month', month)::date", name="month_first_day"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "(status = 'ready') = (pdf_document_id IS NOT NULL AND zip_document_id IS NOT NULL AND contents IS NOT NULL)",
            name="ready_has_files",
        ),
    )
    tenant_table("board_packages")
    op.execute(f"REVOKE DELETE ON board_packages FROM {APP_ROLE}")

    op.create_table(
        "board_package_transitions",
        *booked(),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("package_id", sa.Uuid, nullable=False),
        sa.Column("from_status", STATUS),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("note", sa.String(2000)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        association_fk("package_id", "board_packages"),
    )
    op.create_index("ix_board_package_transitions_package", "board_package_transitions", ["organization_id", "package_id", "seq"])
    tenant_table("board_package_transitions")
    op.execute(f"REVOKE UPDATE, DELETE ON board_package_transitions FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("board_package_transitions")
    op.drop_table("board_packages")
    op.drop_table("board_package_settings")
    TRIGGER.drop(op.get_bind())
    STATUS.drop(op.get_bind())
