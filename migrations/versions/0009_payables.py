"""Payables: vendors and their insurance certificates, per-association approval
settings, invoices with lines and approval decisions, vendor payments.

The database keeps AP right (see domains/payables/models.py): an invoice's
total equals its lines (checked at commit), a trigger keeps `amount_paid` and a
check keeps it within the total, lines/decisions/payments/certificates are
append-only and of an invoice only the status can change.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.Uuid, primary_key=True),
        org_column(),
        sa.Column("name", sa.String(200), nullable=False),
        # Cross-tenant on purpose, like associations.managing_organization_id:
        # the service accepts only a service-provider organization.
        sa.Column("provider_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="SET NULL")),
        sa.Column("tax_id", sa.String(11)),
        sa.Column("tax_id_kind", pg.ENUM("ein", "ssn", name="tax_id_kind")),
        sa.Column("tax_id_last4", sa.String(4), sa.Computed("right(tax_id, 4)", persisted=True)),
        sa.Column("is_1099", sa.Boolean, nullable=False),
        sa.Column("remittance_address", sa.String(400)),
        sa.Column("payment_hold", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("hold_reason", sa.String(200)),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.CheckConstraint(
            r"(tax_id_kind = 'ein' AND tax_id ~ '^\d{2}-\d{7}$') OR (tax_id_kind = 'ssn' AND tax_id ~ '^\d{3}-\d{2}-\d{4}$') "
            "OR (tax_id IS NULL AND tax_id_kind IS NULL)",
            name="tax_id_format",
        ),
        sa.CheckConstraint("NOT is_1099 OR tax_id IS NOT NULL", name="tax_id_for_1099"),
        sa.CheckConstraint("NOT payment_hold OR hold_reason IS NOT NULL", name="hold_has_reason"),
    )
    op.create_index("ix_vendors_name", "vendors", ["organization_id", "name"])
    op.execute(
        "CREATE UNIQUE INDEX uq_vendors_provider ON vendors (organization_id, provider_organization_id) "
        "WHERE provider_organization_id IS NOT NULL"
    )
    tenant_table("vendors")

    op.create_table(
        "insurance_certificates",
        sa.Column("id", sa.Uuid, primary_key=True),
        org_column(),
        sa.Column("vendor_id", sa.Uuid, nullable=False),
        sa.Column(
            "kind",
            pg.ENUM(
                "general_liability",
                "workers_compensation",
                "auto_liability",
                "umbrella",
                "professional_liability",
                name="insurance_kind",
            ),
            nullable=False,
        ),
        sa.Column("carrier", sa.String(200), nullable=False),
        sa.Column("policy_number", sa.String(60), nullable=False),
        sa.Column("coverage_amount", MONEY, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("vendor_id", "vendors"),
        sa.CheckConstraint("coverage_amount > 0", name="coverage_positive"),
        sa.CheckConstraint("expires_on >= effective_on", name="dates_ordered"),
    )
    op.create_index(
        "ix_insurance_certificates_vendor", "insurance_certificates", ["organization_id", "vendor_id", "kind", "expires_on"]
    )
    tenant_table("insurance_certificates")

    op.create_table(
        "payables_settings",
        *booked(),
        sa.Column("board_approval_threshold", MONEY, nullable=False),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id"),
        sa.CheckConstraint("board_approval_threshold >= 0", name="threshold_not_negative"),
    )
    tenant_table("payables_settings")

    status = pg.ENUM("awaiting_manager", "awaiting_board", "approved", "paid", "rejected", name="invoice_status")
    op.create_table(
        "invoices",
        *booked(),
        sa.Column("vendor_id", sa.Uuid, nullable=False),
        sa.Column("invoice_number", sa.String(40), nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("memo", sa.String(500)),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("amount_paid", MONEY, nullable=False, server_default="0"),
        sa.Column("status", status, nullable=False),
        sa.Column("board_approval_required", sa.Boolean, nullable=False),
        sa.Column("possible_duplicate_of_id", sa.Uuid),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("entered_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        in_organization("vendor_id", "vendors"),
        association_fk("journal_entry_id", "journal_entries"),
        association_fk("possible_duplicate_of_id", "invoices"),
        sa.CheckConstraint("total > 0", name="total_positive"),
        # Overpayment is impossible, however payments race: the trigger below
        # adds each payment here, and this check refuses the one too many.
        sa.CheckConstraint("amount_paid >= 0 AND amount_paid <= total", name="paid_within_total"),
        sa.CheckConstraint("due_date >= invoice_date", name="due_after_invoice"),
    )
    # A vendor's invoice number is entered once per association (a rejected
    # invoice may be entered again, corrected); a clerk typing it in another
    # case doesn't make a second invoice.
    op.execute(
        "CREATE UNIQUE INDEX uq_invoices_number ON invoices "
        "(organization_id, association_id, vendor_id, upper(invoice_number)) WHERE status <> 'rejected'"
    )
    op.create_index("ix_invoices_date", "invoices", ["organization_id", "association_id", "invoice_date"])
    op.create_index("ix_invoices_vendor_date", "invoices", ["organization_id", "association_id", "vendor_id", "invoice_date"])
    tenant_table("invoices")

    op.create_table(
        "invoice_lines",
        *booked(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.SmallInteger, nullable=False),
        sa.Column("account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("memo", sa.String(200)),
        sa.UniqueConstraint("organization_id", "invoice_id", "line_no"),
        # An invoice and its lines are written together and checked at commit.
        association_fk("invoice_id", "invoices", deferrable=True, initially="DEFERRED"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    tenant_table("invoice_lines")

    op.create_table(
        "invoice_approvals",
        *booked(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("step", pg.ENUM("manager", "board", name="approval_step"), nullable=False),
        sa.Column("decision", pg.ENUM("approved", "rejected", name="approval_decision"), nullable=False),
        sa.Column("decided_by", sa.Uuid, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.UniqueConstraint("organization_id", "invoice_id", "step"),
        association_fk("invoice_id", "invoices"),
    )
    tenant_table("invoice_approvals")

    op.create_table(
        "vendor_payments",
        *booked(),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("method", pg.ENUM("check", "ach", "wire", "card", name="vendor_payment_method"), nullable=False),
        sa.Column("reference", sa.String(60)),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("paid_by", sa.Uuid, nullable=False),
        created_at(),
        association_fk("invoice_id", "invoices"),
        association_fk("journal_entry_id", "journal_entries"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    # The register sums an invoice's payments up to a date.
    op.execute(
        "CREATE INDEX ix_vendor_payments_invoice ON vendor_payments (organization_id, invoice_id, paid_on) INCLUDE (amount)"
    )
    op.create_index("ix_vendor_payments_date", "vendor_payments", ["organization_id", "association_id", "paid_on"])
    tenant_table("vendor_payments")

    for table in ("insurance_certificates", "invoice_lines", "invoice_approvals", "vendor_payments"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON vendors, payables_settings FROM {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON invoices FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status) ON invoices TO {APP_ROLE}")

    # total = sum(lines), with at least one line: checked when the transaction
    # that writes an invoice or a line commits.
    op.execute(
        """CREATE FUNCTION invoice_matches_lines() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          invoice uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
          expected numeric;
          lines numeric;
        BEGIN
          SELECT i.total INTO expected FROM invoices i
           WHERE i.organization_id = NEW.organization_id AND i.id = invoice;
          SELECT coalesce(sum(l.amount), 0) INTO lines FROM invoice_lines l
           WHERE l.organization_id = NEW.organization_id AND l.invoice_id = invoice;
          IF expected IS DISTINCT FROM lines AND expected IS NOT NULL THEN
            RAISE EXCEPTION 'invoice % totals % but its lines sum to %', invoice, expected, lines USING ERRCODE = 'HA003';
          END IF;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER invoice_matches_lines AFTER INSERT ON invoices "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoice_matches_lines('id')"
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER invoice_line_matches_invoice AFTER INSERT ON invoice_lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoice_matches_lines('invoice_id')"
    )
    # Each payment adds to its invoice's amount_paid. The app role may change
    # only an invoice's status, so this runs as the owner, on exactly the row
    # the (RLS-checked) payment names.
    op.execute(
        """CREATE FUNCTION vendor_payment_applied() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          UPDATE invoices SET amount_paid = amount_paid + NEW.amount
           WHERE organization_id = NEW.organization_id AND id = NEW.invoice_id;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER vendor_payment_applied AFTER INSERT ON vendor_payments "
        "FOR EACH ROW EXECUTE FUNCTION vendor_payment_applied()"
    )
