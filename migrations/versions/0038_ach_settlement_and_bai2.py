"""ACH settlement and BAI2 statements: an autopay debit, pending when sent,
becomes settled when the bank statement shows its batch's deposit cleared (a
match of its payment's cash line) or once its bank account's return window
has passed after the effective date; a statement may come as a BAI2 file.

Revision ID: 0038
Revises: 0033
"""

import sqlalchemy as sa
from alembic import op

from migrations.rls import APP_ROLE

revision = "0038"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TYPE ach_entry_status ADD VALUE IF NOT EXISTS 'settled'")
    op.execute("ALTER TYPE statement_format ADD VALUE IF NOT EXISTS 'bai2'")
    op.add_column(
        "bank_accounts",
        sa.Column("ach_return_window_days", sa.SmallInteger, nullable=False, server_default=sa.text("2")),
    )
    op.create_check_constraint("ck_bank_accounts_ach_return_window", "bank_accounts", "ach_return_window_days BETWEEN 1 AND 90")
    op.add_column("ach_entries", sa.Column("settled_on", sa.Date))
    op.add_column("ach_entries", sa.Column("settled_transaction_id", sa.Uuid))
    op.create_foreign_key(
        "fk_ach_entries_settled_transaction",
        "ach_entries",
        "bank_transactions",
        ["organization_id", "association_id", "settled_transaction_id"],
        ["organization_id", "association_id", "id"],
    )
    op.execute(f"GRANT UPDATE (settled_on, settled_transaction_id) ON ach_entries TO {APP_ROLE}")
    # The settlement run starts with no organization: this tells it where to look, and nothing else.
    op.execute(
        """CREATE FUNCTION ach_settlement_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT e.organization_id, e.association_id FROM ach_entries e
           WHERE e.status = 'pending' AND e.payment_entry_id IS NOT NULL ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION ach_settlement_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION ach_settlement_targets() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION ach_settlement_targets()")
    op.drop_constraint("fk_ach_entries_settled_transaction", "ach_entries")
    op.drop_column("ach_entries", "settled_transaction_id")
    op.drop_column("ach_entries", "settled_on")
    op.drop_constraint("ck_bank_accounts_ach_return_window", "bank_accounts")
    op.drop_column("bank_accounts", "ach_return_window_days")
    # Enum values stay (Postgres can't drop one); nothing uses them after the downgrade.
