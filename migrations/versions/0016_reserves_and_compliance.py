"""Reserve studies and the compliance calendar.

Reserves: each association's reserve components (four-part test, lives, costs,
the general-ledger accounts their spending lands on) and dated, versioned studies
that freeze their assumptions, their starting balance from the ledger and a copy
of the components they studied. Studies and their copies are append-only for the
application role.

Compliance: the statutory calendar's rules join the jurisdiction rules (rows
from migrations/data/0016_compliance_rules.json, frozen with this migration);
each association's compliance settings (annual meeting month, insurance renewal,
fidelity bond); the tasks the daily run generates, one per requirement and
period, and their history (append-only).

Revision ID: 0016
Revises: 0014
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0016_compliance_rules.json"
MONEY = sa.Numeric(14, 2)
RATE = sa.Numeric(6, 4)
STATUS = pg.ENUM("active", "retired", name="reserve_component_status")
LEVEL = pg.ENUM("full", "update_with_site_visit", "update_without_site_visit", name="reserve_study_level")
FOUR_PART = ("association_responsibility", "limited_useful_life", "predictable_remaining_life", "above_threshold")


def _four_part() -> list[sa.Column]:
    return [sa.Column(name, sa.Boolean, nullable=False) for name in FOUR_PART]


def _lives() -> list[sa.Column | sa.CheckConstraint]:
    return [
        sa.Column("useful_life_years", sa.SmallInteger, nullable=False),
        sa.Column("remaining_life_years", sa.SmallInteger, nullable=False),
        sa.CheckConstraint("useful_life_years BETWEEN 1 AND 100", name="useful_life_in_range"),
        sa.CheckConstraint("remaining_life_years BETWEEN 0 AND 100", name="remaining_life_in_range"),
    ]


def _rate(name: str, nullable: bool = False) -> list[sa.Column | sa.CheckConstraint]:
    return [
        sa.Column(name, RATE, nullable=nullable),
        sa.CheckConstraint(f"{name} IS NULL OR {name} BETWEEN 0 AND 1", name=f"{name}_in_range"),
    ]


def upgrade() -> None:
    op.create_table(
        "reserve_components",
        *booked(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 2), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("unit_cost", MONEY, nullable=False),
        sa.Column("replacement_cost", MONEY, sa.Computed("round(quantity * unit_cost, 2)", persisted=True)),
        *_lives(),
        sa.Column("remaining_life_as_of", sa.Date, nullable=False),
        *_rate("inflation_rate", nullable=True),
        *_four_part(),
        sa.Column("qualifies", sa.Boolean, sa.Computed(" AND ".join(FOUR_PART), persisted=True)),
        sa.Column("status", STATUS, nullable=False, server_default="active"),
        sa.Column("notes", sa.String(1000)),
        created_at(),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )
    op.create_index("ix_reserve_components_name", "reserve_components", ["organization_id", "association_id", "name"])
    tenant_table("reserve_components")
    op.execute(f"REVOKE DELETE ON reserve_components FROM {APP_ROLE}")

    op.create_table(
        "reserve_component_accounts",
        *booked(),
        sa.Column("component_id", sa.Uuid, nullable=False),
        sa.Column("account_id", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "component_id", "account_id"),
        association_fk("component_id", "reserve_components"),
        association_fk("account_id", "gl_accounts"),
    )
    op.create_index(
        "ix_reserve_component_accounts_account", "reserve_component_accounts", ["organization_id", "association_id", "account_id"]
    )
    tenant_table("reserve_component_accounts")

    op.create_table(
        "reserve_studies",
        *booked(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.Column("version", sa.SmallInteger, nullable=False),
        sa.Column("study_date", sa.Date, nullable=False),
        sa.Column("level", LEVEL, nullable=False),
        sa.Column("prepared_by", sa.String(200), nullable=False),
        *_rate("interest_rate"),
        *_rate("inflation_rate"),
        sa.Column("horizon_years", sa.SmallInteger, nullable=False),
        sa.Column("starting_balance", MONEY, nullable=False),
        sa.Column("current_annual_contribution", MONEY, nullable=False),
        *_rate("contribution_increase_rate"),
        sa.Column("threshold_balance", MONEY, nullable=False),
        *_rate("threshold_percent_funded"),
        *_rate("replacement_completion_ratio"),
        sa.Column("notes", sa.String(2000)),
        created_at(),
        sa.Column("created_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("horizon_years BETWEEN 1 AND 40", name="horizon_in_range"),
        sa.CheckConstraint("current_annual_contribution >= 0 AND threshold_balance >= 0", name="amounts_not_negative"),
        sa.CheckConstraint("replacement_completion_ratio > 0", name="completion_ratio_positive"),
    )
    tenant_table("reserve_studies")

    op.create_table(
        "reserve_study_components",
        *booked(),
        sa.Column("study_id", sa.Uuid, nullable=False),
        sa.Column("component_id", sa.Uuid, nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("replacement_cost", MONEY, nullable=False),
        *_lives(),
        *_rate("inflation_rate"),
        *_four_part(),
        sa.UniqueConstraint("organization_id", "study_id", "component_id"),
        association_fk("study_id", "reserve_studies"),
        association_fk("component_id", "reserve_components"),
        sa.CheckConstraint("replacement_cost >= 0", name="cost_not_negative"),
        # Only components passing the four-part test are studied.
        sa.CheckConstraint(" AND ".join(FOUR_PART), name="passes_four_part_test"),
    )
    tenant_table("reserve_study_components")
    # A study is a record of what was known on its date: never changed, never deleted.
    for table in ("reserve_studies", "reserve_study_components"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")

    _compliance()


def _compliance() -> None:
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

    op.create_table(
        "compliance_settings",
        *booked(),
        sa.Column("annual_meeting_month", sa.SmallInteger),
        sa.Column("insurance_renews_on", sa.Date),
        sa.Column("fidelity_bond_amount", MONEY),
        sa.Column("fidelity_bond_expires_on", sa.Date),
        sa.Column("fidelity_bond_assessment_months", sa.SmallInteger, nullable=False),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id"),
        sa.CheckConstraint("annual_meeting_month BETWEEN 1 AND 12", name="meeting_month_in_range"),
        sa.CheckConstraint("fidelity_bond_amount >= 0", name="bond_not_negative"),
        sa.CheckConstraint("fidelity_bond_assessment_months BETWEEN 0 AND 24", name="bond_months_in_range"),
    )
    tenant_table("compliance_settings")
    op.execute(f"REVOKE DELETE ON compliance_settings FROM {APP_ROLE}")

    requirement = pg.ENUM(
        "annual_meeting",
        "budget_distribution",
        "financial_review",
        "reserve_study",
        "insurance_renewal",
        "fidelity_bond",
        name="compliance_requirement",
    )
    status = pg.ENUM("open", "done", "waived", name="compliance_task_status")
    op.create_table(
        "compliance_tasks",
        *booked(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.Column("requirement", requirement, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("assigned_role", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("citation", sa.String(400), nullable=False),
        sa.Column("finding", sa.String(500)),
        sa.Column("status", status, nullable=False, server_default="open"),
        sa.Column("escalation_level", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("escalated_at", sa.DateTime(timezone=True)),
        sa.Column("evidence_kind", sa.String(20)),
        sa.Column("evidence_reference", sa.String(300)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("completed_by", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "requirement", "period_start"),
        sa.CheckConstraint(
            "(status = 'open') = (completed_at IS NULL) AND (status <> 'done' OR evidence_reference IS NOT NULL)",
            name="closed_with_evidence",
        ),
    )
    op.create_index("ix_compliance_tasks_due", "compliance_tasks", ["organization_id", "status", "due_on"])
    tenant_table("compliance_tasks")
    op.execute(f"REVOKE DELETE ON compliance_tasks FROM {APP_ROLE}")

    op.create_table(
        "compliance_task_events",
        *booked(),
        sa.Column("task_id", sa.Uuid, nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("actor_id", sa.Uuid),
        created_at(),
        association_fk("task_id", "compliance_tasks"),
    )
    tenant_table("compliance_task_events")
    op.execute(f"REVOKE UPDATE, DELETE ON compliance_task_events FROM {APP_ROLE}")
    # The daily run starts outside any organization: it may learn which
    # associations keep compliance settings, and nothing else.
    op.execute(
        """CREATE FUNCTION compliance_targets() RETURNS TABLE (organization_id uuid, association_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT s.organization_id, s.association_id FROM compliance_settings s
           ORDER BY s.organization_id, s.association_id $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION compliance_targets() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION compliance_targets() TO {APP_ROLE}")
