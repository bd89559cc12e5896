"""Interest on delinquent assessments and the 1099-NEC report: the statutory
interest limits (a platform table, migrations/data/0037_interest_and_1099.json),
each association's interest policy (append-only versions) and the interest it
accrued (one row per unit and month), an income control account role and a
journal source for it; the federal 1099-NEC threshold per tax year (jurisdiction
rules); vendors' W-9 date and tax classification.

Revision ID: 0037
Revises: 0040
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at
from migrations.rls import APP_ROLE, CURRENT_ORG, grant, tenant_table

revision = "0037"
down_revision = "0040"
branch_labels = None
depends_on = None

DATA = json.loads((Path(__file__).parent.parent / "data" / "0037_interest_and_1099.json").read_text())
MONEY = sa.Numeric(14, 2)
RATE = sa.Numeric(5, 2)
CLASSIFICATION = pg.ENUM(
    "individual",
    "partnership",
    "llc",
    "c_corporation",
    "s_corporation",
    "trust_estate",
    "government",
    "tax_exempt",
    "other",
    name="tax_classification",
)


def _rules() -> None:
    rules = sa.table(
        "jurisdiction_rules",
        *(sa.column(c) for c in ("jurisdiction", "key", "amount", "citation", "effective_on")),
        sa.column("kind", pg.ENUM(name="rule_value_kind", create_type=False)),
        sa.column("stricter", pg.ENUM(name="rule_stricter_direction", create_type=False)),
    )
    # Platform rules: FORCE binds the owner too, and no policy lets anyone write;
    # lifted for the seeding only.
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.bulk_insert(
        rules,
        [
            {
                **{k: r[k] for k in ("jurisdiction", "key", "kind", "stricter", "citation")},
                "amount": Decimal(r["amount"]),
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in DATA["rules"]
        ],
    )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    # New enum values are usable once this migration's transaction commits;
    # nothing below uses them.
    op.execute("ALTER TYPE control_role ADD VALUE IF NOT EXISTS 'delinquency_interest_income'")
    op.execute("ALTER TYPE entry_source ADD VALUE IF NOT EXISTS 'delinquency_interest'")
    _rules()

    limits = op.create_table(
        "interest_limits",
        sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("max_annual_rate", RATE),
        sa.Column("min_grace_days", sa.SmallInteger, nullable=False),
        sa.Column("citation", sa.String(400), nullable=False),
        sa.UniqueConstraint("jurisdiction", "effective_on"),
        sa.CheckConstraint(r"jurisdiction = 'default' OR jurisdiction ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$'", name="jurisdiction_code"),
        sa.CheckConstraint("max_annual_rate IS NULL OR max_annual_rate BETWEEN 0 AND 100", name="rate_in_range"),
        sa.CheckConstraint("min_grace_days BETWEEN 0 AND 365", name="grace_in_range"),
    )
    op.bulk_insert(
        limits,
        [
            {
                "jurisdiction": r["jurisdiction"],
                "effective_on": date.fromisoformat(r["effective_on"]),
                "max_annual_rate": None if r["max_annual_rate"] is None else Decimal(r["max_annual_rate"]),
                "min_grace_days": r["min_grace_days"],
                "citation": r["citation"],
            }
            for r in DATA["interest_limits"]
        ],
    )
    # Seeded before FORCE, which binds the owner too (as jurisdiction_rules).
    op.execute("ALTER TABLE interest_limits ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE interest_limits FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY in_organization ON interest_limits FOR SELECT USING ({CURRENT_ORG} IS NOT NULL)")
    grant("interest_limits", "SELECT")

    op.create_table(
        "interest_policies",
        *booked(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("annual_rate", RATE, nullable=False),
        sa.Column("grace_days", sa.SmallInteger, nullable=False),
        sa.Column("min_balance", MONEY, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("limit_used", pg.JSONB, nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "version"),
        sa.CheckConstraint("annual_rate > 0 AND annual_rate <= 100", name="rate_in_range"),
        sa.CheckConstraint("grace_days BETWEEN 0 AND 365", name="grace_in_range"),
        sa.CheckConstraint("min_balance >= 0", name="min_balance_not_negative"),
    )
    tenant_table("interest_policies")
    op.execute(f"REVOKE UPDATE, DELETE ON interest_policies FROM {APP_ROLE}")

    op.create_table(
        "interest_accruals",
        *booked(in_its_association=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("policy_id", sa.Uuid, nullable=False),
        sa.Column("principal", MONEY, nullable=False),
        sa.Column("annual_rate", RATE, nullable=False),
        sa.Column("days", sa.SmallInteger, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("entry_id", sa.Uuid, nullable=False),
        created_at(),
        # Exactly once per unit and month, whoever runs when.
        sa.UniqueConstraint("organization_id", "unit_id", "period"),
        association_fk("unit_id", "units"),
        association_fk("policy_id", "interest_policies"),
        # The interest charge, on the same unit's ledger.
        sa.ForeignKeyConstraint(
            ["organization_id", "unit_id", "entry_id"],
            ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
        ),
        sa.CheckConstraint("extract(day FROM period) = 1", name="period_is_a_month"),
        sa.CheckConstraint("amount > 0 AND principal > 0", name="amounts_positive"),
    )
    op.create_index("ix_interest_accruals_period", "interest_accruals", ["organization_id", "association_id", "period"])
    tenant_table("interest_accruals")
    op.execute(f"REVOKE UPDATE, DELETE ON interest_accruals FROM {APP_ROLE}")

    # The monthly run starts outside any organization: it may learn which
    # associations have an interest policy, and nothing else.
    op.execute(
        """CREATE FUNCTION interest_policy_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT p.organization_id, p.association_id FROM interest_policies p ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION interest_policy_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION interest_policy_targets() TO {APP_ROLE}")

    CLASSIFICATION.create(op.get_bind())
    op.add_column("vendors", sa.Column("tax_classification", CLASSIFICATION))
    op.add_column("vendors", sa.Column("w9_received_on", sa.Date))


def downgrade() -> None:
    # The enum values added to control_role and entry_source stay: Postgres
    # cannot drop an enum value, and an unused one is harmless.
    op.drop_column("vendors", "w9_received_on")
    op.drop_column("vendors", "tax_classification")
    CLASSIFICATION.drop(op.get_bind())
    op.execute("DROP FUNCTION interest_policy_targets()")
    for table in ("interest_accruals", "interest_policies", "interest_limits"):
        op.drop_table(table)
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.execute("DELETE FROM jurisdiction_rules WHERE key = 'form_1099_nec_threshold'")
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")
