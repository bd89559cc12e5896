"""Service requests: the concierge path for individuals and commercial clients.
A request, its transitions (append-only), its dispatches to providers and the
providers' estimates as the requester received them, in the requester's
organization; the categories of work a provider offers, in the provider's.

Choosing a provider reads across organizations, which RLS rightly forbids the
app role: `service_providers(category)` (SECURITY DEFINER) reveals each
service-provider organization's id, name and categories, and nothing else.

Revision ID: 0035
Revises: 0038
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import (
    created_at,
    estimate_columns,
    estimate_line_columns,
    estimate_total_check,
    id_column,
    in_organization,
    org_column,
    updated_at,
)
from migrations.rls import APP_ROLE, tenant_table

revision = "0035"
down_revision = "0038"
branch_labels = None
depends_on = None

STATUSES = (
    "requested",
    "dispatched",
    "unassigned",
    "accepted",
    "scheduled",
    "in_progress",
    "work_done",
    "completed",
    "canceled",
)


def _of_request() -> list[sa.Column]:
    return [
        sa.Column("service_request_id", sa.Uuid, nullable=False),
        sa.Column("requester_user_id", sa.Uuid),
    ]


def upgrade() -> None:
    pg.ENUM(*STATUSES, name="service_request_status").create(op.get_bind())
    status = pg.ENUM(*STATUSES, name="service_request_status", create_type=False)
    op.create_table(
        "service_requests",
        id_column(),
        org_column(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(4000)),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("preferred_dates", pg.ARRAY(sa.Date), server_default="{}", nullable=False),
        sa.Column("document_ids", pg.ARRAY(sa.Uuid), server_default="{}", nullable=False),
        sa.Column("posted", sa.Boolean, nullable=False),
        sa.Column("status", status, nullable=False),
        # Cross-tenant on purpose, like vendors.provider_organization_id: the job lives there.
        sa.Column("provider_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="CASCADE")),
        sa.Column("requester_user_id", sa.Uuid),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
    )
    op.create_index("ix_service_requests_created", "service_requests", ["organization_id", "created_at", "id"])
    tenant_table("service_requests")

    op.create_table(
        "service_request_transitions",
        id_column(),
        org_column(),
        *_of_request(),
        sa.Column("from_status", status),
        sa.Column("to_status", status, nullable=False),
        sa.Column(
            "actor_kind", pg.ENUM("user", "service_account", "workflow", name="service_request_actor_kind"), nullable=False
        ),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("note", sa.String(1000)),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("service_request_id", "service_requests"),
    )
    op.create_index(
        "ix_service_request_transitions_request",
        "service_request_transitions",
        ["organization_id", "service_request_id", "created_at"],
    )
    tenant_table("service_request_transitions")

    op.create_table(
        "service_request_dispatches",
        id_column(),
        org_column(),
        *_of_request(),
        sa.Column("provider_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("provider_name", sa.String(200), nullable=False),
        sa.Column(
            "status",
            pg.ENUM(
                "sent",
                "accepted",
                "declined",
                "scheduled",
                "in_progress",
                "work_done",
                "canceled",
                name="service_dispatch_status",
            ),
            nullable=False,
        ),
        sa.Column("scheduled_for", sa.DateTime(timezone=True)),
        sa.Column("provider_note", sa.String(1000)),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("service_request_id", "service_requests"),
    )
    op.create_index(
        "ix_service_request_dispatches_request", "service_request_dispatches", ["organization_id", "service_request_id"]
    )
    tenant_table("service_request_dispatches")

    estimate_status = pg.ENUM(name="estimate_status", create_type=False)
    op.create_table(
        "service_request_estimates",
        id_column(),
        org_column(),
        *_of_request(),
        sa.Column("dispatch_id", sa.Uuid, nullable=False),
        *estimate_columns(estimate_status),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "dispatch_id", "revision"),
        in_organization("service_request_id", "service_requests"),
        in_organization("dispatch_id", "service_request_dispatches"),
    )
    op.create_index(
        "ix_service_request_estimates_request", "service_request_estimates", ["organization_id", "service_request_id"]
    )
    tenant_table("service_request_estimates")
    op.create_table(
        "service_request_estimate_lines",
        id_column(),
        org_column(),
        sa.Column("estimate_id", sa.Uuid, nullable=False),
        *estimate_line_columns(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "estimate_id", "line_no"),
        sa.ForeignKeyConstraint(
            ["organization_id", "estimate_id"],
            ["service_request_estimates.organization_id", "service_request_estimates.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
    )
    tenant_table("service_request_estimate_lines")
    estimate_total_check("service_request_estimates", "service_request_estimate_lines")

    op.create_table(
        "service_offerings",
        id_column(),
        org_column(),
        sa.Column("category", sa.String(100), nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "category"),
    )
    op.create_index("ix_service_offerings_category", "service_offerings", ["category", "created_at"])
    tenant_table("service_offerings")

    # History: requests and dispatches are never deleted (canceling is a
    # transition); transitions, estimates and their lines are append-only, and
    # of an estimate only its decision changes.
    op.execute(f"REVOKE DELETE ON service_requests, service_request_dispatches FROM {APP_ROLE}")
    op.execute(
        f"REVOKE UPDATE, DELETE ON service_request_transitions, service_request_estimates, "
        f"service_request_estimate_lines FROM {APP_ROLE}"
    )
    op.execute(f"GRANT UPDATE (status, decided_at, decision_note) ON service_request_estimates TO {APP_ROLE}")
    # An offering is replaced, not edited.
    op.execute(f"REVOKE UPDATE ON service_offerings FROM {APP_ROLE}")

    op.execute(
        """CREATE FUNCTION service_providers(wanted text)
        RETURNS TABLE (organization_id uuid, name text, categories text[], offered_since timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT o.id, o.name::text,
                 coalesce(array_agg(s.category::text ORDER BY s.category) FILTER (WHERE s.category IS NOT NULL), '{}'),
                 min(s.created_at) FILTER (WHERE s.category = wanted)
            FROM organizations o LEFT JOIN service_offerings s ON s.organization_id = o.id
           WHERE o.type = 'service_provider'
           GROUP BY o.id, o.name
          HAVING wanted IS NULL OR bool_or(s.category = wanted) $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION service_providers(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION service_providers(text) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION service_providers(text)")
    op.drop_table("service_offerings")
    op.drop_table("service_request_estimate_lines")
    op.drop_table("service_request_estimates")
    op.execute("DROP FUNCTION service_request_estimates_total_check()")
    op.drop_table("service_request_dispatches")
    op.drop_table("service_request_transitions")
    op.drop_table("service_requests")
    op.execute("DROP TYPE service_dispatch_status")
    op.execute("DROP TYPE service_request_actor_kind")
    op.execute("DROP TYPE service_request_status")
