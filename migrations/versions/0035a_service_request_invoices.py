"""Service requests, part two: the provider's invoice as the requester received
it (same id as the provider's), its lines, and the payments the requester
records against it (recorded, not processed). Lines and payments are
append-only; of an invoice only what is paid of it changes.

Revision ID: 0035a
Revises: 0037
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, estimate_line_columns, estimate_total_check, id_column, in_organization, org_column
from migrations.rls import APP_ROLE, tenant_table

revision = "0035a"
down_revision = "0037"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def _of_request() -> list[sa.Column]:
    return [
        sa.Column("service_request_id", sa.Uuid, nullable=False),
        sa.Column("requester_user_id", sa.Uuid),
    ]


def upgrade() -> None:
    op.create_table(
        "service_request_invoices",
        id_column(),
        org_column(),
        *_of_request(),
        sa.Column("dispatch_id", sa.Uuid, nullable=False),
        sa.Column("invoice_number", sa.String(40), nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("amount_paid", MONEY, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("service_request_id", "service_requests"),
        in_organization("dispatch_id", "service_request_dispatches"),
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
        sa.CheckConstraint("amount_paid >= 0 AND amount_paid <= total", name="paid_at_most_the_total"),
    )
    op.create_index("ix_service_request_invoices_request", "service_request_invoices", ["organization_id", "service_request_id"])
    tenant_table("service_request_invoices")
    op.create_table(
        "service_request_invoice_lines",
        id_column(),
        org_column(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        *estimate_line_columns(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "invoice_id", "line_no"),
        sa.ForeignKeyConstraint(
            ["organization_id", "invoice_id"],
            ["service_request_invoices.organization_id", "service_request_invoices.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
    )
    tenant_table("service_request_invoice_lines")
    # An invoice's total is the sum of its lines, checked at commit.
    estimate_total_check("service_request_invoices", "service_request_invoice_lines", "invoice_id")

    op.create_table(
        "service_request_payments",
        id_column(),
        org_column(),
        *_of_request(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column(
            "method",
            pg.ENUM("check", "card", "bank_transfer", "cash", "other", name="service_payment_method"),
            nullable=False,
        ),
        sa.Column("reference", sa.String(100)),
        sa.Column("recorded_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("service_request_id", "service_requests"),
        in_organization("invoice_id", "service_request_invoices"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    op.create_index("ix_service_request_payments_invoice", "service_request_payments", ["organization_id", "invoice_id"])
    tenant_table("service_request_payments")

    op.execute(
        f"REVOKE UPDATE, DELETE ON service_request_invoices, service_request_invoice_lines, "
        f"service_request_payments FROM {APP_ROLE}"
    )
    op.execute(f"GRANT UPDATE (amount_paid, paid_at) ON service_request_invoices TO {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("service_request_payments")
    op.drop_table("service_request_invoice_lines")
    op.drop_table("service_request_invoices")
    op.execute("DROP FUNCTION service_request_invoices_total_check()")
    op.execute("DROP TYPE service_payment_method")
