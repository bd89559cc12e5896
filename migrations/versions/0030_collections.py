"""Collections: each association's collection policy (append-only versions) and
the units a version excludes, the collection case of each delinquent unit and
its steps (append-only); the jurisdiction rules collections work under
(migrations/data/0030_collection_rules.json); a template kind for collection
letters and a journal source for collection fees.

Revision ID: 0030
Revises: 0027
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0030"
down_revision = "0027"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0030_collection_rules.json"
MONEY = sa.Numeric(14, 2)
STATUS = pg.ENUM(
    "reminded",
    "late_notice_sent",
    "intent_sent",
    "awaiting_lien_approval",
    "lien_approved",
    "lien_recorded",
    "awaiting_referral_approval",
    "referral_approved",
    "referred",
    "suspended",
    "closed",
    name="collection_case_status",
    create_type=False,
)
STEP = pg.ENUM(
    "reminder",
    "late_notice",
    "intent_to_lien",
    "notice_period_ended",
    "lien_approved",
    "lien_recorded",
    "referral_due",
    "referral_approved",
    "attorney_referral",
    "suspended",
    "resumed",
    "closed",
    name="collection_step_kind",
    create_type=False,
)
DAYS = ("reminder_after_days", "late_notice_after_days", "intent_after_days", "lien_wait_days", "referral_after_days")
FEES = ("min_balance", "reminder_fee", "late_notice_fee", "intent_fee", "lien_fee", "referral_fee")
FLAGS = ("lien_needs_board_approval", "referral_needs_board_approval", "offers_meet_and_confer", "offers_payment_plan")


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
                "amount": None if r.get("amount") is None else Decimal(r["amount"]),
                "stricter": r["stricter"],
                "citation": r["citation"],
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in json.loads(DATA.read_text())["rules"]
        ],
    )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    # New enum values are usable once this migration's transaction commits;
    # nothing below uses them.
    op.execute("ALTER TYPE template_kind ADD VALUE IF NOT EXISTS 'collection_notice'")
    op.execute("ALTER TYPE entry_source ADD VALUE IF NOT EXISTS 'collection_fee'")
    _rules()
    STATUS.create(op.get_bind())
    STEP.create(op.get_bind())

    op.create_table(
        "collection_policies",
        *booked(),
        sa.Column("version", sa.Integer, nullable=False),
        *(sa.Column(name, sa.SmallInteger, nullable=False) for name in DAYS),
        *(sa.Column(name, MONEY, nullable=False) for name in FEES),
        *(sa.Column(name, sa.Boolean, nullable=False) for name in FLAGS),
        sa.Column("rules_used", pg.JSONB, nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "version"),
        *(sa.CheckConstraint(f"{name} BETWEEN 0 AND 3650", name=f"{name}_range") for name in DAYS),
        *(sa.CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in FEES),
    )
    tenant_table("collection_policies")
    op.execute(f"REVOKE UPDATE, DELETE ON collection_policies FROM {APP_ROLE}")

    op.create_table(
        "collection_exclusions",
        *booked(in_its_association=False),
        sa.Column("policy_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.UniqueConstraint("organization_id", "policy_id", "unit_id"),
        association_fk("policy_id", "collection_policies"),
        association_fk("unit_id", "units"),
    )
    tenant_table("collection_exclusions")
    op.execute(f"REVOKE UPDATE, DELETE ON collection_exclusions FROM {APP_ROLE}")

    op.create_table(
        "collection_cases",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("policy_id", sa.Uuid, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("resume_status", STATUS),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("last_night", sa.Date),
        sa.Column("step_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("lien_amount", MONEY),
        sa.Column("lien_recorded_on", sa.Date),
        sa.Column("closed_reason", sa.String(200)),
        sa.Column("workflow_id", sa.String(80)),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("policy_id", "collection_policies"),
        sa.CheckConstraint("(status = 'suspended') = (resume_status IS NOT NULL)", name="resume_when_suspended"),
        sa.CheckConstraint("(status = 'closed') = (closed_reason IS NOT NULL)", name="reason_when_closed"),
    )
    op.create_index(
        "uq_collection_cases_open_unit",
        "collection_cases",
        ["organization_id", "unit_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
    )
    tenant_table("collection_cases")
    op.execute(f"REVOKE UPDATE, DELETE ON collection_cases FROM {APP_ROLE}")
    op.execute(
        "GRANT UPDATE (status, resume_status, last_night, step_at, due_at, lien_amount, lien_recorded_on, closed_reason,"
        f" workflow_id, updated_at) ON collection_cases TO {APP_ROLE}"
    )

    op.create_table(
        "collection_steps",
        *booked(in_its_association=False),
        sa.Column("case_id", sa.Uuid, nullable=False),
        sa.Column("seq", sa.SmallInteger, nullable=False),
        sa.Column("kind", STEP, nullable=False),
        sa.Column("from_status", STATUS),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("night", sa.Date),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("fee", MONEY),
        sa.Column("fee_entry_id", sa.Uuid),
        sa.Column("letters", sa.SmallInteger, nullable=False),
        sa.Column("delivery", sa.String(20)),
        sa.Column("details", pg.JSONB, nullable=False),
        sa.Column("actor", sa.Uuid),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "case_id", "seq"),
        association_fk("case_id", "collection_cases"),
        in_organization("fee_entry_id", "owner_ledger_entries"),
        sa.CheckConstraint("fee IS NULL OR fee > 0", name="fee_positive"),
    )
    op.create_index(
        "uq_collection_steps_night",
        "collection_steps",
        ["organization_id", "case_id", "night"],
        unique=True,
        postgresql_where=sa.text("night IS NOT NULL"),
    )
    tenant_table("collection_steps")
    op.execute(f"REVOKE UPDATE, DELETE ON collection_steps FROM {APP_ROLE}")

    # The nightly run starts outside any organization: it may learn which
    # associations have a collection policy, and nothing else.
    op.execute(
        """CREATE FUNCTION collection_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT p.organization_id, p.association_id FROM collection_policies p ORDER BY 1, 2 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION collection_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION collection_targets() TO {APP_ROLE}")


def downgrade() -> None:
    # The enum values added to template_kind and entry_source stay: Postgres
    # cannot drop an enum value, and an unused one is harmless.
    op.execute("DROP FUNCTION collection_targets()")
    for table in ("collection_steps", "collection_cases", "collection_exclusions", "collection_policies"):
        op.drop_table(table)
    STEP.drop(op.get_bind())
    STATUS.drop(op.get_bind())
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.execute("DELETE FROM jurisdiction_rules WHERE key LIKE 'collection\\_%'")
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")
