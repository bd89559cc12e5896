"""Architectural (ARC) requests: each association's review settings and
committee seats, the requests owners submit, the committee's votes and the
requests' lifecycle events. Votes and events are append-only for the
application role; committee seats end, they are not deleted.

Revision ID: 0013a
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0013a"
down_revision = "0013"
branch_labels = None
depends_on = None

STATUSES = (
    "submitted",
    "under_review",
    "more_info_requested",
    "approved",
    "approved_with_conditions",
    "denied",
    "deemed_approved",
    "appealed",
    "pending_inspection",
    "completed",
    "void",
)


def upgrade() -> None:
    op.create_table(
        "arc_settings",
        *booked(),
        sa.Column("decision_mode", pg.ENUM("vote", "chair", name="arc_decision_mode"), nullable=False),
        sa.Column("votes_required", sa.SmallInteger, nullable=False),
        sa.Column("neighbor_acknowledgements_required", sa.Boolean, nullable=False),
        sa.Column("more_info_clock", pg.ENUM("pause", "restart", name="arc_clock"), nullable=False),
        sa.Column("inspection_required", sa.Boolean, nullable=False),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id"),
        sa.CheckConstraint("votes_required BETWEEN 1 AND 25", name="votes_required_range"),
    )
    tenant_table("arc_settings")

    op.create_table(
        "committee_members",
        *booked(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", pg.ENUM("member", "chair", name="committee_role"), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        created_at(),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )
    # One current seat per user and committee; the principal's `committee_of` reads by user.
    op.execute(
        "CREATE UNIQUE INDEX uq_committee_members_seated ON committee_members (organization_id, association_id, user_id) "
        "WHERE ended_on IS NULL"
    )
    op.create_index("ix_committee_members_user", "committee_members", ["organization_id", "user_id"])
    tenant_table("committee_members")

    status = pg.ENUM(*STATUSES, name="arc_status")
    kinds = pg.ENUM("solar", "addition", "fence", "landscaping", "paint", "roof", "windows", "other", name="arc_project_type")
    op.create_table(
        "arc_requests",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("submitted_by", sa.Uuid, nullable=False),
        sa.Column("project_type", kinds, nullable=False),
        sa.Column("description", sa.String(4000), nullable=False),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("contractor", sa.String(200)),
        sa.Column("document_refs", pg.ARRAY(sa.String(400)), nullable=False),
        sa.Column("neighbor_acknowledgements", pg.JSONB, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("rules_used", pg.JSONB, nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("decision_due_by", sa.Date, nullable=False),
        sa.Column("deemed_approval", sa.Boolean, nullable=False),
        sa.Column("paused_on", sa.Date),
        sa.Column("review_round", sa.Integer, nullable=False),
        sa.Column("decided_on", sa.Date),
        sa.Column("conditions", sa.String(4000)),
        sa.Column("reasons", sa.String(4000)),
        sa.Column("appeal_available", sa.Boolean),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("status <> 'approved_with_conditions' OR conditions IS NOT NULL", name="conditions_given"),
        sa.CheckConstraint("status <> 'denied' OR reasons IS NOT NULL", name="reasons_given"),
    )
    op.create_index("ix_arc_requests_list", "arc_requests", ["organization_id", "association_id", "submitted_on", "id"])
    op.create_index("ix_arc_requests_unit", "arc_requests", ["organization_id", "association_id", "unit_id"])
    tenant_table("arc_requests")

    op.create_table(
        "arc_votes",
        *booked(),
        sa.Column("arc_request_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("review_round", sa.Integer, nullable=False),
        sa.Column("voter_id", sa.Uuid, nullable=False),
        sa.Column("vote", pg.ENUM("approve", "approve_with_conditions", "deny", name="arc_vote_choice"), nullable=False),
        sa.Column("conditions", sa.String(4000)),
        sa.Column("note", sa.String(4000)),
        sa.Column("cast_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "arc_request_id", "review_round", "voter_id"),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
        sa.CheckConstraint("vote <> 'approve_with_conditions' OR conditions IS NOT NULL", name="conditions_given"),
    )
    tenant_table("arc_votes")

    op.create_table(
        "arc_request_events",
        *booked(),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("arc_request_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column(
            "kind",
            pg.ENUM(
                "submitted",
                "accepted",
                "more_info_requested",
                "owner_replied",
                "voted",
                "decided",
                "deemed_approved",
                "deadline_passed",
                "appealed",
                "appeal_decided",
                "work_completed",
                "inspected",
                "voided",
                name="arc_event_kind",
            ),
            nullable=False,
        ),
        sa.Column("from_status", pg.ENUM(name="arc_status", create_type=False)),
        sa.Column("to_status", pg.ENUM(name="arc_status", create_type=False), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("actor_id", sa.Uuid),
        sa.Column("note", sa.String(4000)),
        sa.Column("details", pg.JSONB, nullable=False),
        created_at(),
        association_fk("arc_request_id", "arc_requests"),
        association_fk("unit_id", "units"),
    )
    op.create_index("ix_arc_request_events_request", "arc_request_events", ["organization_id", "arc_request_id", "seq"])
    tenant_table("arc_request_events")

    for table in ("arc_votes", "arc_request_events"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON arc_settings, committee_members, arc_requests FROM {APP_ROLE}")
