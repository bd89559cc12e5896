"""Opening balances (an association's move-in, once) and banking: bank accounts
tied to a cash account and fund, imported statements and their transactions
(unique per account by the bank's id), matches clearing journal lines, and
monthly reconciliations (see domains/banking/models.py).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def _entry_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", "association_id", column],
        ["journal_entries.organization_id", "journal_entries.association_id", "journal_entries.id"],
        deferrable=True,
        initially="DEFERRED",
    )


def upgrade() -> None:
    # A value added to an enum can't be used in the transaction that adds it:
    # nothing here uses it.
    op.execute("ALTER TYPE entry_source ADD VALUE IF NOT EXISTS 'bank'")

    op.create_table(
        "opening_balances",
        *booked(),
        sa.Column("cut_over_date", sa.Date, nullable=False),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("account_lines", sa.Integer, nullable=False),
        sa.Column("unit_items", sa.Integer, nullable=False),
        sa.Column("total_debit", MONEY, nullable=False),
        sa.Column("receivable", MONEY, nullable=False),
        sa.Column("prepaid", MONEY, nullable=False),
        sa.Column("posted_by", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id"),
        _entry_fk("journal_entry_id"),
    )
    tenant_table("opening_balances")
    op.execute(f"REVOKE UPDATE, DELETE ON opening_balances FROM {APP_ROLE}")

    op.create_table(
        "bank_accounts",
        *booked(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("institution", sa.String(100), nullable=False),
        sa.Column("kind", pg.ENUM("checking", "savings", "money_market", name="bank_account_kind"), nullable=False),
        sa.Column("routing_number", sa.String(9)),
        sa.Column("account_number_last4", sa.String(4), nullable=False),
        sa.Column("gl_account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "gl_account_id"),
        association_fk("gl_account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint(r"account_number_last4 ~ '^[0-9]{4}$'", name="last4"),
        sa.CheckConstraint(r"routing_number IS NULL OR routing_number ~ '^[0-9]{9}$'", name="routing"),
    )
    tenant_table("bank_accounts")
    op.execute(f"REVOKE DELETE ON bank_accounts FROM {APP_ROLE}")

    op.create_table(
        "bank_statements",
        *booked(),
        sa.Column("bank_account_id", sa.Uuid, nullable=False),
        sa.Column("format", pg.ENUM("ofx", "csv", name="statement_format"), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("ending_balance", MONEY),
        sa.Column("transaction_count", sa.Integer, nullable=False),
        sa.Column("added_count", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "bank_account_id", "digest"),
        association_fk("bank_account_id", "bank_accounts"),
    )
    tenant_table("bank_statements")
    op.execute(f"REVOKE UPDATE, DELETE ON bank_statements FROM {APP_ROLE}")

    op.create_table(
        "bank_transactions",
        *booked(),
        sa.Column("bank_account_id", sa.Uuid, nullable=False),
        sa.Column("statement_id", sa.Uuid, nullable=False),
        sa.Column("bank_transaction_id", sa.String(100), nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("kind", sa.String(20)),
        sa.Column("check_number", sa.String(20)),
        sa.Column("reference", sa.String(60)),
        sa.Column("description", sa.String(255)),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "bank_account_id", "bank_transaction_id"),
        association_fk("bank_account_id", "bank_accounts"),
        association_fk("statement_id", "bank_statements"),
        sa.CheckConstraint("amount <> 0", name="amount_nonzero"),
    )
    op.create_index("ix_bank_transactions_posted", "bank_transactions", ["organization_id", "bank_account_id", "posted_on"])
    tenant_table("bank_transactions")
    op.execute(f"REVOKE UPDATE, DELETE ON bank_transactions FROM {APP_ROLE}")

    op.create_table(
        "bank_matches",
        *booked(),
        sa.Column("bank_transaction_id", sa.Uuid, nullable=False),
        sa.Column("journal_line_id", sa.Uuid, nullable=False),
        sa.Column("method", pg.ENUM("automatic", "manual", "created", name="bank_match_method"), nullable=False),
        sa.Column("matched_by", sa.Uuid),
        created_at(),
        sa.Column("unmatched_at", sa.DateTime(timezone=True)),
        sa.Column("unmatched_by", sa.Uuid),
        association_fk("bank_transaction_id", "bank_transactions"),
        sa.ForeignKeyConstraint(["organization_id", "journal_line_id"], ["journal_lines.organization_id", "journal_lines.id"]),
        sa.CheckConstraint("(unmatched_at IS NULL) = (unmatched_by IS NULL)", name="unmatched"),
    )
    op.create_index(
        "uq_bank_matches_line",
        "bank_matches",
        ["organization_id", "journal_line_id"],
        unique=True,
        postgresql_where=sa.text("unmatched_at IS NULL"),
    )
    op.create_index("ix_bank_matches_transaction", "bank_matches", ["organization_id", "bank_transaction_id"])
    tenant_table("bank_matches")
    # A match is undone once, by stamping it; nothing else about it changes.
    op.execute(f"REVOKE UPDATE, DELETE ON bank_matches FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (unmatched_at, unmatched_by) ON bank_matches TO {APP_ROLE}")

    op.create_table(
        "bank_reconciliations",
        *booked(in_its_association=False),
        sa.Column("bank_account_id", sa.Uuid, nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("statement_ending_balance", MONEY, nullable=False),
        sa.Column("status", pg.ENUM("in_progress", "finished", name="reconciliation_status"), nullable=False),
        sa.Column("book_balance", MONEY),
        sa.Column("outstanding", MONEY),
        sa.Column("created_by", sa.Uuid, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("finished_by", sa.Uuid),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "bank_account_id", "month"),
        association_fk("bank_account_id", "bank_accounts"),
        sa.CheckConstraint("extract(day FROM month) = 1", name="month_first_day"),
        sa.CheckConstraint(
            "(status = 'finished') = (finished_at IS NOT NULL AND finished_by IS NOT NULL "
            "AND book_balance IS NOT NULL AND outstanding IS NOT NULL)",
            name="finished",
        ),
        # Finished means tied: the statement plus what is outstanding is the books.
        sa.CheckConstraint("status <> 'finished' OR statement_ending_balance + outstanding = book_balance", name="ties"),
    )
    tenant_table("bank_reconciliations")
    op.execute(f"REVOKE DELETE ON bank_reconciliations FROM {APP_ROLE}")
    # A finished reconciliation is locked: no change at all once finished.
    op.execute(
        """CREATE FUNCTION bank_reconciliation_locked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.status = 'finished' THEN
            RAISE EXCEPTION 'bank reconciliation % is finished and locked', OLD.id USING ERRCODE = 'HA017';
          END IF;
          RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER bank_reconciliation_locked BEFORE UPDATE ON bank_reconciliations "
        "FOR EACH ROW EXECUTE FUNCTION bank_reconciliation_locked()"
    )


def downgrade() -> None:
    for table in (
        "bank_reconciliations",
        "bank_matches",
        "bank_transactions",
        "bank_statements",
        "bank_accounts",
        "opening_balances",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION bank_reconciliation_locked()")
    for enum in ("reconciliation_status", "bank_match_method", "statement_format", "bank_account_kind"):
        op.execute(f"DROP TYPE {enum}")
