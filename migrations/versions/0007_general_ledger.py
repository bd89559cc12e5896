"""General ledger: funds, chart of accounts, closed months, journal entries and
lines, budgets. The database enforces the bookkeeping rules (see
domains/accounting/models.py): balanced per fund in both views, append-only
entries, no posting into a closed month, references inside one association.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_unique_constraint(
        "uq_units_organization_id_association_id_id", "units", ["organization_id", "association_id", "id"]
    )

    op.create_table(
        "funds",
        *booked(),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", pg.ENUM("operating", "reserve", "special_assessment", name="fund_kind"), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "code"),
    )
    tenant_table("funds")

    account_type = pg.ENUM("asset", "liability", "equity", "income", "expense", name="account_type")
    control = pg.ENUM(
        "cash",
        "accounts_receivable",
        "prepaid_assessments",
        "accounts_payable",
        "fund_balance",
        "assessment_income",
        "late_fee_income",
        "nsf_fee_income",
        name="control_role",
    )
    op.create_table(
        "gl_accounts",
        *booked(),
        sa.Column("number", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("type", account_type, nullable=False),
        sa.Column("fund_id", sa.Uuid),
        sa.Column("control", control),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "number"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint(
            "(type = 'asset' AND number ~ '^1') OR (type = 'liability' AND number ~ '^2') OR "
            "(type = 'equity' AND number ~ '^3') OR (type = 'income' AND number ~ '^4') OR "
            "(type = 'expense' AND number ~ '^[5-9]')",
            name="number_range",
        ),
        sa.CheckConstraint("number ~ '^[0-9]{4,6}(-[0-9]{1,3})?$'", name="number_format"),
        sa.CheckConstraint("(type IN ('income', 'expense')) = (fund_id IS NULL)", name="fund_on_balance_sheet"),
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_gl_accounts_control ON gl_accounts (organization_id, association_id, control, fund_id) "
        "NULLS NOT DISTINCT WHERE control IS NOT NULL"
    )
    tenant_table("gl_accounts")

    op.create_table(
        "fiscal_period_closes",
        *booked(),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("closed_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "month"),
        sa.CheckConstraint("extract(day FROM month) = 1", name="first_of_month"),
    )
    tenant_table("fiscal_period_closes")

    source = pg.ENUM(
        "manual",
        "reversal",
        "opening_balance",
        "assessment",
        "late_fee",
        "payment",
        "payment_return",
        "credit",
        "invoice",
        "vendor_payment",
        name="entry_source",
    )
    op.create_table(
        "journal_entries",
        *booked(),
        sa.Column("number", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("memo", sa.String(500), nullable=False),
        sa.Column("source", source, nullable=False),
        sa.Column("source_id", sa.Uuid),
        sa.Column("reverses_entry_id", sa.Uuid),
        sa.Column("posted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("posted_by", sa.Uuid),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("reverses_entry_id", "journal_entries"),
    )
    op.create_index("ix_journal_entries_date", "journal_entries", ["organization_id", "association_id", "entry_date"])
    op.create_index("ix_journal_entries_source", "journal_entries", ["organization_id", "source_id"])
    # An entry is reversed at most once.
    op.execute(
        "CREATE UNIQUE INDEX uq_journal_entries_reverses ON journal_entries (organization_id, reverses_entry_id) "
        "WHERE reverses_entry_id IS NOT NULL"
    )

    op.create_table(
        "journal_lines",
        *booked(),
        sa.Column("entry_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.SmallInteger, nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.Column("basis", pg.ENUM("both", "accrual", "cash", name="ledger_basis"), nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("memo", sa.String(200)),
        association_fk("entry_id", "journal_entries"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        association_fk("unit_id", "units"),
        sa.CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)", name="one_side"),
    )
    op.create_index("ix_journal_lines_entry", "journal_lines", ["organization_id", "entry_id"])
    # Reports: balances per account up to a date, in one association.
    op.execute(
        "CREATE INDEX ix_journal_lines_account ON journal_lines (organization_id, association_id, account_id, entry_date) "
        "INCLUDE (fund_id, debit, credit, basis)"
    )
    op.execute(
        "CREATE INDEX ix_journal_lines_unit ON journal_lines (organization_id, association_id, unit_id, entry_date) "
        "WHERE unit_id IS NOT NULL"
    )

    op.create_table(
        "budget_amounts",
        *booked(),
        sa.Column("fiscal_year", sa.SmallInteger, nullable=False),
        sa.Column("period", sa.SmallInteger, nullable=False),
        sa.Column("account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "fiscal_year", "account_id", "fund_id", "period"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint("period BETWEEN 1 AND 12", name="period"),
    )
    tenant_table("budget_amounts")

    for table in ("journal_entries", "journal_lines"):
        tenant_table(table)
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON fiscal_period_closes FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON funds, gl_accounts FROM {APP_ROLE}")

    # Nothing posts into a closed month.
    op.execute(
        """CREATE FUNCTION journal_entry_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM fiscal_period_closes c
                      WHERE c.organization_id = NEW.organization_id AND c.association_id = NEW.association_id
                        AND c.month = date_trunc('month', NEW.entry_date)::date) THEN
            RAISE EXCEPTION 'the month of % is closed', NEW.entry_date USING ERRCODE = 'HA002';
          END IF;
          RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER journal_entry_period_open BEFORE INSERT ON journal_entries "
        "FOR EACH ROW EXECUTE FUNCTION journal_entry_period_open()"
    )
    # Balanced per fund in the accrual view (both + accrual lines) and in the
    # cash view (both + cash lines), with at least two lines, every line dated
    # like its entry. Checked at commit, once all lines of an entry are in.
    op.execute(
        """CREATE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE bad record;
        BEGIN
          SELECT f.fund_id, f.view_name INTO bad FROM (
            SELECT l.fund_id, v.view_name,
                   sum(l.debit) FILTER (WHERE l.basis IN ('both', v.basis)) AS debits,
                   sum(l.credit) FILTER (WHERE l.basis IN ('both', v.basis)) AS credits
              FROM journal_lines l
             CROSS JOIN (VALUES ('accrual'::ledger_basis, 'accrual'), ('cash'::ledger_basis, 'cash')) AS v(basis, view_name)
             WHERE l.organization_id = NEW.organization_id AND l.entry_id = NEW.entry_id
             GROUP BY l.fund_id, v.view_name) f
           WHERE coalesce(f.debits, 0) <> coalesce(f.credits, 0)
           LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'journal entry % does not balance in fund % (% view)', NEW.entry_id, bad.fund_id, bad.view_name
              USING ERRCODE = 'HA001';
          END IF;
          IF (SELECT count(*) FROM journal_lines l
               WHERE l.organization_id = NEW.organization_id AND l.entry_id = NEW.entry_id) < 2 THEN
            RAISE EXCEPTION 'journal entry % needs at least two lines', NEW.entry_id USING ERRCODE = 'HA001';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM journal_entries e
                          WHERE e.organization_id = NEW.organization_id AND e.id = NEW.entry_id
                            AND e.entry_date = NEW.entry_date) THEN
            RAISE EXCEPTION 'journal line % is not dated like its entry', NEW.id USING ERRCODE = 'HA001';
          END IF;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced()"
    )
    # An entry with no lines at all can't slip through either.
    op.execute(
        """CREATE FUNCTION journal_entry_has_lines() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM journal_lines l
                          WHERE l.organization_id = NEW.organization_id AND l.entry_id = NEW.id) THEN
            RAISE EXCEPTION 'journal entry % has no lines', NEW.id USING ERRCODE = 'HA001';
          END IF;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entry_has_lines AFTER INSERT ON journal_entries "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_has_lines()"
    )
