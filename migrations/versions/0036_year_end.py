"""The year's loose ends in the general ledger: recurring journal entries (a
template, its lines and one row per occurrence: posted, skipped or refused),
reserve transfers through each fund's interfund account, and the year-end close
(one row per close, the closing entry it posted and, if it was undone, the
reversal).

The year-end close is the one posting admitted into a closed month: it is dated
the fiscal year's last day, once the year's months are closed, and so is its
reversal; the period trigger lets the `year_end_close` source through.

Revision ID: 0036
Revises: 0035a
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0036"
down_revision = "0035a"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    for value in ("recurring", "reserve_transfer", "year_end_close"):
        op.execute(f"ALTER TYPE entry_source ADD VALUE IF NOT EXISTS '{value}'")
    op.execute("ALTER TYPE control_role ADD VALUE IF NOT EXISTS 'interfund'")

    op.execute(
        """CREATE OR REPLACE FUNCTION journal_entry_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.source::text <> 'year_end_close' AND EXISTS (
                     SELECT 1 FROM fiscal_period_closes c
                      WHERE c.organization_id = NEW.organization_id AND c.association_id = NEW.association_id
                        AND c.month = date_trunc('month', NEW.entry_date)::date) THEN
            RAISE EXCEPTION 'the month of % is closed', NEW.entry_date USING ERRCODE = 'HA002';
          END IF;
          RETURN NEW;
        END $$"""
    )

    op.create_table(
        "fiscal_year_closes",
        *booked(),
        sa.Column("fiscal_year", sa.SmallInteger, nullable=False),
        sa.Column("entry_id", sa.Uuid),
        sa.Column("closed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("closed_by", sa.Uuid),
        sa.Column("reversal_entry_id", sa.Uuid),
        sa.Column("reversed_at", sa.DateTime(timezone=True)),
        sa.Column("reversed_by", sa.Uuid),
        sa.Column("reversal_reason", sa.String(500)),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("entry_id", "journal_entries"),
        association_fk("reversal_entry_id", "journal_entries"),
        sa.CheckConstraint("(reversed_at IS NULL) = (reversal_reason IS NULL)", name="reversal_with_reason"),
    )
    # One standing close per fiscal year; a reversed one stays as history.
    op.execute(
        "CREATE UNIQUE INDEX uq_fiscal_year_closes_standing ON fiscal_year_closes "
        "(organization_id, association_id, fiscal_year) WHERE reversed_at IS NULL"
    )
    tenant_table("fiscal_year_closes")
    op.execute(f"REVOKE DELETE ON fiscal_year_closes FROM {APP_ROLE}")

    status = pg.ENUM("active", "paused", name="recurring_entry_status")
    op.create_table(
        "recurring_entries",
        *booked(),
        sa.Column("memo", sa.String(500), nullable=False),
        sa.Column("day_of_month", sa.SmallInteger, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("auto_reverse", sa.Boolean, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("created_by", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.CheckConstraint("day_of_month BETWEEN 1 AND 28", name="day_of_month_range"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )
    op.create_index("ix_recurring_entries_association", "recurring_entries", ["organization_id", "association_id", "created_at"])
    tenant_table("recurring_entries")
    op.execute(f"REVOKE DELETE ON recurring_entries FROM {APP_ROLE}")

    op.create_table(
        "recurring_entry_lines",
        *booked(in_its_association=False),
        sa.Column("recurring_entry_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.SmallInteger, nullable=False),
        sa.Column("account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.Column("memo", sa.String(200)),
        sa.UniqueConstraint("organization_id", "recurring_entry_id", "line_no"),
        association_fk("recurring_entry_id", "recurring_entries"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)", name="one_side"),
    )
    tenant_table("recurring_entry_lines")
    op.execute(f"REVOKE UPDATE, DELETE ON recurring_entry_lines FROM {APP_ROLE}")

    outcome = pg.ENUM("posted", "skipped", "refused", name="recurring_occurrence_status")
    op.create_table(
        "recurring_entry_occurrences",
        *booked(in_its_association=False),
        sa.Column("recurring_entry_id", sa.Uuid, nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("status", outcome, nullable=False),
        sa.Column("entry_id", sa.Uuid),
        sa.Column("reversal_entry_id", sa.Uuid),
        sa.Column("refusal_code", sa.String(60)),
        sa.Column("reason", sa.String(500)),
        sa.Column("decided_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("decided_by", sa.Uuid),
        # Exactly once per template and month, whatever retries or concurrent runs do.
        sa.UniqueConstraint("organization_id", "recurring_entry_id", "period"),
        association_fk("recurring_entry_id", "recurring_entries"),
        association_fk("entry_id", "journal_entries"),
        association_fk("reversal_entry_id", "journal_entries"),
        sa.CheckConstraint("extract(day FROM period) = 1", name="period_is_a_month"),
        sa.CheckConstraint("(status = 'posted') = (entry_id IS NOT NULL)", name="posted_has_entry"),
        sa.CheckConstraint("(status = 'refused') = (refusal_code IS NOT NULL)", name="refused_has_code"),
    )
    tenant_table("recurring_entry_occurrences")
    op.execute(f"REVOKE UPDATE, DELETE ON recurring_entry_occurrences FROM {APP_ROLE}")

    # The daily run starts with no organization: it learns which associations
    # have an active template, and nothing else.
    op.execute(
        """CREATE FUNCTION recurring_entry_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT r.organization_id, r.association_id FROM recurring_entries r WHERE r.status = 'active'
           ORDER BY r.organization_id, r.association_id $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION recurring_entry_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION recurring_entry_targets() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION recurring_entry_targets()")
    for table in ("recurring_entry_occurrences", "recurring_entry_lines", "recurring_entries", "fiscal_year_closes"):
        op.drop_table(table)
    for enum in ("recurring_occurrence_status", "recurring_entry_status"):
        op.execute(f"DROP TYPE {enum}")
    op.execute(
        """CREATE OR REPLACE FUNCTION journal_entry_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM fiscal_period_closes c
                      WHERE c.organization_id = NEW.organization_id AND c.association_id = NEW.association_id
                        AND c.month = date_trunc('month', NEW.entry_date)::date) THEN
            RAISE EXCEPTION 'the month of % is closed', NEW.entry_date USING ERRCODE = 'HA002';
          END IF;
          RETURN NEW;
        END $$"""
    )
