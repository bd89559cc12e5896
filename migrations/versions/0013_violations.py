"""Violations: each association's rule library, violations with their
observations, lifecycle events and fines; a fine income control role for the
chart of accounts and a journal-entry source for fines.

Observations, events and fines are append-only for the application role; of a
violation only its current-state columns change. A fine is recorded once per
violation, kind and day (a unique key), naming the owner-ledger charge of the
same unit that posted it.

Revision ID: 0013
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0013"
down_revision = "0018"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
STATUSES = (
    "observed",
    "notice_sent",
    "reinspection_due",
    "uncured",
    "hearing_scheduled",
    "decided",
    "fine_pending",
    "fined",
    "appealed",
    "closed",
    "dismissed",
)


def upgrade() -> None:
    # New enum values are usable once this migration's transaction commits;
    # nothing below uses them.
    op.execute("ALTER TYPE control_role ADD VALUE IF NOT EXISTS 'fine_income'")
    op.execute("ALTER TYPE entry_source ADD VALUE IF NOT EXISTS 'violation_fine'")

    period = pg.ENUM("day", "week", name="fine_period")
    op.create_table(
        "violation_rules",
        *booked(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document_reference", sa.String(200), nullable=False),
        sa.Column("notice_text", sa.String(4000), nullable=False),
        sa.Column("action_to_resolve", sa.String(1000), nullable=False),
        sa.Column("curable", sa.Boolean, nullable=False),
        sa.Column("cure_days", sa.Integer),
        sa.Column("fine_first", MONEY),
        sa.Column("fine_repeat", MONEY),
        sa.Column("fine_continuing", MONEY),
        sa.Column("continuing_period", period),
        sa.Column("fine_cap", MONEY),
        sa.Column("repeat_window_days", sa.Integer, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "code"),
        sa.CheckConstraint("curable = (cure_days IS NOT NULL)", name="cure_days_when_curable"),
        sa.CheckConstraint("cure_days IS NULL OR cure_days BETWEEN 1 AND 365", name="cure_days_range"),
        sa.CheckConstraint("(fine_continuing IS NULL) = (continuing_period IS NULL)", name="continuing_has_period"),
        sa.CheckConstraint(
            "coalesce(fine_first, 1) > 0 AND coalesce(fine_repeat, 1) > 0 AND coalesce(fine_continuing, 1) > 0 "
            "AND coalesce(fine_cap, 1) > 0",
            name="fines_positive",
        ),
        sa.CheckConstraint("repeat_window_days BETWEEN 0 AND 3650", name="repeat_window_range"),
    )
    tenant_table("violation_rules")

    status = pg.ENUM(*STATUSES, name="violation_status")
    outcome = pg.ENUM("fine", "no_fine", "more_time", name="hearing_outcome")
    resolution = pg.ENUM("cured", "no_fine", "overturned", "dismissed", name="violation_resolution")
    op.create_table(
        "violations",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("rule_id", sa.Uuid, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("observed_on", sa.Date, nullable=False),
        sa.Column("is_repeat", sa.Boolean, nullable=False),
        sa.Column("repeat_of_id", sa.Uuid),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("rules_used", pg.JSONB, nullable=False),
        sa.Column("cure_by", sa.Date),
        sa.Column("hearing_on", sa.Date),
        sa.Column("outcome", outcome),
        sa.Column("fine_amount", MONEY),
        sa.Column("decision_due_by", sa.Date),
        sa.Column("resolution", resolution),
        sa.Column("owner_responded_at", sa.DateTime(timezone=True)),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("rule_id", "violation_rules"),
        association_fk("repeat_of_id", "violations"),
        sa.CheckConstraint("(status IN ('closed', 'dismissed')) = (resolution IS NOT NULL)", name="resolution_when_ended"),
        sa.CheckConstraint("fine_amount IS NULL OR fine_amount > 0", name="fine_positive"),
    )
    # Duplicate and repeat detection, and a unit's violations: by unit and rule, latest first.
    op.create_index(
        "ix_violations_unit_rule", "violations", ["organization_id", "association_id", "unit_id", "rule_id", "observed_on"]
    )
    op.create_index("ix_violations_list", "violations", ["organization_id", "association_id", "observed_on", "id"])
    tenant_table("violations")

    op.create_table(
        "violation_observations",
        *booked(),
        sa.Column("violation_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("observed_on", sa.Date, nullable=False),
        sa.Column("observed_by", sa.Uuid, nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("photo_refs", pg.ARRAY(sa.String(400)), nullable=False),
        sa.Column("is_duplicate", sa.Boolean, nullable=False),
        created_at(),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
    )
    op.create_index("ix_violation_observations_violation", "violation_observations", ["organization_id", "violation_id"])
    tenant_table("violation_observations")

    kinds = pg.ENUM(
        "observed",
        "notice_sent",
        "cure_period_ended",
        "reinspected",
        "hearing_scheduled",
        "decided",
        "decision_delivered",
        "decision_lapsed",
        "fine_posted",
        "owner_responded",
        "appealed",
        "appeal_decided",
        "dismissed",
        name="violation_event_kind",
    )
    op.create_table(
        "violation_events",
        *booked(),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("violation_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("kind", kinds, nullable=False),
        sa.Column("from_status", pg.ENUM(name="violation_status", create_type=False)),
        sa.Column("to_status", pg.ENUM(name="violation_status", create_type=False), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("actor_id", sa.Uuid),
        sa.Column("note", sa.String(4000)),
        sa.Column("details", pg.JSONB, nullable=False),
        created_at(),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
    )
    op.create_index("ix_violation_events_violation", "violation_events", ["organization_id", "violation_id", "seq"])
    tenant_table("violation_events")

    op.create_table(
        "violation_fines",
        *booked(),
        sa.Column("violation_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("kind", pg.ENUM("first", "repeat", "continuing", name="fine_kind"), nullable=False),
        sa.Column("fined_on", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("owner_ledger_entry_id", sa.Uuid, nullable=False),
        created_at(),
        # Exactly once: a violation's fine of one kind for one day.
        sa.UniqueConstraint("organization_id", "violation_id", "kind", "fined_on"),
        association_fk("violation_id", "violations"),
        association_fk("unit_id", "units"),
        sa.ForeignKeyConstraint(
            ["organization_id", "unit_id", "owner_ledger_entry_id"],
            ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
        ),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
    tenant_table("violation_fines")

    for table in ("violation_observations", "violation_events", "violation_fines"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON violation_rules, violations FROM {APP_ROLE}")
