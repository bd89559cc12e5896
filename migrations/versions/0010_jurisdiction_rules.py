"""Jurisdiction rules: the statutes' deadlines and requirements as platform data
(the same for every organization, read-only to the application), versioned by
effective date, and each association's stricter settings from its governing
documents (a tenant table).

The rules are seeded from migrations/data/0010_jurisdiction_rules.json, a file
frozen with this migration: a new version of a rule is a later migration
adding rows with a later effective date, so the history stays.

Revision ID: 0010
Revises: 0009
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import booked, updated_at
from migrations.rls import CURRENT_ORG, grant, tenant_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0010_jurisdiction_rules.json"
MONEY = sa.Numeric(14, 2)
KIND = pg.ENUM("days", "flag", "money", "methods", name="rule_value_kind")
STRICTER = pg.ENUM("more", "fewer", "true", "subset", name="rule_stricter_direction")
# Exactly the column of the rule's kind holds its value (money may be null: no cap).
ONE_VALUE = (
    "(kind = 'days' AND days IS NOT NULL AND flag IS NULL AND amount IS NULL AND methods IS NULL)"
    " OR (kind = 'flag' AND flag IS NOT NULL AND days IS NULL AND amount IS NULL AND methods IS NULL)"
    " OR (kind = 'money' AND days IS NULL AND flag IS NULL AND methods IS NULL)"
    " OR (kind = 'methods' AND methods IS NOT NULL AND days IS NULL AND flag IS NULL AND amount IS NULL)"
)


def _values(kind: pg.ENUM) -> list[sa.Column]:
    return [
        sa.Column("kind", kind, nullable=False),
        sa.Column("days", sa.Integer),
        sa.Column("flag", sa.Boolean),
        sa.Column("amount", MONEY),
        sa.Column("methods", pg.ARRAY(sa.String(40))),
        sa.CheckConstraint(ONE_VALUE, name="one_value"),
        sa.CheckConstraint("days IS NULL OR days BETWEEN 0 AND 3650", name="days_in_range"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    ]


def upgrade() -> None:
    rules = op.create_table(
        "jurisdiction_rules",
        sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        *_values(KIND),
        sa.Column("stricter", STRICTER, nullable=False),
        sa.Column("citation", sa.String(400), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.UniqueConstraint("jurisdiction", "key", "effective_on"),
        sa.CheckConstraint(r"jurisdiction = 'default' OR jurisdiction ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$'", name="jurisdiction_code"),
    )
    op.bulk_insert(
        rules,
        [
            {
                "jurisdiction": r["jurisdiction"],
                "key": r["key"],
                "kind": r["kind"],
                "days": r.get("days"),
                "flag": r.get("flag"),
                "amount": r.get("amount"),
                "methods": r.get("methods"),
                "stricter": r["stricter"],
                "citation": r["citation"],
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in json.loads(DATA.read_text())["rules"]
        ],
    )

    # Not tenant rows, but like every table under forced RLS: readable inside an
    # organization's transaction, and by nobody else; the app role can't write.
    # Seeded before FORCE, which binds the owner too.
    op.execute("ALTER TABLE jurisdiction_rules ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY in_organization ON jurisdiction_rules FOR SELECT USING ({CURRENT_ORG} IS NOT NULL)")
    grant("jurisdiction_rules", "SELECT")

    op.create_table(
        "jurisdiction_rule_overrides",
        *booked(),
        sa.Column("key", sa.String(60), nullable=False),
        # The type exists since the table above.
        *_values(pg.ENUM(name="rule_value_kind", create_type=False)),
        sa.Column("document_reference", sa.String(200), nullable=False),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "key"),
    )
    tenant_table("jurisdiction_rule_overrides")
