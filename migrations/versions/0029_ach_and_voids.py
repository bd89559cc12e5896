"""ACH: authorizations (sealed bank numbers), originated NACHA files and their
entries, imported return files; voids of owner and vendor payments (see
domains/ach/models.py, domains/receivables/models.py, domains/payables/models.py).

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def _owner_ledger(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", column], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
    )


def _same_unit(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", "unit_id", column],
        ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
    )


def upgrade() -> None:
    op.create_table(
        "ach_authorizations",
        *booked(),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("vendor_id", sa.Uuid),
        sa.Column("holder_name", sa.String(100), nullable=False),
        sa.Column("account_kind", pg.ENUM("checking", "savings", name="ach_account_kind"), nullable=False),
        sa.Column("routing_number", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("routing_last4", sa.String(4), nullable=False),
        sa.Column("account_last4", sa.String(4), nullable=False),
        sa.Column("authorized_on", sa.Date, nullable=False),
        sa.Column("terms", sa.String(1000), nullable=False),
        sa.Column("max_amount", MONEY),
        sa.Column("status", pg.ENUM("active", "revoked", name="ach_authorization_status"), nullable=False),
        sa.Column("revoked_on", sa.Date),
        sa.Column("revoke_reason", sa.String(200)),
        sa.Column("revoked_by", sa.Uuid),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        in_organization("vendor_id", "vendors"),
        sa.CheckConstraint("(unit_id IS NULL) <> (vendor_id IS NULL)", name="one_party"),
        sa.CheckConstraint("max_amount IS NULL OR max_amount > 0", name="max_amount_positive"),
        sa.CheckConstraint("(status = 'revoked') = (revoked_on IS NOT NULL)", name="revoked"),
        # Only sealed values are stored (graph/auth/sealing.py).
        sa.CheckConstraint("routing_number LIKE 'sealed:%' AND account_number LIKE 'sealed:%'", name="sealed"),
    )
    op.create_index(
        "uq_ach_authorizations_active_unit",
        "ach_authorizations",
        ["organization_id", "unit_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active' AND unit_id IS NOT NULL"),
    )
    op.create_index(
        "uq_ach_authorizations_active_vendor",
        "ach_authorizations",
        ["organization_id", "association_id", "vendor_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active' AND vendor_id IS NOT NULL"),
    )
    tenant_table("ach_authorizations")
    # The daily autopay run starts with no organization: this tells it where to look, and nothing else.
    op.execute(
        """CREATE FUNCTION ach_autopay_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT a.organization_id, a.association_id FROM ach_authorizations a
           WHERE a.status = 'active' AND a.unit_id IS NOT NULL ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION ach_autopay_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION ach_autopay_targets() TO {APP_ROLE}")
    # Revocation is the only change; nothing is deleted.
    op.execute(f"REVOKE UPDATE, DELETE ON ach_authorizations FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, revoked_on, revoke_reason, revoked_by, updated_at) ON ach_authorizations TO {APP_ROLE}")

    op.create_table(
        "ach_files",
        *booked(),
        sa.Column("kind", pg.ENUM("debit", "credit", name="ach_file_kind"), nullable=False),
        sa.Column("bank_account_id", sa.Uuid, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("file_id_modifier", sa.String(1), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("created_by", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "effective_date", "file_id_modifier"),
        association_fk("bank_account_id", "bank_accounts"),
    )
    op.create_index(
        "uq_ach_files_debit_date",
        "ach_files",
        ["organization_id", "association_id", "effective_date"],
        unique=True,
        postgresql_where=sa.text("kind = 'debit'"),
    )
    tenant_table("ach_files")
    op.execute(f"REVOKE UPDATE, DELETE ON ach_files FROM {APP_ROLE}")

    op.create_table(
        "ach_return_files",
        *booked(),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("returned_count", sa.Integer, nullable=False),
        sa.Column("skipped_count", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "digest"),
    )
    tenant_table("ach_return_files")
    op.execute(f"REVOKE UPDATE, DELETE ON ach_return_files FROM {APP_ROLE}")

    op.create_table(
        "ach_entries",
        *booked(in_its_association=False),
        sa.Column("file_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("authorization_id", sa.Uuid, nullable=False),
        sa.Column("trace_number", sa.String(15), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("payment_entry_id", sa.Uuid),
        sa.Column("vendor_payment_id", sa.Uuid),
        sa.Column("status", pg.ENUM("pending", "returned", name="ach_entry_status"), nullable=False),
        sa.Column("return_code", sa.String(3)),
        sa.Column("returned_on", sa.Date),
        sa.Column("return_file_id", sa.Uuid),
        sa.Column("return_entry_id", sa.Uuid),
        sa.UniqueConstraint("organization_id", "association_id", "trace_number"),
        sa.UniqueConstraint("organization_id", "vendor_payment_id"),
        association_fk("file_id", "ach_files"),
        association_fk("authorization_id", "ach_authorizations"),
        association_fk("unit_id", "units"),
        association_fk("return_file_id", "ach_return_files"),
        _owner_ledger("payment_entry_id"),
        _owner_ledger("return_entry_id"),
        in_organization("vendor_payment_id", "vendor_payments"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("(payment_entry_id IS NULL) <> (vendor_payment_id IS NULL)", name="one_payment"),
        sa.CheckConstraint("(status = 'returned') = (returned_on IS NOT NULL AND return_code IS NOT NULL)", name="returned"),
    )
    op.create_index("ix_ach_entries_file", "ach_entries", ["organization_id", "file_id", "line_no"])
    tenant_table("ach_entries")
    # An entry is returned once: only these columns change, and nothing is deleted.
    op.execute(f"REVOKE UPDATE, DELETE ON ach_entries FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, return_code, returned_on, return_file_id, return_entry_id) ON ach_entries TO {APP_ROLE}")

    op.create_table(
        "payment_voids",
        *booked(in_its_association=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("payment_entry_id", sa.Uuid, nullable=False),
        sa.Column("reversal_entry_id", sa.Uuid, nullable=False),
        sa.Column("voided_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("voided_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "payment_entry_id"),
        association_fk("unit_id", "units"),
        _same_unit("payment_entry_id"),
        _same_unit("reversal_entry_id"),
    )
    tenant_table("payment_voids")
    op.execute(f"REVOKE UPDATE, DELETE ON payment_voids FROM {APP_ROLE}")

    op.create_table(
        "vendor_payment_voids",
        *booked(),
        sa.Column("vendor_payment_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("voided_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("voided_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "vendor_payment_id"),
        in_organization("vendor_payment_id", "vendor_payments"),
        association_fk("journal_entry_id", "journal_entries"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    tenant_table("vendor_payment_voids")
    op.execute(f"REVOKE UPDATE, DELETE ON vendor_payment_voids FROM {APP_ROLE}")
    # A void gives its payment's amount back to the invoice (the app role may
    # change only an invoice's status; see vendor_payment_applied in 0009).
    op.execute(
        """CREATE FUNCTION vendor_payment_voided() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          UPDATE invoices i SET amount_paid = i.amount_paid - p.amount
            FROM vendor_payments p
           WHERE p.organization_id = NEW.organization_id AND p.id = NEW.vendor_payment_id
             AND i.organization_id = p.organization_id AND i.id = p.invoice_id;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER vendor_payment_voided AFTER INSERT ON vendor_payment_voids "
        "FOR EACH ROW EXECUTE FUNCTION vendor_payment_voided()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER vendor_payment_voided ON vendor_payment_voids")
    op.execute("DROP FUNCTION vendor_payment_voided()")
    op.execute("DROP FUNCTION ach_autopay_targets()")
    for table in ("vendor_payment_voids", "payment_voids", "ach_entries", "ach_return_files", "ach_files", "ach_authorizations"):
        op.drop_table(table)
    for enum in ("ach_entry_status", "ach_file_kind", "ach_authorization_status", "ach_account_kind"):
        op.execute(f"DROP TYPE {enum}")
