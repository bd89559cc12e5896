"""Compliance calendar, second part: vendors' W-9s and certificates, tax
filings, the annual meeting's notice, Florida and Texas rules, typed evidence.

- compliance_requirement gains annual_meeting_notice, tax_filing, vendor_insurance
  and vendor_w9.
- A task is now unique per (association, requirement, subject, period): the
  subject tells apart the obligations one requirement has several of in a
  period (each vendor and kind of coverage, the federal and the state return);
  '' where there is one. A vendor's task names the vendor (vendor_id, inside the
  organization).
- evidence_kind becomes an enum (compliance_evidence_kind): meeting, document,
  filing, reserve_study, insurance_certificate, vendor_w9.
- Rules from migrations/data/0021_compliance_rules.json (frozen with this
  migration) join jurisdiction_rules.

Revision ID: 0021
Revises: 0012b
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0021"
down_revision = "0012b"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0021_compliance_rules.json"
NEW_REQUIREMENTS = ("annual_meeting_notice", "tax_filing", "vendor_insurance", "vendor_w9")
EVIDENCE = pg.ENUM(
    "meeting", "document", "filing", "reserve_study", "insurance_certificate", "vendor_w9", name="compliance_evidence_kind"
)
OBLIGATION = ("organization_id", "association_id", "requirement", "period_start")


def upgrade() -> None:
    for value in NEW_REQUIREMENTS:
        op.execute(f"ALTER TYPE compliance_requirement ADD VALUE IF NOT EXISTS '{value}'")
    EVIDENCE.create(op.get_bind())
    op.execute(
        "ALTER TABLE compliance_tasks ALTER COLUMN evidence_kind TYPE compliance_evidence_kind "
        "USING evidence_kind::compliance_evidence_kind"
    )
    op.add_column("compliance_tasks", sa.Column("subject", sa.String(60), nullable=False, server_default=""))
    op.add_column("compliance_tasks", sa.Column("vendor_id", sa.Uuid))
    op.create_foreign_key(
        "fk_compliance_tasks_organization_id_vendor_id_vendors",
        "compliance_tasks",
        "vendors",
        ["organization_id", "vendor_id"],
        ["organization_id", "id"],
    )
    # 0016 let Postgres name the old key; find it by its columns.
    op.execute(
        f"""DO $$ DECLARE c text; BEGIN
              SELECT conname INTO STRICT c FROM pg_constraint
               WHERE conrelid = 'compliance_tasks'::regclass AND contype = 'u'
                 AND pg_get_constraintdef(oid) = 'UNIQUE ({", ".join(OBLIGATION)})';
              EXECUTE format('ALTER TABLE compliance_tasks DROP CONSTRAINT %I', c);
            END $$"""
    )
    op.create_unique_constraint(
        "uq_compliance_tasks_obligation",
        "compliance_tasks",
        ["organization_id", "association_id", "requirement", "subject", "period_start"],
    )
    _rules()


def _rules() -> None:
    # Platform rules: FORCE binds the owner too, and no policy lets anyone write;
    # lifted for the seeding only.
    rules = sa.table(
        "jurisdiction_rules",
        *(sa.column(c) for c in ("jurisdiction", "key", "days", "flag", "amount", "citation", "effective_on")),
        sa.column("kind", pg.ENUM(name="rule_value_kind", create_type=False)),
        sa.column("stricter", pg.ENUM(name="rule_stricter_direction", create_type=False)),
    )
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
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
                "stricter": r["stricter"],
                "citation": r["citation"],
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in json.loads(DATA.read_text())["rules"]
        ],
    )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    for r in json.loads(DATA.read_text())["rules"]:
        op.execute(
            sa.text("DELETE FROM jurisdiction_rules WHERE jurisdiction = :j AND key = :k AND effective_on = :d").bindparams(
                j=r["jurisdiction"], k=r["key"], d=date.fromisoformat(r["effective_on"])
            )
        )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")
    # Tasks the old key can't hold go, with their history (RLS lifted, as for the rules).
    gone = f"SELECT id FROM compliance_tasks WHERE requirement::text IN {NEW_REQUIREMENTS} OR subject <> ''"
    for table in ("compliance_task_events", "compliance_tasks"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"DELETE FROM compliance_task_events WHERE task_id IN ({gone})")
    op.execute(f"DELETE FROM compliance_tasks WHERE id IN ({gone})")
    for table in ("compliance_task_events", "compliance_tasks"):
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.drop_constraint("uq_compliance_tasks_obligation", "compliance_tasks")
    op.create_unique_constraint(None, "compliance_tasks", list(OBLIGATION))
    op.drop_constraint("fk_compliance_tasks_organization_id_vendor_id_vendors", "compliance_tasks")
    op.drop_column("compliance_tasks", "vendor_id")
    op.drop_column("compliance_tasks", "subject")
    op.execute("ALTER TABLE compliance_tasks ALTER COLUMN evidence_kind TYPE varchar(20) USING evidence_kind::text")
    EVIDENCE.drop(op.get_bind())
    # Postgres can't drop an enum's values: the four stay in compliance_requirement, unused.
