"""Owners' payments: a one-time payment on a unit's balance, by ACH from the
unit's saved authorization (filed the next morning in a file of one-time
debits: a new ACH file kind, one per association and morning) or by card
through a processor; its status follows its ACH entry (a trigger) or the
processor's callback. An authorization's autopay can be turned off, keeping
the account for one-time payments. Receipts are letters of a new kind.

Revision ID: 0042
Revises: 0034
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import MONEY, association_fk, booked
from migrations.rls import APP_ROLE, tenant_table

revision = "0042"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Committed first: the index below names the new value, which the transaction adding it can't use.
    with op.get_context().autocommit_block():
        op.execute("ALTER TYPE ach_file_kind ADD VALUE IF NOT EXISTS 'one_time_debit'")
    op.execute("ALTER TYPE template_kind ADD VALUE IF NOT EXISTS 'payment_receipt'")
    op.create_index(
        "uq_ach_files_one_time_debit_date",
        "ach_files",
        ["organization_id", "association_id", "effective_date"],
        unique=True,
        postgresql_where=sa.text("kind = 'one_time_debit'"),
    )

    op.add_column("ach_authorizations", sa.Column("autopay", sa.Boolean, nullable=False, server_default=sa.text("true")))
    op.execute("UPDATE ach_authorizations SET autopay = false WHERE vendor_id IS NOT NULL")
    op.execute(f"GRANT UPDATE (autopay) ON ach_authorizations TO {APP_ROLE}")
    op.execute(
        """CREATE OR REPLACE FUNCTION ach_autopay_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT a.organization_id, a.association_id FROM ach_authorizations a
           WHERE a.status = 'active' AND a.unit_id IS NOT NULL AND a.autopay ORDER BY 1, 2 $$"""
    )

    method = pg.ENUM("ach", "card", name="owner_payment_method")
    status = pg.ENUM("pending", "settled", "returned", name="owner_payment_status")
    op.create_table(
        "owner_payments",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("method", method, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("receipt_number", sa.String(20), nullable=False),
        sa.Column("receipt_seq", sa.Integer, nullable=False),
        sa.Column("authorization_id", sa.Uuid),
        sa.Column("debit_on", sa.Date),
        sa.Column("ach_entry_id", sa.Uuid),
        sa.Column("processor", sa.String(40)),
        sa.Column("processor_reference", sa.String(100)),
        sa.Column("payment_entry_id", sa.Uuid, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("paid_by", sa.Uuid, nullable=False),
        sa.Column("settled_on", sa.Date),
        sa.Column("return_reason", sa.String(200)),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "receipt_number"),
        sa.UniqueConstraint("organization_id", "payment_entry_id"),
        sa.UniqueConstraint("organization_id", "processor", "processor_reference"),
        association_fk("unit_id", "units"),
        association_fk("authorization_id", "ach_authorizations"),
        sa.ForeignKeyConstraint(
            ["organization_id", "payment_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        sa.ForeignKeyConstraint(["organization_id", "ach_entry_id"], ["ach_entries.organization_id", "ach_entries.id"]),
        sa.CheckConstraint("amount > 0", name="positive"),
        # ACH names its authorization and its morning; card its processor's charge.
        sa.CheckConstraint(
            "(method = 'ach' AND authorization_id IS NOT NULL AND debit_on IS NOT NULL AND processor IS NULL) OR "
            "(method = 'card' AND processor IS NOT NULL AND processor_reference IS NOT NULL AND authorization_id IS NULL)",
            name="method_details",
        ),
    )
    op.create_index(
        "ix_owner_payments_unfiled",
        "owner_payments",
        ["organization_id", "association_id", "debit_on"],
        postgresql_where=sa.text("method = 'ach' AND ach_entry_id IS NULL AND status = 'pending'"),
    )
    op.create_index("ix_owner_payments_unit", "owner_payments", ["organization_id", "unit_id", "paid_at"])
    tenant_table("owner_payments")
    # A payment is never deleted; only its settling changes it.
    op.execute(f"REVOKE UPDATE, DELETE ON owner_payments FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (status, settled_on, return_reason, ach_entry_id, updated_at) ON owner_payments TO {APP_ROLE}")

    # An ACH payment moves with its entry: settled when the debit settles,
    # returned when the bank returns it (even after settling).
    op.execute(
        """CREATE FUNCTION owner_payment_follows_ach_entry() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          UPDATE owner_payments p
             SET status = NEW.status::text::owner_payment_status,
                 settled_on = CASE WHEN NEW.status::text = 'settled' THEN NEW.settled_on ELSE p.settled_on END,
                 return_reason = CASE WHEN NEW.status::text = 'returned' THEN 'ACH return ' || NEW.return_code
                                      ELSE p.return_reason END,
                 updated_at = now()
           WHERE p.organization_id = NEW.organization_id AND p.ach_entry_id = NEW.id;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER owner_payment_follows_ach_entry AFTER UPDATE OF status ON ach_entries FOR EACH ROW "
        "WHEN (NEW.status IS DISTINCT FROM OLD.status AND NEW.status::text IN ('settled', 'returned')) "
        "EXECUTE FUNCTION owner_payment_follows_ach_entry()"
    )
    # The morning's run starts with no organization: this tells it where to look, and nothing else.
    op.execute(
        """CREATE FUNCTION owner_payment_debit_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT p.organization_id, p.association_id FROM owner_payments p
           WHERE p.method = 'ach' AND p.ach_entry_id IS NULL AND p.status = 'pending' ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION owner_payment_debit_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION owner_payment_debit_targets() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION owner_payment_debit_targets()")
    op.execute("DROP TRIGGER owner_payment_follows_ach_entry ON ach_entries")
    op.execute("DROP FUNCTION owner_payment_follows_ach_entry()")
    op.drop_table("owner_payments")
    op.execute("DROP TYPE owner_payment_status")
    op.execute("DROP TYPE owner_payment_method")
    op.execute(
        """CREATE OR REPLACE FUNCTION ach_autopay_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT a.organization_id, a.association_id FROM ach_authorizations a
           WHERE a.status = 'active' AND a.unit_id IS NOT NULL ORDER BY 1, 2 $$"""
    )
    op.drop_column("ach_authorizations", "autopay")
    op.drop_index("uq_ach_files_one_time_debit_date", "ach_files")
    # Enum values stay: Postgres can't drop one.
