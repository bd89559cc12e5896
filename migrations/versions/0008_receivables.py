"""Receivables: assessment schedules, levies, late-fee rules, the owner ledger
and its allocations. The database keeps the owner ledger equal to the general
ledger's receivable and prepaid accounts, entry by entry (see
domains/receivables/models.py).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
DEBIT_KINDS = "('charge', 'late_fee', 'nsf_fee', 'adjustment')"


def _same_unit(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", "unit_id", column],
        ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
    )


def upgrade() -> None:
    op.create_table(
        "assessment_schedules",
        *booked(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", pg.ENUM("regular", "special", name="assessment_kind"), nullable=False),
        sa.Column("frequency", pg.ENUM("monthly", "quarterly", "annual", "once", name="assessment_frequency"), nullable=False),
        sa.Column("method", pg.ENUM("share", "fixed", name="assessment_method"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("income_account_id", sa.Uuid, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("due_day", sa.SmallInteger, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("income_account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("extract(day FROM starts_on) = 1", name="starts_first_of_month"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("due_day BETWEEN 1 AND 28", name="due_day"),
    )
    tenant_table("assessment_schedules")

    op.create_table(
        "levies",
        *booked(in_its_association=False),
        sa.Column("schedule_id", sa.Uuid, nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("unit_count", sa.Integer, nullable=False),
        sa.Column("remainder_cents", sa.Integer, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "schedule_id", "period"),
        association_fk("schedule_id", "assessment_schedules"),
        sa.CheckConstraint("extract(day FROM period) = 1", name="period_first_of_month"),
        sa.CheckConstraint("total > 0 AND unit_count > 0 AND remainder_cents >= 0", name="totals"),
    )
    op.create_index("ix_levies_association", "levies", ["organization_id", "association_id", "period"])
    tenant_table("levies")

    op.create_table(
        "late_fee_rules",
        *booked(),
        sa.Column("grace_days", sa.SmallInteger, nullable=False),
        sa.Column("method", pg.ENUM("flat", "percent", name="late_fee_method"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("cap", MONEY),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id"),
        sa.CheckConstraint("grace_days BETWEEN 0 AND 365", name="grace_days"),
        sa.CheckConstraint("amount > 0 AND (method = 'flat' OR amount <= 100)", name="amount"),
        sa.CheckConstraint("cap IS NULL OR cap > 0", name="cap_positive"),
    )
    tenant_table("late_fee_rules")

    kinds = pg.ENUM(
        "charge", "late_fee", "nsf_fee", "adjustment", "payment", "credit", "payment_return", name="owner_ledger_kind"
    )
    op.create_table(
        "owner_ledger_entries",
        *booked(in_its_association=False),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("kind", kinds, nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("fund_id", sa.Uuid, nullable=False),
        sa.Column("account_id", sa.Uuid),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("levy_id", sa.Uuid),
        sa.Column("related_entry_id", sa.Uuid),
        sa.Column("method", pg.ENUM("check", "ach", "card", "cash", "other", name="payment_method")),
        sa.Column("reference", sa.String(60)),
        sa.Column("memo", sa.String(200), nullable=False),
        sa.Column("posted_by", sa.Uuid),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "unit_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("fund_id", "funds"),
        association_fk("account_id", "gl_accounts"),
        association_fk("levy_id", "levies"),
        association_fk("journal_entry_id", "journal_entries", deferrable=True, initially="DEFERRED"),
        _same_unit("related_entry_id"),
        sa.CheckConstraint(
            f"(kind IN {DEBIT_KINDS} AND amount > 0) OR (kind IN ('payment', 'credit') AND amount < 0) "
            "OR (kind = 'payment_return' AND amount > 0)",
            name="amount_sign",
        ),
        sa.CheckConstraint(f"(kind IN {DEBIT_KINDS}) = (due_date IS NOT NULL)", name="due_date_on_charges"),
        sa.CheckConstraint("(kind IN ('payment', 'payment_return')) = (account_id IS NULL)", name="account"),
        sa.CheckConstraint("(kind = 'payment') = (method IS NOT NULL)", name="payment_method"),
        sa.CheckConstraint(
            "(kind IN ('late_fee', 'nsf_fee', 'payment_return')) = (related_entry_id IS NOT NULL)", name="related"
        ),
        sa.CheckConstraint("levy_id IS NULL OR kind = 'charge'", name="levy_charges"),
    )
    # Statements and per-unit balances: a unit's rows in posting order.
    op.execute(
        "CREATE INDEX ix_owner_ledger_entries_unit ON owner_ledger_entries "
        "(organization_id, association_id, unit_id, entry_date, seq) INCLUDE (amount, kind)"
    )
    # Aging and late fees: an association's charges by due date.
    op.execute(
        "CREATE INDEX ix_owner_ledger_entries_due ON owner_ledger_entries (organization_id, association_id, due_date) "
        f"INCLUDE (unit_id, amount, entry_date, kind) WHERE kind IN {DEBIT_KINDS}"
    )
    op.create_index("ix_owner_ledger_entries_journal", "owner_ledger_entries", ["organization_id", "journal_entry_id"])
    # Exactly once: a unit's charge per levy; a late fee per charge; one return and one fee per payment.
    op.execute(
        "CREATE UNIQUE INDEX uq_owner_ledger_entries_levy ON owner_ledger_entries (organization_id, levy_id, unit_id) "
        "WHERE levy_id IS NOT NULL"
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_owner_ledger_entries_related ON owner_ledger_entries (organization_id, related_entry_id, kind) "
        "WHERE related_entry_id IS NOT NULL"
    )
    tenant_table("owner_ledger_entries")

    op.create_table(
        "owner_ledger_allocations",
        *booked(in_its_association=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("credit_entry_id", sa.Uuid, nullable=False),
        sa.Column("charge_entry_id", sa.Uuid, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("journal_entry_id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        association_fk("unit_id", "units"),
        _same_unit("credit_entry_id"),
        _same_unit("charge_entry_id"),
        association_fk("journal_entry_id", "journal_entries", deferrable=True, initially="DEFERRED"),
        sa.CheckConstraint("amount <> 0", name="amount_nonzero"),
    )
    op.execute(
        "CREATE INDEX ix_owner_ledger_allocations_charge ON owner_ledger_allocations (organization_id, charge_entry_id) "
        "INCLUDE (amount, applied_on)"
    )
    op.execute(
        "CREATE INDEX ix_owner_ledger_allocations_credit ON owner_ledger_allocations (organization_id, credit_entry_id) "
        "INCLUDE (amount, applied_on, charge_entry_id)"
    )
    op.create_index("ix_owner_ledger_allocations_journal", "owner_ledger_allocations", ["organization_id", "journal_entry_id"])
    # Aging: an association's applications up to a date.
    op.execute(
        "CREATE INDEX ix_owner_ledger_allocations_applied ON owner_ledger_allocations "
        "(organization_id, association_id, applied_on) INCLUDE (unit_id, charge_entry_id, amount)"
    )
    tenant_table("owner_ledger_allocations")

    for table in ("levies", "owner_ledger_entries", "owner_ledger_allocations"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON assessment_schedules, late_fee_rules FROM {APP_ROLE}")

    # A subledger row is booked by an entry of its own transaction (now() is the
    # transaction's start), so the per-entry check below has seen it.
    op.execute(
        """CREATE FUNCTION owner_ledger_booked_together() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM journal_entries e
                          WHERE e.organization_id = NEW.organization_id AND e.id = NEW.journal_entry_id
                            AND e.posted_at = now()) THEN
            RAISE EXCEPTION 'owner ledger row % must be booked by a journal entry of its own transaction', NEW.id
              USING ERRCODE = 'HA003';
          END IF;
          RETURN NULL;
        END $$"""
    )
    for table in ("owner_ledger_entries", "owner_ledger_allocations"):
        op.execute(
            f"CREATE CONSTRAINT TRIGGER owner_ledger_booked_together AFTER INSERT ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION owner_ledger_booked_together()"
        )
    # At commit, per journal entry: its receivable lines (accrual view) and prepaid
    # lines equal, per unit and fund, the charges, lots and allocations it booked.
    # A line on those accounts without a unit, or without a subledger row, fails.
    op.execute(
        f"""CREATE FUNCTION owner_ledger_agrees() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE bad record;
        BEGIN
          SELECT d.unit_id, d.fund_id, d.control, d.difference INTO bad FROM (
            SELECT x.unit_id, x.fund_id, x.control, sum(x.amount) AS difference FROM (
              SELECT l.unit_id, l.fund_id, a.control,
                     CASE a.control WHEN 'accounts_receivable' THEN l.debit - l.credit ELSE l.credit - l.debit END AS amount
                FROM journal_lines l
                JOIN gl_accounts a ON a.organization_id = l.organization_id AND a.id = l.account_id
               WHERE l.organization_id = NEW.organization_id AND l.entry_id = NEW.id
                 AND a.control IN ('accounts_receivable', 'prepaid_assessments') AND l.basis IN ('both', 'accrual')
              UNION ALL
              SELECT e.unit_id, e.fund_id,
                     CASE WHEN e.kind IN {DEBIT_KINDS} THEN 'accounts_receivable' ELSE 'prepaid_assessments' END::control_role,
                     CASE WHEN e.kind IN {DEBIT_KINDS} THEN -e.amount ELSE e.amount END
                FROM owner_ledger_entries e
               WHERE e.organization_id = NEW.organization_id AND e.journal_entry_id = NEW.id
              UNION ALL
              SELECT al.unit_id, side.fund_id, side.control, al.amount
                FROM owner_ledger_allocations al
               CROSS JOIN LATERAL (
                     SELECT c.fund_id, 'accounts_receivable'::control_role AS control FROM owner_ledger_entries c
                      WHERE c.organization_id = al.organization_id AND c.id = al.charge_entry_id
                     UNION ALL
                     SELECT k.fund_id, 'prepaid_assessments'::control_role FROM owner_ledger_entries k
                      WHERE k.organization_id = al.organization_id AND k.id = al.credit_entry_id) side
               WHERE al.organization_id = NEW.organization_id AND al.journal_entry_id = NEW.id
            ) x GROUP BY x.unit_id, x.fund_id, x.control
          ) d WHERE d.difference <> 0 OR d.unit_id IS NULL
          LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'journal entry % disagrees with the owner ledger: unit %, fund %, % off by %',
              NEW.id, bad.unit_id, bad.fund_id, bad.control, bad.difference USING ERRCODE = 'HA003';
          END IF;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER owner_ledger_agrees AFTER INSERT ON journal_entries "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION owner_ledger_agrees()"
    )

    # The scheduled late-fee run starts outside any organization: it may learn
    # which associations have an active rule, and nothing else.
    op.execute(
        """CREATE FUNCTION late_fee_rule_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT r.organization_id, r.association_id FROM late_fee_rules r WHERE r.is_active
           ORDER BY r.organization_id, r.association_id $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION late_fee_rule_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION late_fee_rule_targets() TO {APP_ROLE}")
