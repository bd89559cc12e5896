"""Webhooks: endpoints per organization, the events sent to them and their
deliveries (the outbox: written in the transaction of the change); and the
organization's settings (whether AI agents may change data).

Revision ID: 0011
Revises: 0013a
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, id_column, in_organization, org_column
from migrations.rls import APP_ROLE, tenant_table

revision = "0011"
down_revision = "0013a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        id_column(),
        org_column(),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_types", pg.ARRAY(sa.String(60)), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("status", pg.ENUM("active", "disabled", name="webhook_endpoint_status"), nullable=False),
        sa.Column("disabled_reason", sa.String(200)),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("previous_secret", sa.Text),
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True)),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True)),
        sa.Column("failing_since", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.CheckConstraint("cardinality(event_types) > 0", name="some_event_types"),
        sa.CheckConstraint("url ~ '^https?://'", name="http_url"),
    )
    tenant_table("webhook_endpoints")

    op.create_table(
        "webhook_events",
        id_column(),
        org_column(),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("payload", pg.JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("organization_id", "id"),
    )
    tenant_table("webhook_events")
    # Events are a record: the application adds them and never changes them.
    op.execute(f"REVOKE UPDATE, DELETE ON webhook_events FROM {APP_ROLE}")

    op.create_table(
        "webhook_deliveries",
        id_column(),
        org_column(),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("endpoint_id", sa.Uuid, nullable=False),
        sa.Column("status", pg.ENUM("pending", "succeeded", "failed", name="webhook_delivery_status"), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("response_status", sa.Integer),
        sa.Column("last_error", sa.String(500)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("requested_by", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("event_id", "webhook_events"),
        in_organization("endpoint_id", "webhook_endpoints"),
    )
    tenant_table("webhook_deliveries")

    op.create_table(
        "organization_settings",
        id_column(),
        org_column(),
        sa.UniqueConstraint("organization_id"),
        sa.Column("agent_mutations_allowed", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=False),
    )
    tenant_table("organization_settings")
    # The delivery log of an endpoint, latest first.
    op.create_index(
        "ix_webhook_deliveries_organization_id_endpoint_id_created_at",
        "webhook_deliveries",
        ["organization_id", "endpoint_id", "created_at"],
    )
