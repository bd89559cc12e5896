"""A provider's invoices and price book: the provider invoices a finished job
(lines, a total checked against them at commit), the customer's dispatch
carries it into its payables (same id) and reports back whether it was entered
or refused; a price book of services whose prices estimate and invoice lines
may copy. A payables invoice keeps the compliance hold it was entered under,
and a dispatch names the payables invoice its job's invoice became.

Revision ID: 0034
Revises: 0039
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0034"
down_revision = "0039"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
QUANTITY = sa.Numeric(12, 3)


def upgrade() -> None:
    op.create_table(
        "price_book_items",
        id_column(),
        org_column(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "name"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )
    tenant_table("price_book_items")
    # Retired, never deleted: lines name the service they were priced from.
    op.execute(f"REVOKE DELETE ON price_book_items FROM {APP_ROLE}")

    op.add_column("job_estimate_lines", sa.Column("price_book_item_id", sa.Uuid))
    op.create_foreign_key(
        "job_estimate_lines_price_book_item_fkey",
        "job_estimate_lines",
        "price_book_items",
        ["organization_id", "price_book_item_id"],
        ["organization_id", "id"],
    )

    op.create_table(
        "job_invoices",
        id_column(),
        org_column(),
        sa.Column("job_id", sa.Uuid, nullable=False),
        sa.Column("invoice_number", sa.String(40), nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("status", pg.ENUM("submitted", "entered", "refused", name="job_invoice_status"), nullable=False),
        sa.Column("customer_code", sa.String(60)),
        sa.Column("customer_note", sa.String(500)),
        sa.Column("submitted_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "invoice_number"),
        in_organization("job_id", "jobs"),
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
        sa.CheckConstraint("due_date >= invoice_date", name="due_after_invoice"),
    )
    op.create_index("ix_job_invoices_job", "job_invoices", ["organization_id", "job_id"])
    tenant_table("job_invoices")
    op.create_table(
        "job_invoice_lines",
        id_column(),
        org_column(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.SmallInteger, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("amount", MONEY, sa.Computed("round(quantity * unit_price, 2)", persisted=True), nullable=False),
        sa.Column("price_book_item_id", sa.Uuid),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "invoice_id", "line_no"),
        sa.ForeignKeyConstraint(
            ["organization_id", "invoice_id"],
            ["job_invoices.organization_id", "job_invoices.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        in_organization("price_book_item_id", "price_book_items"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )
    tenant_table("job_invoice_lines")
    # An invoice's total is the sum of its lines, checked at commit (written in one transaction).
    op.execute(
        """
        CREATE FUNCTION job_invoices_total_check() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            expected numeric;
        BEGIN
            SELECT coalesce(sum(amount), 0) INTO expected FROM job_invoice_lines WHERE invoice_id = NEW.id;
            IF expected <> NEW.total THEN
                RAISE EXCEPTION 'invoice % totals % but its lines sum to %', NEW.id, NEW.total, expected
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER job_invoices_total AFTER INSERT ON job_invoices
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_invoices_total_check()
        """
    )
    # History: lines never change; of an invoice only what the customer reports back does.
    op.execute(f"REVOKE UPDATE, DELETE ON job_invoice_lines, job_invoices FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, customer_code, customer_note, updated_at) ON job_invoices TO {APP_ROLE}")

    # The customer's side.
    op.add_column("invoices", sa.Column("hold_code", sa.String(40)))
    op.add_column("invoices", sa.Column("hold_reason", sa.String(300)))
    op.add_column("work_order_dispatches", sa.Column("invoice_id", sa.Uuid))
    op.create_foreign_key(
        "work_order_dispatches_invoice_fkey",
        "work_order_dispatches",
        "invoices",
        ["organization_id", "association_id", "invoice_id"],
        ["organization_id", "association_id", "id"],
    )


def downgrade() -> None:
    op.drop_constraint("work_order_dispatches_invoice_fkey", "work_order_dispatches")
    op.drop_column("work_order_dispatches", "invoice_id")
    op.drop_column("invoices", "hold_reason")
    op.drop_column("invoices", "hold_code")
    op.drop_table("job_invoice_lines")
    op.drop_table("job_invoices")
    op.execute("DROP FUNCTION job_invoices_total_check()")
    op.execute("DROP TYPE job_invoice_status")
    op.drop_constraint("job_estimate_lines_price_book_item_fkey", "job_estimate_lines")
    op.drop_column("job_estimate_lines", "price_book_item_id")
    op.drop_table("price_book_items")
