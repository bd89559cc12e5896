"""Work orders: per-association settings (deadlines per priority, reopen
window) and classifier, work orders with the parties linked at opening, and
their transitions, comments and notices (append-only).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MINUTES = sa.Numeric(10, 2)
PRIORITIES = ("routine", "urgent", "emergency", "warranty")
STATUSES = (
    "received",
    "review",
    "not_responsible",
    "requester_told",
    "closed",
    "estimates_requested",
    "estimates_received",
    "vendor_chosen",
    "assigned",
    "scheduled",
    "in_progress",
    "work_done",
    "completed",
    "completed_no_bill",
    "canceled",
)


def _of_work_order() -> list[sa.Column]:
    """What rows under a work order carry of it (for the policies), and their key to it."""
    return [
        sa.Column("work_order_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("requester_user_id", sa.Uuid),
        association_fk("work_order_id", "work_orders"),
    ]


def upgrade() -> None:
    status = pg.ENUM(*STATUSES, name="work_order_status")
    status.create(op.get_bind())
    status = pg.ENUM(*STATUSES, name="work_order_status", create_type=False)

    op.create_table(
        "work_order_settings",
        *booked(),
        *[
            sa.Column(f"{p}_{d}_minutes", MINUTES, sa.CheckConstraint(f"{p}_{d}_minutes > 0"), nullable=False)
            for p in PRIORITIES
            for d in ("response", "completion")
        ],
        sa.Column("reopen_window_days", sa.SmallInteger, sa.CheckConstraint("reopen_window_days >= 0"), nullable=False),
        updated_at(),
        sa.Column("updated_by", sa.Uuid),
        sa.UniqueConstraint("organization_id", "association_id"),
    )
    tenant_table("work_order_settings")

    op.create_table(
        "work_order_categories",
        *booked(),
        sa.Column("parent_id", sa.Uuid),
        sa.Column("level", pg.ENUM("place", "category", "problem", name="work_order_classifier_level"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "parent_id", "name", postgresql_nulls_not_distinct=True),
        association_fk("parent_id", "work_order_categories"),
        sa.CheckConstraint("(level = 'place') = (parent_id IS NULL)", name="place_is_root"),
    )
    tenant_table("work_order_categories")

    op.create_table(
        "work_orders",
        *booked(),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("location", sa.String(200)),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(4000)),
        sa.Column("category_id", sa.Uuid),
        sa.Column("priority", pg.ENUM(*PRIORITIES, name="work_order_priority"), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column(
            "requester_kind",
            pg.ENUM("staff", "board", "owner", "tenant", "integration", name="work_order_requester_kind"),
            nullable=False,
        ),
        sa.Column("requester_user_id", sa.Uuid),
        sa.Column("requester_party_id", sa.Uuid),
        sa.Column("vendor_id", sa.Uuid),
        sa.Column("attachments", pg.ARRAY(sa.String(500)), nullable=False, server_default="{}"),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_escalated_at", sa.DateTime(timezone=True)),
        sa.Column("completion_escalated_at", sa.DateTime(timezone=True)),
        sa.Column(
            "escalated",
            sa.Boolean,
            sa.Computed("response_escalated_at IS NOT NULL OR completion_escalated_at IS NOT NULL", persisted=True),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("feedback_score", sa.SmallInteger, sa.CheckConstraint("feedback_score BETWEEN 1 AND 5")),
        sa.Column("feedback_note", sa.String(1000)),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("unit_id", "units"),
        association_fk("category_id", "work_order_categories"),
        in_organization("requester_party_id", "parties"),
        in_organization("vendor_id", "vendors"),
        sa.CheckConstraint("unit_id IS NOT NULL OR location IS NOT NULL", name="where"),
        sa.CheckConstraint("respond_by <= complete_by", name="deadlines_in_order"),
    )
    # Lists: newest first, across the organization or in one association; open ones by state.
    op.create_index("ix_work_orders_created", "work_orders", ["organization_id", "created_at", "id"])
    op.create_index("ix_work_orders_association_created", "work_orders", ["organization_id", "association_id", "created_at"])
    op.create_index("ix_work_orders_unit", "work_orders", ["organization_id", "unit_id"])
    op.create_index("ix_work_orders_requester", "work_orders", ["organization_id", "requester_user_id"])
    op.create_index("ix_work_orders_status", "work_orders", ["organization_id", "status"])
    tenant_table("work_orders")

    op.create_table(
        "work_order_parties",
        *booked(in_its_association=False),
        sa.Column("work_order_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("relation", pg.ENUM("owner", "resident", name="work_order_party_relation"), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "work_order_id", "party_id", "relation"),
        association_fk("work_order_id", "work_orders"),
        in_organization("party_id", "parties"),
    )
    tenant_table("work_order_parties")

    op.create_table(
        "work_order_transitions",
        *booked(in_its_association=False),
        *_of_work_order(),
        sa.Column("from_status", status),
        sa.Column("to_status", status, nullable=False),
        sa.Column("actor_kind", pg.ENUM("user", "service_account", "workflow", name="work_order_actor_kind"), nullable=False),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("note", sa.String(1000)),
        created_at(),
    )
    op.create_index(
        "ix_work_order_transitions_work_order", "work_order_transitions", ["organization_id", "work_order_id", "created_at"]
    )
    tenant_table("work_order_transitions")

    op.create_table(
        "work_order_comments",
        *booked(in_its_association=False),
        *_of_work_order(),
        sa.Column("body", sa.String(4000), nullable=False),
        sa.Column("visibility", pg.ENUM("internal", "requester", name="work_order_comment_visibility"), nullable=False),
        sa.Column("author_id", sa.Uuid, nullable=False),
        created_at(),
    )
    op.create_index(
        "ix_work_order_comments_work_order", "work_order_comments", ["organization_id", "work_order_id", "created_at"]
    )
    tenant_table("work_order_comments")

    op.create_table(
        "work_order_notices",
        *booked(in_its_association=False),
        *_of_work_order(),
        sa.Column(
            "event",
            pg.ENUM(
                "response_overdue",
                "completion_overdue",
                "not_responsible",
                "vendor_assigned",
                "completed",
                "reopened",
                name="work_order_notice_event",
            ),
            nullable=False,
        ),
        sa.Column("audience", pg.ENUM("staff", "requester", name="work_order_notice_audience"), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        created_at(),
    )
    op.create_index("ix_work_order_notices_work_order", "work_order_notices", ["organization_id", "work_order_id", "created_at"])
    tenant_table("work_order_notices")

    # History is kept: transitions, comments, notices and the links made at
    # opening are never changed; settings, classifier and work orders are never deleted.
    for table in ("work_order_parties", "work_order_transitions", "work_order_comments", "work_order_notices"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON work_order_settings, work_order_categories, work_orders FROM {APP_ROLE}")
